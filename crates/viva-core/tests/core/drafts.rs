//! Offline drafts against the real viva-server (stopped and restarted on the same port and
//! database), the real keyring and the real on-disk SQLite store.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use rand::{Rng, SeedableRng};
use viva_core::drafts::{form, Submission, DB_FILE};
use viva_core::{
    actions, DraftKind, Drafts, FormTarget, Keep, OsKeyring, Session, SyncConfig, SyncState,
};
use viva_testkit::VivaServer;

use crate::keyring;

/// Quick retries: tests stop and start the server many times.
const FAST: SyncConfig = SyncConfig {
    min_backoff: Duration::from_millis(50),
    max_backoff: Duration::from_millis(400),
};
const SYNC_TIMEOUT: Duration = Duration::from_secs(30);

/// The demo interviewer's accepted interviews: (id, topic, type).
async fn accepted(session: &Session) -> Vec<(String, String, String)> {
    actions::interviews(session)
        .await
        .unwrap()
        .into_iter()
        .filter(|i| i.status == "accepted")
        .map(|i| (i.uuid_id, i.topic, i.interview_type))
        .collect()
}

fn target(i: &(String, String, String)) -> FormTarget {
    FormTarget {
        interview_id: i.0.clone(),
        kind: Some(DraftKind::Interviewer),
        topic: i.1.clone(),
        interview_type: i.2.clone(),
    }
}

/// A session restored from the keyring (works with the server down: the user is known)
/// and that user's drafts: what the app does on start.
///
/// A refresh whose answer was lost when the server went down mid-request leaves the client
/// with a rotated-away refresh token; the server's reuse detection then ends the session
/// (by design). The person signs in again, and the drafts, sealed for them, carry on.
async fn start_core(secrets: &Arc<OsKeyring>, data: &Path, url: &str) -> (Arc<Session>, Drafts) {
    let session = Arc::new(Session::new(secrets.clone()));
    let info = match session.restore().await.expect("restore works offline too") {
        Some(info) => info,
        None => {
            eprintln!("session ended by refresh-token reuse detection; signing in again");
            session
                .login(url, "interviewer", "viva-interviewer")
                .await
                .unwrap()
        }
    };
    let drafts = Drafts::open(data, secrets.as_ref(), session.clone(), &info.user.id, FAST)
        .await
        .unwrap();
    (session, drafts)
}

