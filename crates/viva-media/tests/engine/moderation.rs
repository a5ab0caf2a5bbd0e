//! The server's RoomService removing a participant or deleting the room: the clients are
//! told why, with the reason the UI shows.

use livekit_api::services::room::RoomClient;
use viva_media::{DisconnectReason, RoomEvent};
use viva_testkit::LiveKitServer;

use crate::support::{join, wait_for, EVENT_TIMEOUT};

fn room_service(server: &LiveKitServer) -> RoomClient {
    RoomClient::with_api_key(&server.http_url(), &server.api_key, &server.api_secret)
}

async fn disconnected(events: &mut viva_media::RoomEvents, who: &str) -> DisconnectReason {
    wait_for(
        events,
        &format!("{who} disconnected"),
        EVENT_TIMEOUT,
        |e| match e {
            RoomEvent::Disconnected { reason } => Some(*reason),
            _ => None,
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_participant_is_told_participant_removed() {
    let server = LiveKitServer::start();
    let (_interviewer, mut interviewer_events) = join(&server, "moderated", "interviewer").await;
    let (candidate, mut candidate_events) = join(&server, "moderated", "candidate").await;
    // The server announces a participant once it is active; a participant removed before
    // that simply never appears to the others.
    wait_for(
        &mut interviewer_events,
        "candidate joining",
        EVENT_TIMEOUT,
        |e| {
            matches!(e, RoomEvent::ParticipantConnected(p) if p.identity == "candidate")
                .then_some(())
        },
    )
    .await;

    room_service(&server)
        .remove_participant("moderated", "candidate")
        .await
        .expect("RoomService.RemoveParticipant");

    let reason = disconnected(&mut candidate_events, "candidate").await;
    assert_eq!(reason.as_str(), "participant_removed");
    assert!(
        tokio::time::timeout(EVENT_TIMEOUT, candidate_events.recv())
            .await
            .expect("stream ends")
            .is_none(),
        "Disconnected is the last event"
    );
    assert_eq!(
        candidate.connection_state(),
        viva_media::ConnectionState::Disconnected
    );
    let (left, reason) = wait_for(
        &mut interviewer_events,
        "candidate leaving",
        EVENT_TIMEOUT,
        |e| match e {
            RoomEvent::ParticipantDisconnected { identity, reason } => {
                Some((identity.clone(), *reason))
            }
            _ => None,
        },
    )
    .await;
    assert_eq!(left, "candidate");
    eprintln!("the interviewer sees the candidate leave with reason {reason}");
    candidate
        .disconnect()
        .await
        .expect("disconnecting a removed room is a no-op");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_the_room_tells_everyone_room_deleted() {
    let server = LiveKitServer::start();
    let (_a, mut a_events) = join(&server, "doomed", "a").await;
    let (_b, mut b_events) = join(&server, "doomed", "b").await;

    room_service(&server)
        .delete_room("doomed")
        .await
        .expect("RoomService.DeleteRoom");

    assert_eq!(
        disconnected(&mut a_events, "a").await.as_str(),
        "room_deleted"
    );
    assert_eq!(
        disconnected(&mut b_events, "b").await.as_str(),
        "room_deleted"
    );
}
