//! Leaving without saying goodbye: dropping the last `Room` clone leaves the room, so a
//! crashed window or a forgotten handle never leaves a ghost participant behind.

use viva_media::{DisconnectReason, RoomEvent};
use viva_testkit::LiveKitServer;

use crate::support::{join, wait_for, EVENT_TIMEOUT};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_last_room_clone_leaves_the_room() {
    let server = LiveKitServer::start();
    let (host, mut host_events) = join(&server, "lifecycle", "host").await;
    let (guest, guest_events) = join(&server, "lifecycle", "guest").await;
    wait_for(&mut host_events, "guest joining", EVENT_TIMEOUT, |e| {
        matches!(e, RoomEvent::ParticipantConnected(p) if p.identity == "guest").then_some(())
    })
    .await;

    let clone = guest.clone();
    drop(guest);
    assert_eq!(
        clone.local_participant().identity(),
        "guest",
        "a clone keeps the room alive"
    );
    drop(clone);
    drop(guest_events);

    let left = wait_for(
        &mut host_events,
        "guest leaving",
        EVENT_TIMEOUT,
        |e| match e {
            RoomEvent::ParticipantDisconnected { identity, reason } => {
                Some((identity.clone(), *reason))
            }
            _ => None,
        },
    )
    .await;
    assert_eq!(left.0, "guest");
    assert!(
        matches!(
            left.1,
            DisconnectReason::ClientInitiated | DisconnectReason::Unknown
        ),
        "a drop is a polite leave, not a timeout: {}",
        left.1
    );
    assert!(host.remote_participants().is_empty());
}
