//! One conformance suite for the store, run against SQLite and PostgreSQL.

use std::collections::HashSet;

use uuid::Uuid;
use viva_server::domain::{
    FeedbackKind, InterviewStatus, InterviewType, Role, RoomRole, RoomStatus,
};
use viva_server::store::{
    NewApplication, NewFeedback, NewInterview, NewJob, NewPasswordRoom, NewPublicJoin,
    NewPublicSession, NewRefreshToken, NewRoom, NewTokenRecord, NewUser, RefreshOutcome,
    RoomSettings, Store, StoreError, RETENTION_MS,
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

    // sessions: rotation, reuse revokes the family, concurrent use rotates once
    let far = chrono::Utc::now().timestamp_millis() + 60_000;
    let tok = |hash: &'static str| NewRefreshToken {
        hash,
        expires_at_ms: far,
    };
    let fam = store.start_session(cand.id, tok("h1")).await.unwrap();
    assert_eq!(
        store.user_in_live_session(cand.id, fam).await.unwrap(),
        Some(cand.clone())
    );
    assert!(
        store
            .user_in_live_session(intv.id, fam)
            .await
            .unwrap()
            .is_none(),
        "a session is its own user's only"
    );
    assert_eq!(
        store
            .rotate_refresh_token("h1", tok("h2"), 0)
            .await
            .unwrap(),
        RefreshOutcome::Rotated {
            user_id: cand.id,
            family_id: fam
        }
    );
    assert_eq!(
        store
            .rotate_refresh_token("h1", tok("h3"), 0)
            .await
            .unwrap(),
        RefreshOutcome::Reused
    );
    assert!(
        store
            .user_in_live_session(cand.id, fam)
            .await
            .unwrap()
            .is_none(),
        "reuse revoked the family"
    );
    assert_eq!(
        store
            .rotate_refresh_token("h2", tok("h4"), 0)
            .await
            .unwrap(),
        RefreshOutcome::Invalid
    );
    assert_eq!(
        store
            .rotate_refresh_token("unknown", tok("h5"), 0)
            .await
            .unwrap(),
        RefreshOutcome::Invalid
    );
    store.start_session(cand.id, tok("race")).await.unwrap();
    let (a, b) = tokio::join!(
        store.rotate_refresh_token("race", tok("race-a"), 0),
        store.rotate_refresh_token("race", tok("race-b"), 0)
    );
    let rotated = [a.unwrap(), b.unwrap()]
        .iter()
        .filter(|o| matches!(o, RefreshOutcome::Rotated { .. }))
        .count();
    assert_eq!(rotated, 1, "one of two concurrent refreshes wins");
    store
        .start_session(
            cand.id,
            NewRefreshToken {
                hash: "old",
                expires_at_ms: 1,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .rotate_refresh_token("old", tok("old-next"), 0)
            .await
            .unwrap(),
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
        template: "individual".into(),
        settings: RoomSettings::individual(4, 600, 3600),
        title: None,
        host_id: Some(intv.id),
        created_by: None,
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
        .record_issued_token(NewTokenRecord {
            jti: "jti-1",
            room_name: "r1",
            identity: "user-x",
            role: RoomRole::Participant,
            issued_by: None,
            expires_at_ms: far,
        })
        .await
        .unwrap();
    store.ban("r1", "user-x").await.unwrap();
    let revoked = store.token_record("jti-1").await.unwrap().unwrap();
    assert!(
        revoked.revoked && revoked.revoked_at_ms.is_some(),
        "a ban revokes the identity's tokens"
    );
    store.ban("r1", "user-x").await.unwrap();
    assert_eq!(
        store
            .token_record("jti-1")
            .await
            .unwrap()
            .unwrap()
            .revoked_at_ms,
        revoked.revoked_at_ms,
        "a second ban keeps the first revocation time"
    );
    assert!(store.is_banned("r1", "user-x").await.unwrap());
    assert!(!store.is_banned("r2", "user-x").await.unwrap());

    // a join's one statement: the interview, its room, the ban and the other side
    let seen = store
        .join_view(i.id, "r1", cand.id, "user-x")
        .await
        .unwrap();
    let seen = seen.unwrap();
    assert_eq!(
        seen.interview,
        store.interview(i.id).await.unwrap().unwrap()
    );
    assert_eq!(seen.room, store.room("r1").await.unwrap());
    assert!(seen.banned);
    assert_eq!(seen.other.unwrap().id, intv.id);
    let seen = store
        .join_view(i.id, "r2", intv.id, "user-y")
        .await
        .unwrap();
    let seen = seen.unwrap();
    assert!(seen.room.is_none() && !seen.banned);
    assert_eq!(seen.other.unwrap().username, "cand");
    let missing = store.join_view(Uuid::new_v4(), "r1", cand.id, "user-x");
    assert!(missing.await.unwrap().is_none());

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

    candidate_access(&store, intv.id).await;
}

/// The candidate-access tables: catalog, public sessions, password rooms, outbox,
/// endings and cleanup.
async fn candidate_access(store: &Store, staff: Uuid) {
    // catalog: parents must exist; questions round-trip as a list
    let company = store.create_company("MENA Bank").await.unwrap();
    assert_eq!(store.company(company.id).await.unwrap().unwrap(), company);
    assert!(store
        .create_job(NewJob {
            company_id: Uuid::new_v4(),
            title: "x".into(),
            description: String::new(),
            questions: vec![],
        })
        .await
        .unwrap()
        .is_none());
    let job = store
        .create_job(NewJob {
            company_id: company.id,
            title: "Backend".into(),
            description: "Payments".into(),
            questions: vec!["Q1 ü".into(), "Q2".into()],
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(store.job(job.id).await.unwrap().unwrap(), job);
    assert_eq!(store.jobs().await.unwrap(), std::slice::from_ref(&job));
    let app = store
        .create_application(NewApplication {
            job_id: job.id,
            candidate_name: "Ahmed Hassan".into(),
            candidate_email: None,
            candidate_phone: Some("+971509876543".into()),
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(store.application(app.id).await.unwrap().unwrap(), app);
    assert_eq!(store.applications().await.unwrap().len(), 1);
    assert_eq!(store.companies().await.unwrap().len(), 1);

    // public sessions: a taken code is None (the caller draws again), never an error
    let session = |code: &str| NewPublicSession {
        room_code: code.into(),
        application_id: app.id,
        created_by: staff,
        interview_type: InterviewType::Technical,
        instructions: "Welcome".into(),
        max_duration: 10,
        max_participants: 4,
        empty_timeout: 600,
    };
    let s = store
        .create_public_session(session("ABCDEFGH"))
        .await
        .unwrap()
        .unwrap();
    assert!(
        s.room_name.starts_with("interview_") && !s.room_name.contains("ABCDEFGH"),
        "an opaque room name, not the code: {}",
        s.room_name
    );
    let name = s.room_name.clone();
    assert!(store
        .create_public_session(session("ABCDEFGH"))
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        store
            .public_session_by_code("ABCDEFGH")
            .await
            .unwrap()
            .unwrap(),
        s
    );
    assert_eq!(
        store
            .public_session_by_room(&name)
            .await
            .unwrap()
            .unwrap()
            .id,
        s.id
    );
    let room = store.room(&name).await.unwrap().unwrap();
    assert_eq!(
        (
            room.room_code.as_deref(),
            room.status,
            room.settings.max_duration
        ),
        (Some("ABCDEFGH"), RoomStatus::Created, 10)
    );
    store
        .record_public_join(NewPublicJoin {
            session_id: s.id,
            phone: "+971509876543".into(),
            first_name: "Ahmed".into(),
            last_name: "Hassan".into(),
            identity: "candidate_971509876543".into(),
            credential_hash: "cred-hash".into(),
        })
        .await
        .unwrap();
    assert_eq!(
        store.session_for_credential("cred-hash").await.unwrap(),
        Some(s.id)
    );
    assert_eq!(store.session_for_credential("other").await.unwrap(), None);
    assert_eq!(store.public_joins(s.id).await.unwrap().len(), 1);
    let after = store
        .public_session_by_code("ABCDEFGH")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.candidate_name.as_deref(), Some("Ahmed Hassan"));
    store.set_session_ended_by(s.id, "candidate").await.unwrap();
    store.set_session_ended_by(s.id, "staff:x").await.unwrap();
    assert_eq!(
        store
            .public_session_by_code("ABCDEFGH")
            .await
            .unwrap()
            .unwrap()
            .ended_by
            .as_deref(),
        Some("candidate"),
        "the first ending is kept"
    );

    // maximum duration: due only once started and past; ending is claimed exactly once,
    // even by concurrent claimants
    let now = chrono::Utc::now().timestamp_millis();
    assert!(store.rooms_due(now + 3_600_000).await.unwrap().is_empty());
    store.mark_room_active(&name).await.unwrap();
    assert!(store.rooms_due(now + 5_000).await.unwrap().is_empty());
    assert_eq!(
        store.rooms_due(now + 60_000).await.unwrap(),
        std::slice::from_ref(&name)
    );
    let claims =
        futures::future::join_all((0..8).map(|i| {
            store.end_room_once(&name, "max_duration", if i % 2 == 0 { "a" } else { "b" })
        }))
        .await;
    assert_eq!(
        claims.into_iter().filter(|c| *c.as_ref().unwrap()).count(),
        1,
        "one of eight concurrent claims wins"
    );
    let endings = store.room_endings(&name).await.unwrap();
    assert_eq!(endings.len(), 1);
    assert!(!endings[0].livekit_deleted);
    assert_eq!(
        store.endings_to_delete().await.unwrap(),
        std::slice::from_ref(&name)
    );
    store.mark_ending_deleted(&name).await.unwrap();
    assert!(store.endings_to_delete().await.unwrap().is_empty());
    assert!(store.rooms_due(now + 60_000).await.unwrap().is_empty());

    // password rooms: numbered per application, one live password, attempts capped
    let new_pw = |hash: &str, expires: i64| NewPasswordRoom {
        application_id: app.id,
        created_by: Some(staff),
        password_hash: hash.into(),
        expires_at_ms: expires,
        max_duration: 3600,
        max_participants: 4,
        empty_timeout: 600,
    };
    let far = now + 900_000;
    let r1 = store.create_password_room(new_pw("h1", far)).await.unwrap();
    assert_eq!(r1, format!("interview-{}-1", app.id));
    let r2 = store.create_password_room(new_pw("h2", far)).await.unwrap();
    assert_eq!(r2, format!("interview-{}-2", app.id));
    let live = store.live_password(app.id, 5, now).await.unwrap().unwrap();
    assert_eq!(
        (live.room_name.as_str(), live.password_hash.as_str()),
        (r2.as_str(), "h2"),
        "the newer password voided the older"
    );
    assert_eq!(
        store.password_room_creator(&r1).await.unwrap(),
        Some(Some(staff))
    );
    assert_eq!(store.password_room_creator("nope").await.unwrap(), None);
    let attempts =
        futures::future::join_all((0..9).map(|_| store.claim_password_attempt(live.id, 5, now)))
            .await;
    assert_eq!(
        attempts
            .into_iter()
            .filter(|a| *a.as_ref().unwrap())
            .count(),
        5,
        "never more than 5 attempts, however concurrent"
    );
    assert!(store.live_password(app.id, 5, now).await.unwrap().is_none());
    let r3 = store.create_password_room(new_pw("h3", far)).await.unwrap();
    let live = store.live_password(app.id, 5, now).await.unwrap().unwrap();
    assert_eq!(live.room_name, r3);
    assert!(store.consume_password(live.id).await.unwrap());
    assert!(!store.consume_password(live.id).await.unwrap(), "used once");
    assert!(store.live_password(app.id, 5, now).await.unwrap().is_none());
    let r4 = store
        .create_password_room(new_pw("h4", now - 1))
        .await
        .unwrap();
    assert!(
        store.live_password(app.id, 5, now).await.unwrap().is_none(),
        "expired"
    );
    assert!(!store
        .claim_password_attempt(store.passwords_for(app.id).await.unwrap()[0].id, 5, now)
        .await
        .unwrap());
    assert_eq!(store.passwords_for(app.id).await.unwrap().len(), 4);
    assert!(r4.ends_with("-4"));

    // outbox
    store
        .insert_outbox("outbox", "+971509876543", "body 1")
        .await
        .unwrap();
    store
        .insert_outbox("outbox", "+971509876543", "body 2")
        .await
        .unwrap();
    let out = store.outbox().await.unwrap();
    assert_eq!(out.len(), 2);
    assert!(
        !format!("{out:?}").contains("body 1"),
        "bodies stay out of Debug"
    );

    // cleanup: passwords of ended rooms and long-expired ones go; live ones stay
    store.end_room_once(&r3, "staff", "a").await.unwrap();
    store
        .rate_limit_hit("old", 60_000, now - 2 * RETENTION_MS)
        .await
        .unwrap();
    let report = store.cleanup(now).await.unwrap();
    assert_eq!(report.passwords_deleted, 1, "{report:?}");
    assert!(report.rate_limits_deleted >= 1, "{report:?}");
    assert_eq!(store.passwords_for(app.id).await.unwrap().len(), 3);
    let report = store.cleanup(now + 2 * RETENTION_MS).await.unwrap();
    assert_eq!(report.passwords_deleted, 3, "{report:?}");
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
