//! The rooms platform's tables (templates, platform rooms, token records, participants),
//! one conformance suite run against SQLite and PostgreSQL.

use viva_server::domain::{ParticipantKind, Role, RoomRole, RoomStatus, RoomType};
use viva_server::store::{
    DialInClaim, NewRoom, NewTokenRecord, NewUser, Page, ParticipantSeen, RoomScope, RoomUpdate,
    Store, StoreError, Template, TrackSeen,
};
use viva_testkit::Postgres;

async fn platform_conformance(store: Store) {
    store.migrate().await.expect("migrations apply");

    // templates: the defaults once, whatever the number of runs
    assert_eq!(store.ensure_default_templates().await.unwrap(), 4);
    assert_eq!(store.ensure_default_templates().await.unwrap(), 0);
    let all = store.templates().await.unwrap();
    assert_eq!(all.len(), 4);
    let webinar = store.default_template(RoomType::Webinar).await.unwrap();
    assert!(webinar.settings.hosts_only_publish && webinar.is_default);

    // a new default takes the place of the old one; defaults cannot be deleted or un-made
    let big = Template {
        name: "big-webinar".into(),
        description: "".into(),
        is_default: true,
        settings: viva_server::store::RoomSettings {
            max_participants: 2_000,
            ..webinar.settings.clone()
        },
        created_at_ms: 0,
        updated_at_ms: 0,
    };
    store.create_template(&big).await.unwrap();
    assert_eq!(
        store
            .default_template(RoomType::Webinar)
            .await
            .unwrap()
            .name,
        "big-webinar"
    );
    assert!(!store.template("webinar").await.unwrap().unwrap().is_default);
    assert!(matches!(
        store.create_template(&big).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.delete_template("big-webinar").await,
        Err(StoreError::Conflict(_))
    ));
    let undefault = Template {
        is_default: false,
        ..big.clone()
    };
    assert!(matches!(
        store.update_template(&undefault).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(store.delete_template("webinar").await.unwrap());
    assert!(!store.delete_template("webinar").await.unwrap());
    assert_eq!(
        store.ensure_default_templates().await.unwrap(),
        0,
        "the webinar slot is taken by big-webinar: nothing is re-created beside it"
    );

    // rooms: made from a template, found by id, paged, updated until they end
    let host = store
        .create_user(NewUser {
            username: "host".into(),
            display_name: "Host".into(),
            email: None,
            phone: None,
            password_hash: "$argon2id$placeholder".into(),
            role: Role::Interviewer,
            is_staff: false,
            is_superuser: false,
        })
        .await
        .unwrap();
    let group = store.default_template(RoomType::Group).await.unwrap();
    let mut ids = Vec::new();
    for n in 0..3 {
        let (room, created) = store
            .ensure_room(NewRoom {
                name: format!("room_{n}"),
                interview_id: None,
                room_code: None,
                template: group.name.clone(),
                settings: group.settings.clone(),
                title: Some(format!("Group {n}")),
                host_id: (n != 1).then_some(host.id),
                created_by: None,
            })
            .await
            .unwrap();
        assert!(created);
        assert_eq!(room.settings, group.settings);
        assert_eq!(room.status, RoomStatus::Created);
        ids.push(room.id);
    }
    assert_eq!(
        store.room_by_id(ids[1]).await.unwrap().unwrap().name,
        "room_1"
    );
    assert!(
        matches!(
            store.delete_template("group").await,
            Err(StoreError::Conflict(_))
        ),
        "a default template in use"
    );
    let first = store
        .rooms_page(&RoomScope::All, None, &Page::first(2))
        .await
        .unwrap();
    assert_eq!(first.items.len(), 2);
    let hosted = store
        .rooms_page(&RoomScope::HostedBy(host.id), None, &Page::first(50))
        .await
        .unwrap();
    assert_eq!(hosted.items.len(), 2, "room_1 has no host");
    let update = RoomUpdate {
        title: None,
        host_id: None,
        max_participants: 7,
        empty_timeout: 30,
        max_duration: 120,
        recording_enabled: true,
        sip_enabled: false,
    };
    let updated = store.update_room(ids[0], &update).await.unwrap().unwrap();
    assert_eq!(
        (
            updated.settings.max_participants,
            updated.title,
            updated.host_id
        ),
        (7, None, None)
    );
    store.end_room("room_0").await.unwrap();
    assert!(
        store.update_room(ids[0], &update).await.unwrap().is_none(),
        "an ended room does not change"
    );
    let ended = store
        .rooms_page(&RoomScope::All, Some(RoomStatus::Ended), &Page::first(50))
        .await
        .unwrap();
    assert_eq!(ended.items.len(), 1);

    // token records: role, issuer, first use kept at its earliest
    let far = chrono::Utc::now().timestamp_millis() + 600_000;
    store
        .record_issued_token(NewTokenRecord {
            jti: "j-1",
            room_name: "room_2",
            identity: "user-a",
            role: RoomRole::Viewer,
            issued_by: Some(host.id.to_string()),
            expires_at_ms: far,
        })
        .await
        .unwrap();
    store.mark_token_used("j-1", 5_000).await.unwrap();
    store.mark_token_used("j-1", 9_000).await.unwrap();
    store.mark_token_used("j-1", 4_000).await.unwrap();
    let t = store.token_record("j-1").await.unwrap().unwrap();
    assert_eq!(
        (t.role, t.first_used_at_ms, t.revoked),
        (RoomRole::Viewer, Some(4_000), false)
    );
    assert_eq!(store.room_tokens("room_2", 10).await.unwrap().len(), 1);

    // participants: any order of the same events gives the same record; replays change nothing
    let joined = |at| ParticipantSeen {
        room_name: "room_2",
        sid: "PA_1",
        identity: "user-a",
        name: "A",
        kind: ParticipantKind::Standard,
        joined_at_ms: Some(at),
        left_at_ms: None,
    };
    let left = ParticipantSeen {
        left_at_ms: Some(70_000),
        ..joined(10_000)
    };
    let audio = |published: Option<i64>, unpublished: Option<i64>| TrackSeen {
        room_name: "room_2",
        track_sid: "TR_a",
        participant_sid: "PA_1",
        kind: "audio",
        source: "MICROPHONE",
        published_at_ms: published,
        unpublished_at_ms: unpublished,
    };
    // leave and unpublish arrive before join and publish
    store.participant_seen(&left).await.unwrap();
    store.track_seen(&audio(None, Some(40_000))).await.unwrap();
    store.participant_seen(&joined(10_000)).await.unwrap();
    store.track_seen(&audio(Some(20_000), None)).await.unwrap();
    for _ in 0..2 {
        store.participant_seen(&joined(10_000)).await.unwrap();
        store.participant_seen(&left).await.unwrap();
        store.track_seen(&audio(Some(20_000), None)).await.unwrap();
    }
    // a video track never unpublished counts until the leave
    store
        .track_seen(&TrackSeen {
            track_sid: "TR_v",
            kind: "video",
            source: "CAMERA",
            ..audio(Some(30_000), None)
        })
        .await
        .unwrap();
    let people = store.room_participants("room_2").await.unwrap();
    assert_eq!(people.len(), 1);
    let p = &people[0];
    assert_eq!(
        (
            p.joined_at_ms,
            p.left_at_ms,
            p.duration_ms(0),
            p.audio_ms,
            p.video_ms
        ),
        (Some(10_000), Some(70_000), 60_000, 20_000, 40_000)
    );
    assert!(store.room_participants("room_1").await.unwrap().is_empty());

    // dial-in: one per room, and a PIN (its digest) held by one live room only
    assert_eq!(
        store.claim_dial_in("room_1", "digest-a").await.unwrap(),
        DialInClaim::Claimed
    );
    assert_eq!(
        store.claim_dial_in("room_2", "digest-a").await.unwrap(),
        DialInClaim::PinTaken,
        "two rooms never share a PIN"
    );
    assert_eq!(
        store.claim_dial_in("room_1", "digest-b").await.unwrap(),
        DialInClaim::Exists(None),
        "a room has one dial-in"
    );
    store.set_dial_in_rule("room_1", "SDR_1").await.unwrap();
    assert_eq!(
        store.dial_in("room_1").await.unwrap(),
        Some(Some("SDR_1".into()))
    );
    store.end_room("room_1").await.unwrap();
    assert_eq!(
        store.dial_ins_of_ended_rooms().await.unwrap(),
        vec![("room_1".to_owned(), Some("SDR_1".to_owned()))]
    );
    store.delete_dial_in("room_1").await.unwrap();
    assert_eq!(
        store.claim_dial_in("room_2", "digest-a").await.unwrap(),
        DialInClaim::Claimed,
        "a PIN is free again once its room lets go"
    );
}

#[tokio::test]
async fn sqlite_platform_tables_conform() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("conf.db").display());
    platform_conformance(Store::connect(&url).await.unwrap()).await;
}

#[tokio::test]
async fn postgres_platform_tables_conform() {
    let pg = tokio::task::spawn_blocking(Postgres::start).await.unwrap();
    let url = pg.fresh_database();
    platform_conformance(Store::connect(&url).await.unwrap()).await;
}
