//! The recordings tables, one conformance suite run against SQLite and PostgreSQL: one live
//! recording per room, state changes that happen once whoever asks, first answers that
//! stand, and retention that deletes each recording exactly once across nodes.

use viva_server::store::{ConsentOutcome, FileRow, Move, Store, StoreError};
use viva_testkit::Postgres;

async fn recordings_conformance(store: Store) {
    store.migrate().await.expect("migrations apply");
    let rec = store
        .insert_recording("room-a", "room_a", "viva-recorder", "host")
        .await
        .unwrap();
    assert_eq!(rec.status, "consent");
    assert!(
        matches!(
            store
                .insert_recording("room-a", "room_a", "viva-recorder", "host")
                .await,
            Err(StoreError::Conflict(_))
        ),
        "one live recording per room"
    );
    assert_eq!(
        store.live_recording("room-a").await.unwrap().map(|r| r.id),
        Some(rec.id.clone())
    );

    // Answers: the first one stands.
    assert_eq!(
        store
            .record_consent(&rec.id, "ann", "Ann", true)
            .await
            .unwrap(),
        ConsentOutcome::Recorded
    );
    assert_eq!(
        store
            .record_consent(&rec.id, "ann", "Ann", false)
            .await
            .unwrap(),
        ConsentOutcome::AlreadyAnswered(true)
    );
    store
        .record_consent(&rec.id, "bob", "Bob", false)
        .await
        .unwrap();
    let consents = store.consents(&rec.id).await.unwrap();
    assert_eq!(consents.len(), 2);
    assert!(consents.iter().any(|c| c.identity == "bob" && !c.consent));

    // State changes are compare-and-set: of many concurrent starts, one wins.
    let mut starts = Vec::new();
    for _ in 0..8 {
        let (store, id) = (store.clone(), rec.id.clone());
        starts.push(tokio::spawn(async move {
            store
                .move_recording(
                    &id,
                    &["consent"],
                    "recording",
                    Move {
                        started: true,
                        node_id: Some("n1"),
                        ..Move::default()
                    },
                )
                .await
                .unwrap()
        }));
    }
    let mut won = 0;
    for s in starts {
        won += s.await.unwrap() as usize;
    }
    assert_eq!(won, 1);
    let live = store.recording(&rec.id).await.unwrap().unwrap();
    assert_eq!(
        (live.status.as_str(), live.node_id.as_deref()),
        ("recording", Some("n1"))
    );
    assert!(live.started_at_ms.is_some() && live.stopped_at_ms.is_none());
    assert!(store
        .move_recording(
            &rec.id,
            &["recording"],
            "uploading",
            Move {
                stopped: true,
                ..Move::default()
            }
        )
        .await
        .unwrap());
    assert!(
        store.live_recording("room-a").await.unwrap().is_none(),
        "no longer live"
    );
    let file = FileRow {
        recording_id: rec.id.clone(),
        file: "ann.webm".into(),
        identity: "ann".into(),
        storage_key: format!("recordings/room-a/{}/ann.webm", rec.id),
        size: 1234,
        duration_ms: 5000,
        status: "spooled".into(),
    };
    store.add_recording_file(&file).await.unwrap();
    store.add_recording_file(&file).await.unwrap();
    assert_eq!(
        store.recording_files(&rec.id).await.unwrap().len(),
        1,
        "a replayed manifest adds nothing"
    );
    store.mark_file_stored(&rec.id, "ann.webm").await.unwrap();
    assert_eq!(
        store.recording_files(&rec.id).await.unwrap()[0].status,
        "stored"
    );

    // A new recording may be asked for now; a live one is never claimed by retention.
    let next = store
        .insert_recording("room-a", "room_a", "viva-recorder", "host")
        .await
        .unwrap();
    let far_future = viva_server::domain::now_ms() + 86_400_000;
    let complete = Move::default();
    assert!(store
        .move_recording(&rec.id, &["uploading"], "complete", complete)
        .await
        .unwrap());
    // Retention lists finished recordings only; the live one is kept.
    let expired = store.expired_recordings(far_future).await.unwrap();
    assert_eq!(expired, vec![(rec.id.clone(), "complete".to_owned())]);
    // Several nodes claim it at once: exactly one wins.
    let mut claims = Vec::new();
    for n in 0..4 {
        let (store, id) = (store.clone(), rec.id.clone());
        claims.push(tokio::spawn(async move {
            let node = format!("node-{n}");
            let claim = Move {
                node_id: Some(&node),
                ..Move::default()
            };
            store
                .move_recording(&id, &["complete"], "deleting", claim)
                .await
                .unwrap()
        }));
    }
    let mut won = 0;
    for c in claims {
        won += c.await.unwrap() as usize;
    }
    assert_eq!(won, 1, "one node deletes it");
    assert!(store
        .expired_recordings(far_future)
        .await
        .unwrap()
        .is_empty());
    store.delete_recording(&rec.id).await.unwrap();
    assert!(store.recording(&rec.id).await.unwrap().is_none());
    assert!(store.recording_files(&rec.id).await.unwrap().is_empty());
    assert!(store.consents(&rec.id).await.unwrap().is_empty());
    assert!(store.recording(&next.id).await.unwrap().is_some());
}

#[tokio::test]
async fn sqlite_recording_tables_conform() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("rec.db").display());
    recordings_conformance(Store::connect(&url).await.unwrap()).await;
}

#[tokio::test]
async fn postgres_recording_tables_conform() {
    let pg = tokio::task::spawn_blocking(Postgres::start).await.unwrap();
    recordings_conformance(Store::connect(&pg.fresh_database()).await.unwrap()).await;
}
