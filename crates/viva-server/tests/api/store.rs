//! One conformance suite for the store, run against SQLite and PostgreSQL.

use std::collections::HashSet;

use uuid::Uuid;
use viva_server::domain::{FeedbackKind, InterviewStatus, InterviewType, Role, RoomStatus};
use viva_server::store::{
    NewFeedback, NewInterview, NewRoom, NewUser, RefreshOutcome, Store, StoreError,
};
use viva_testkit::Postgres;

fn new_user(name: &str, role: Role) -> NewUser {
    NewUser {
        username: name.into(),
        display_name: name.into(),
        email: None,
        phone: None,
        password_hash: "$argon2id$placeholder".into(),
        role,
        is_staff: false,
        is_superuser: false,
    }
}

async fn conformance(store: Store) {
    store.migrate().await.expect("migrations apply");
    store.migrate().await.expect("migrations are idempotent");

    // users: unique usernames
    let cand = store
        .create_user(new_user("cand", Role::Candidate))
        .await
        .unwrap();
    let intv = store
        .create_user(new_user("intv", Role::Interviewer))
        .await
        .unwrap();
    assert!(matches!(
        store.create_user(new_user("cand", Role::Candidate)).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.user_by_username("intv").await.unwrap().unwrap(), intv);
    assert_eq!(
        store.user_by_id(cand.id).await.unwrap().unwrap().role,
        Role::Candidate
    );
    assert!(store.user_by_id(Uuid::new_v4()).await.unwrap().is_none());

    // refresh tokens: rotation, reuse revokes the family, concurrent use rotates once
    let fam = Uuid::new_v4();
    let far = chrono::Utc::now().timestamp_millis() + 60_000;
    store
        .insert_refresh_token("h1", fam, cand.id, far)
        .await
        .unwrap();
    assert_eq!(
        store.use_refresh_token("h1").await.unwrap(),
        RefreshOutcome::Rotated {
            user_id: cand.id,
            family_id: fam
        }
    );
    store
        .insert_refresh_token("h2", fam, cand.id, far)
        .await
        .unwrap();
    assert!(store.refresh_family_live(fam).await.unwrap());
    assert_eq!(
        store.use_refresh_token("h1").await.unwrap(),
        RefreshOutcome::Reused
    );
    assert!(
        !store.refresh_family_live(fam).await.unwrap(),
        "reuse revoked the family"
    );
    assert_eq!(
        store.use_refresh_token("h2").await.unwrap(),
        RefreshOutcome::Invalid
    );
    assert_eq!(
        store.use_refresh_token("unknown").await.unwrap(),
        RefreshOutcome::Invalid
    );
    let fam2 = Uuid::new_v4();
    store
        .insert_refresh_token("race", fam2, cand.id, far)
        .await
        .unwrap();
    let (a, b) = tokio::join!(
        store.use_refresh_token("race"),
        store.use_refresh_token("race")
    );
    let rotated = [a.unwrap(), b.unwrap()]
        .iter()
        .filter(|o| matches!(o, RefreshOutcome::Rotated { .. }))
        .count();
    assert_eq!(rotated, 1, "one of two concurrent refreshes wins");
    store
        .insert_refresh_token("old", Uuid::new_v4(), cand.id, 1)
        .await
        .unwrap();
    assert_eq!(
        store.use_refresh_token("old").await.unwrap(),
        RefreshOutcome::Invalid,
        "expired"
    );

    // interviews: transitions are conditional
    let i = store
        .create_interview(NewInterview {
            sender_id: cand.id,
            receiver_id: intv.id,
            topic: "Topic".into(),
            status: InterviewStatus::Pending,
            scheduled_time_ms: 1_000,
            duration_minutes: 45,
            interview_type: InterviewType::AiScreening,
            application_id: None,
        })
        .await
        .unwrap();
    assert_eq!(store.interview(i.id).await.unwrap().unwrap(), i);
    assert_eq!(store.interviews_for(Some(intv.id)).await.unwrap().len(), 1);
    assert_eq!(
        store
            .interviews_for(Some(Uuid::new_v4()))
            .await
            .unwrap()
            .len(),
        0
    );
    let accepted = store
        .transition_interview(i.id, &[InterviewStatus::Pending], InterviewStatus::Accepted)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(accepted.status, InterviewStatus::Accepted);
    assert!(store
        .transition_interview(i.id, &[InterviewStatus::Pending], InterviewStatus::Declined)
        .await
        .unwrap()
        .is_none());

    // rooms: ensure is idempotent under concurrency; end is once
    let room = |name: &str| NewRoom {
        name: name.into(),
        interview_id: Some(i.id),
        room_code: None,
        template: "interview".into(),
        max_participants: 4,
        empty_timeout: 600,
        max_duration: 3600,
    };
    let results = futures::future::join_all((0..10).map(|_| store.ensure_room(room("r1")))).await;
    let created = results
        .into_iter()
        .map(|r| r.unwrap().1)
        .filter(|c| *c)
        .count();
    assert_eq!(created, 1);
    store.mark_room_active("r1").await.unwrap();
    assert_eq!(
        store.room("r1").await.unwrap().unwrap().status,
        RoomStatus::Active
    );
    assert!(store.end_room("r1").await.unwrap());
    assert!(
        !store.end_room("r1").await.unwrap(),
        "ending twice is a no-op"
    );
    store.mark_room_active("r1").await.unwrap();
    assert_eq!(
        store.room("r1").await.unwrap().unwrap().status,
        RoomStatus::Ended,
        "ended rooms stay ended"
    );
    assert_eq!(
        store
            .rooms_with_status(&[RoomStatus::Ended])
            .await
            .unwrap()
            .len(),
        1
    );

    // bans
    assert!(!store.is_banned("r1", "user-x").await.unwrap());
    store
        .record_issued_token("jti-1", "r1", "user-x", "candidate", far)
        .await
        .unwrap();
    store.ban("r1", "user-x").await.unwrap();
    store.ban("r1", "user-x").await.unwrap();
    assert!(store.is_banned("r1", "user-x").await.unwrap());
    assert!(!store.is_banned("r2", "user-x").await.unwrap());

    // feedback: resubmission bumps the version
    let fb = |notes: &str| NewFeedback {
        interview_id: i.id,
        author_id: intv.id,
        kind: FeedbackKind::Interviewer,
        scorecard: serde_json::json!({"Coding": {"rating": 4, "notes": "ünïcödé"}}),
        recommendation: Some("yes".into()),
        notes: notes.into(),
    };
    assert_eq!(store.submit_feedback(fb("first")).await.unwrap().version, 1);
    let second = store.submit_feedback(fb("second")).await.unwrap();
    assert_eq!((second.version, second.notes.as_str()), (2, "second"));
    assert_eq!(second.scorecard["Coding"]["notes"], "ünïcödé");
    assert!(store
        .feedback(i.id, FeedbackKind::Candidate)
        .await
        .unwrap()
        .is_none());

    // rate limits: windows and concurrent hits all count
    let hits =
        futures::future::join_all((0..20).map(|_| store.rate_limit_hit("b", 60_000, 120_000)))
            .await;
    let counts: HashSet<i64> = hits.into_iter().map(|h| h.unwrap().0).collect();
    assert_eq!(counts.len(), 20, "every concurrent hit got its own count");
    assert_eq!(
        store.rate_limit_count("b", 60_000, 150_000).await.unwrap(),
        20
    );
    assert_eq!(
        store.rate_limit_hit("b", 60_000, 180_000).await.unwrap().0,
        1,
        "a new window starts at 1"
    );
    store.rate_limit_clear("b").await.unwrap();
    assert_eq!(
        store.rate_limit_count("b", 60_000, 180_000).await.unwrap(),
        0
    );
}

#[tokio::test]
async fn sqlite_store_conforms() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("conf.db").display());
    conformance(Store::connect(&url).await.unwrap()).await;
}

#[tokio::test]
async fn postgres_store_conforms() {
    let pg = tokio::task::spawn_blocking(Postgres::start).await.unwrap();
    let url = pg.fresh_database();
    conformance(Store::connect(&url).await.unwrap()).await;
}

#[tokio::test]
async fn unsupported_urls_are_refused_clearly() {
    let err = Store::connect("mysql://root:pw@db/viva").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "unsupported database URL 'mysql://root:***@db/viva': use sqlite://... or postgres://..."
    );
}
