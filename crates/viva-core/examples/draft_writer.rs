//! The "app" that `tests/core/drafts.rs` kills: restores the session from the keyring
//! (the server is down), writes one draft through the core, prints `SAVED` once the save
//! returned, and waits to be SIGKILLed. A separate process, so the kill really takes
//! everything that was in memory; not a test of its own.
//!
//! Environment: VIVA_CHILD_KEYRING (keyring service), VIVA_CHILD_DATA (data dir),
//! VIVA_CHILD_INTERVIEW (interview id), VIVA_CHILD_TEXT (the notes to write).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use viva_core::drafts::form;
use viva_core::{DraftKind, Drafts, FormTarget, OsKeyring, Session, SyncConfig, SyncState};

fn var(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set (run by tests/core/drafts.rs)"))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let (service, data, id, text) = (
        var("VIVA_CHILD_KEYRING"),
        var("VIVA_CHILD_DATA"),
        var("VIVA_CHILD_INTERVIEW"),
        var("VIVA_CHILD_TEXT"),
    );
    let secrets = Arc::new(OsKeyring::new(&service));
    let session = Arc::new(Session::new(secrets.clone()));
    let info = session
        .restore()
        .await
        .expect("restore works offline")
        .expect("the test signed in with this keyring first");
    let fast = SyncConfig {
        min_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(400),
    };
    let drafts = Drafts::open(
        Path::new(&data),
        secrets.as_ref(),
        session,
        &info.user.id,
        fast,
    )
    .await
    .expect("open the draft store");
    drafts
        .form(FormTarget {
            interview_id: id.clone(),
            kind: Some(DraftKind::Interviewer),
            topic: "Backend Engineer Interview".into(),
            interview_type: "TECHNICAL".into(),
        })
        .await
        .expect("open the form");
    let mut fields = BTreeMap::new();
    fields.insert("notes".to_owned(), text);
    fields.insert(form::rating_field("Coding"), "3".to_owned());
    let saved = drafts
        .save(&id, DraftKind::Interviewer, fields)
        .await
        .expect("save the draft");
    assert_eq!(saved.state, SyncState::LocalOnly);
    println!("SAVED");
    tokio::time::sleep(Duration::from_secs(120)).await;
}
