//! Data messages: reliable, with a topic, to one participant or to everyone.

use viva_media::{DataOptions, RoomEvent};
use viva_testkit::LiveKitServer;

use crate::support::{join, wait_for, EVENT_TIMEOUT};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_reaches_the_addressed_participant_only() {
    let server = LiveKitServer::start();
    let (alice, _alice_events) = join(&server, "data", "alice").await;
    let (_bob, mut bob_events) = join(&server, "data", "bob").await;
    let (_carol, mut carol_events) = join(&server, "data", "carol").await;
    wait_for(&mut bob_events, "carol joining", EVENT_TIMEOUT, |e| {
        matches!(e, RoomEvent::ParticipantConnected(p) if p.identity == "carol").then_some(())
    })
    .await;

    let to_bob = DataOptions {
        reliable: true,
        topic: Some("chat".into()),
        destination_identities: vec!["bob".into()],
    };
    alice
        .local_participant()
        .publish_data(b"for bob", to_bob)
        .await
        .expect("send to bob");
    let everyone = DataOptions {
        reliable: true,
        topic: Some("chat".into()),
        destination_identities: vec![],
    };
    alice
        .local_participant()
        .publish_data(b"for all", everyone)
        .await
        .expect("send to all");

    assert_eq!(
        received(&mut bob_events).await,
        (
            "alice".to_owned(),
            b"for bob".to_vec(),
            Some("chat".to_owned()),
            true
        )
    );
    assert_eq!(received(&mut bob_events).await.1, b"for all");
    assert_eq!(
        received(&mut carol_events).await.1,
        b"for all",
        "carol never sees the message addressed to bob"
    );
}

async fn received(events: &mut viva_media::RoomEvents) -> (String, Vec<u8>, Option<String>, bool) {
    wait_for(events, "data from alice", EVENT_TIMEOUT, |e| match e {
        RoomEvent::DataReceived {
            participant_identity,
            data,
            topic,
            reliable,
        } => Some((
            participant_identity.clone(),
            data.clone(),
            topic.clone(),
            *reliable,
        )),
        _ => None,
    })
    .await
}
