//! `Core`, the facade the desktop app holds, against real services: one room at a time,
//! and signing out leaves the room, closes the drafts and forgets the session, in order.

use std::sync::Arc;
use std::time::Duration;

use viva_core::actions;
use viva_core::session::SESSION_ENTRY;
use viva_core::{Core, Entry, ErrorCode, MemorySecrets, SecretStore};
use viva_testkit::{Bot, LiveKitServer, VivaServer};

use crate::room::Collect;

const T: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_room_at_a_time_and_sign_out_in_order() {
    let lk = tokio::task::spawn_blocking(LiveKitServer::start)
        .await
        .unwrap();
    let server = VivaServer::start(Some(&lk));
    let secrets = Arc::new(MemorySecrets::default());
    let data = tempfile::tempdir().unwrap();
    let core = Core::new(secrets.clone(), data.path().to_path_buf(), None, None);
    core.session()
        .login(&server.url(), "interviewer", "viva-interviewer")
        .await
        .unwrap();
    let interviews = actions::interviews(core.session()).await.unwrap();
    let id = |topic: &str| {
        interviews
            .iter()
            .find(|i| i.topic == topic)
            .unwrap_or_else(|| panic!("demo interview {topic}"))
            .uuid_id
            .clone()
    };
    let (first, second) = (
        id("Backend Engineer Interview"),
        id("Culture & Values Chat"),
    );
    // The candidate waits in each room and reports who comes and goes.
    let mut watch_first = Bot::demo_user("candidate-1", &server.url(), "candidate", &first, &[]);
    let mut watch_second = Bot::demo_user("candidate-2", &server.url(), "candidate", &second, &[]);
    watch_first.wait_event("connected", T);
    watch_second.wait_event("connected", T);
    let enter = |interview_id: String| Entry::interview(core.session(), interview_id);

    core.enter(enter(first), Arc::new(Collect::default()))
        .await
        .unwrap();
    let us = watch_first.wait_event("participant_connected", T)["identity"]
        .as_str()
        .unwrap()
        .to_owned();
    // Entering the second room leaves the first.
    core.enter(enter(second), Arc::new(Collect::default()))
        .await
        .unwrap();
    watch_second.wait_for("us in the second room", T, |v| {
        v["event"] == "participant_connected" && v["identity"] == us.as_str()
    });
    watch_first.wait_for("us gone from the first room", T, |v| {
        v["event"] == "participant_disconnected" && v["identity"] == us.as_str()
    });
    core.drafts()
        .get()
        .await
        .expect("the signed-in user's drafts");

    // Signing out: out of the room, drafts closed, session and its secret gone.
    core.sign_out().await.unwrap();
    watch_second.wait_for("us gone from the second room", T, |v| {
        v["event"] == "participant_disconnected" && v["identity"] == us.as_str()
    });
    assert_eq!(core.room().await.err().unwrap().code, ErrorCode::NotInRoom);
    assert_eq!(
        core.drafts().get().await.err().unwrap().code,
        ErrorCode::Unauthorized
    );
    assert!(core.session_info().await.unwrap().is_none());
    assert_eq!(secrets.get(SESSION_ENTRY).unwrap(), None);
}