/// The server's copy of a draft, read over HTTP as its author (a fresh sign-in: an outage
/// may have ended older sessions, see `start_core`).
async fn server_draft(server: &VivaServer, _session: &Session, id: &str) -> serde_json::Value {
    let fresh = Session::new(Arc::new(viva_core::MemorySecrets::default()));
    fresh
        .login(&server.url(), "interviewer", "viva-interviewer")
        .await
        .unwrap();
    let (_, token) = fresh.access().await.unwrap();
    let res = reqwest::Client::new()
        .get(format!(
            "{}/api/interviews/{id}/feedback/drafts/interviewer",
            server.url()
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// Every file of the draft store (db, -wal, -shm) whose bytes contain `needle`.
fn plaintext_hits(dir: &Path, needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with(DB_FILE) {
            continue;
        }
        let bytes = std::fs::read(entry.path()).unwrap();
        if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
            hits.push(name);
        }
    }
    hits
}

/// The `draft_writer` example (built by `cargo test` with the other examples), beside this
/// test binary's directory: target/<profile>/examples/.
fn draft_writer() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    let path = exe
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .join("examples/draft_writer");
    assert!(
        path.is_file(),
        "{} missing: build it with `cargo build -p viva-core --examples`",
        path.display()
    );
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_draft_survives_sigkill_and_syncs_on_return() {
    let mut server = tokio::task::spawn_blocking(|| VivaServer::start(None))
        .await
        .unwrap();
    let url = server.url();
    let secrets = keyring();
    let data = tempfile::tempdir().unwrap();
    let login = Session::new(secrets.clone());
    login
        .login(&server.url(), "interviewer", "viva-interviewer")
        .await
        .unwrap();
    let interview = accepted(&login).await.remove(0);
    let watcher = Arc::new(login);

    // The server goes away; the app (a separate process) writes a draft and is killed.
    server.stop();
    let text = "Strong on idempotency; asked about retries unprompted (zebra-7731)";
    let mut child = Command::new(draft_writer())
        .env("VIVA_CHILD_KEYRING", secrets.service())
        .env("VIVA_CHILD_DATA", data.path())
        .env("VIVA_CHILD_INTERVIEW", &interview.0)
        .env("VIVA_CHILD_TEXT", text)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let saved = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .any(|l| l.contains("SAVED"))
    })
    .await
    .unwrap();
    assert!(saved, "the child saved its draft");
    child.kill().unwrap(); // SIGKILL: no destructors, no flush, nothing graceful
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the child was killed, not finished: {status}"
    );

    // A restart while the server is still down: the draft is there, unsynced.
    let (session, drafts) = start_core(&secrets, data.path(), &url).await;
    let view = drafts
        .get(&interview.0, DraftKind::Interviewer)
        .await
        .unwrap();
    assert_eq!(view.fields.get("notes").map(String::as_str), Some(text));
    assert_eq!(view.state, SyncState::LocalOnly, "{view:?}");
    assert_eq!(
        drafts.unsynced_count().await.unwrap(),
        1,
        "sign-out would warn"
    );
    assert!(
        plaintext_hits(data.path(), "zebra-7731").is_empty(),
        "notes are encrypted at rest"
    );

    // The server comes back: the draft syncs with nobody pressing anything.
    let back = std::time::Instant::now();
    let server = tokio::task::spawn_blocking(move || {
        server.restart();
        server
    })
    .await
    .unwrap();
    drafts.wait_synced(SYNC_TIMEOUT).await.unwrap();
    eprintln!("synced {:?} after the server came back", back.elapsed());
    let remote = server_draft(&server, &watcher, &interview.0).await;
    assert_eq!(remote["content"]["notes"], text, "{remote}");
    assert_eq!(
        remote["version"], 1,
        "exactly one write reached the server: {remote}"
    );
    let view = drafts
        .get(&interview.0, DraftKind::Interviewer)
        .await
        .unwrap();
    assert_eq!(view.state, SyncState::Synced);

    // Submitting with required fields missing is refused by the core, naming them.
    let err = drafts
        .submit(&interview.0, DraftKind::Interviewer)
        .await
        .unwrap_err();
    assert_eq!(err.code, viva_core::ErrorCode::InvalidInput);
    assert!(
        err.message.contains("Rate Problem solving") && err.message.contains("recommendation"),
        "{err:?}"
    );

    drafts.close().await;
    drop(session);
    assert!(
        plaintext_hits(data.path(), "zebra-7731").is_empty(),
        "nor after closing (WAL checkpointed)"
    );
    assert!(plaintext_hits(data.path(), "idempotency").is_empty());
}

/// A random walk of edits, server outages and core restarts; at the end every edit is on
/// the server and the one submission landed once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_edits_outages_and_restarts_lose_nothing_and_submit_once() {
    let seed: u64 = std::env::var("VIVA_DRAFT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_d4af);
    let cycles: usize = std::env::var("VIVA_DRAFT_CYCLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(120);
    eprintln!("seed {seed}, {cycles} cycles");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut server = tokio::task::spawn_blocking(|| VivaServer::start(None))
        .await
        .unwrap();
    let url = server.url();
    let secrets = keyring();
    let data = tempfile::tempdir().unwrap();
    let login = Arc::new(Session::new(secrets.clone()));
    login
        .login(&server.url(), "interviewer", "viva-interviewer")
        .await
        .unwrap();
    let interviews = accepted(&login).await;
    assert!(
        interviews.len() >= 2,
        "the demo has two accepted interviews"
    );

    let (mut session, mut drafts) = start_core(&secrets, data.path(), &url).await;
    let mut model: Vec<BTreeMap<String, String>> = vec![BTreeMap::new(); interviews.len()];
    for i in &interviews {
        drafts.form(target(i)).await.unwrap();
    }
    let mut up = true;
    let (mut outages, mut restarts, mut edits) = (0, 0, 0);
    let mut submitted = false;
    for cycle in 0..cycles {
        match rng.gen_range(0..10) {
            0..=5 => {
                let which = rng.gen_range(0..interviews.len());
                let fields = &mut model[which];
                let competencies = viva_api::feedback::competencies(&interviews[which].2);
                let field = match rng.gen_range(0..3) {
                    0 => "notes".to_owned(),
                    1 => form::notes_field(competencies[rng.gen_range(0..competencies.len())]),
                    _ => form::rating_field(competencies[rng.gen_range(0..competencies.len())]),
                };
                if field.starts_with("rating:") {
                    fields.insert(field, rng.gen_range(1..=4).to_string());
                } else {
                    let text = fields.entry(field).or_default();
                    text.push_str(&format!("edit{cycle} "));
                }
                drafts
                    .save(&interviews[which].0, DraftKind::Interviewer, fields.clone())
                    .await
                    .unwrap();
                edits += 1;
            }
            6 | 7 => {
                let mut s = server;
                server = tokio::task::spawn_blocking(move || {
                    if up {
                        s.stop();
                    } else {
                        s.restart();
                    }
                    s
                })
                .await
                .unwrap();
                up = !up;
                outages += usize::from(!up);
            }
            8 => {
                // An app restart: the engine stops mid-whatever; a new core opens the store.
                drafts.close().await;
                drop(session);
                (session, drafts) = start_core(&secrets, data.path(), &url).await;
                restarts += 1;
            }
            _ => tokio::time::sleep(Duration::from_millis(rng.gen_range(0..80))).await,
        }
        // Halfway, the first interview's scorecard is completed and submitted (perhaps
        // offline); edits, outages and restarts go on around the queued submission.
        if !submitted && cycle >= cycles / 2 {
            let fields = &mut model[0];
            for c in viva_api::feedback::competencies(&interviews[0].2) {
                fields.insert(form::rating_field(c), "3".into());
            }
            fields.insert("recommendation".into(), "yes".into());
            drafts
                .save(&interviews[0].0, DraftKind::Interviewer, fields.clone())
                .await
                .unwrap();
            drafts
                .submit(&interviews[0].0, DraftKind::Interviewer)
                .await
                .unwrap();
            submitted = true;
        }
    }
    if !up {
        server = tokio::task::spawn_blocking(move || {
            server.restart();
            server
        })
        .await
        .unwrap();
    }
    eprintln!("{edits} edits, {outages} outages, {restarts} restarts");
    if session.access().await.is_err() {
        // See start_core: a lost refresh answer ended the session; sign in again.
        session
            .login(&url, "interviewer", "viva-interviewer")
            .await
            .unwrap();
    }
    assert!(
        outages >= 5 && restarts >= 5 && edits >= 50,
        "the walk exercised everything"
    );
    drafts.wait_synced(SYNC_TIMEOUT).await.unwrap();

    for (i, expected) in interviews.iter().zip(&model) {
        let remote = server_draft(&server, &login, &i.0).await;
        let got = form::from_json(&remote["content"]);
        assert_eq!(&got, expected, "the server has every edit of {}", i.1);
        let view = drafts.get(&i.0, DraftKind::Interviewer).await.unwrap();
        assert_eq!(view.state, SyncState::Synced);
        assert!(
            view.conflicts.is_empty(),
            "one writer never conflicts with itself"
        );
    }
    let view = drafts
        .get(&interviews[0].0, DraftKind::Interviewer)
        .await
        .unwrap();
    assert_eq!(view.submission, Submission::Submitted);
    // The server's own database: one feedback row, written once (a resubmission would
    // have bumped its version).
    let db = sqlx::SqlitePool::connect(&server.database_url)
        .await
        .unwrap();
    let rows: Vec<(i64,)> = sqlx::query_as("SELECT version FROM feedback WHERE interview_id = ?")
        .bind(&interviews[0].0)
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(rows, vec![(1,)], "exactly one submission");
    drafts.close().await;
}

/// Two machines edit one draft: the second to sync sees a conflict per field, chooses,
/// and the server ends up with the chosen values (and the fields only one side changed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_clients_conflict_and_resolution_lands_on_the_server() {
    let server = tokio::task::spawn_blocking(|| VivaServer::start(None))
        .await
        .unwrap();
    let url = server.url();
    let mut machines = Vec::new();
    for _ in 0..2 {
        let secrets = keyring();
        let data = tempfile::tempdir().unwrap();
        Session::new(secrets.clone())
            .login(&server.url(), "interviewer", "viva-interviewer")
            .await
            .unwrap();
        let (session, drafts) = start_core(&secrets, data.path(), &url).await;
        machines.push((data, session, drafts));
    }
    let interview = accepted(&machines[0].1).await.remove(0);
    let id = interview.0.as_str();
    let (a, b) = (&machines[0].2, &machines[1].2);
    let kind = DraftKind::Interviewer;
    let fields = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };

    a.form(target(&interview)).await.unwrap();
    a.save(id, kind, fields(&[("notes", "first pass")]))
        .await
        .unwrap();
    a.wait_synced(SYNC_TIMEOUT).await.unwrap();
    // B opens the form later and starts from the server's copy.
    let opened = b.form(target(&interview)).await.unwrap();
    assert_eq!(
        opened.fields.get("notes").map(String::as_str),
        Some("first pass")
    );
    b.save(
        id,
        kind,
        fields(&[
            ("notes", "B: calm under pressure"),
            ("recommendation", "no"),
            ("rating:Coding", "2"),
        ]),
    )
    .await
    .unwrap();
    b.wait_synced(SYNC_TIMEOUT).await.unwrap();
    a.save(
        id,
        kind,
        fields(&[
            ("notes", "A: great debugging"),
            ("recommendation", "yes"),
            ("rating:System design", "4"),
        ]),
    )
    .await
    .unwrap();

    let deadline = std::time::Instant::now() + SYNC_TIMEOUT;
    let conflict = loop {
        let v = a.get(id, kind).await.unwrap();
        if v.state == SyncState::Conflict {
            break v;
        }
        assert!(std::time::Instant::now() < deadline, "no conflict: {v:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let sides: Vec<_> = conflict
        .conflicts
        .iter()
        .map(|c| (c.field.as_str(), c.mine.as_str(), c.theirs.as_str()))
        .collect();
    assert_eq!(
        sides,
        vec![
            ("notes", "A: great debugging", "B: calm under pressure"),
            ("recommendation", "yes", "no")
        ],
        "both changed fields are shown side by side; the rest merged"
    );
    assert_eq!(
        a.unsynced_count().await.unwrap(),
        1,
        "a conflict is not synced"
    );
    let err = a.submit(id, kind).await.unwrap_err();
    assert!(
        err.message.contains("Rate") || err.code == viva_core::ErrorCode::Conflict,
        "{err:?}"
    );

    let choices: BTreeMap<String, Keep> = [
        ("notes".to_owned(), Keep::Mine),
        ("recommendation".to_owned(), Keep::Theirs),
    ]
    .into();
    let resolved = a.resolve(id, kind, choices).await.unwrap();
    assert!(resolved.conflicts.is_empty());
    a.wait_synced(SYNC_TIMEOUT).await.unwrap();
    let remote = server_draft(&server, &machines[0].1, id).await;
    assert_eq!(
        form::from_json(&remote["content"]),
        fields(&[
            ("notes", "A: great debugging"),
            ("recommendation", "no"),
            ("rating:Coding", "2"),
            ("rating:System design", "4")
        ]),
        "the chosen values and both sides' other edits: {remote}"
    );
    assert_eq!(remote["version"], 3);
    for (_, _, d) in &machines {
        d.close().await;
    }
}
