use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use viva_core::actions::{self, MediaKind};
use viva_core::{
    EndReason, MemorySecrets, RoomController, RoomSink, RoomUpdate, Session, TrackMedia, VideoFrame,
};
use viva_testkit::{Bot, LiveKitServer, VivaServer};

#[derive(Default)]
pub struct Collect {
    updates: Mutex<Vec<RoomUpdate>>,
    frames: Mutex<Vec<(String, Arc<VideoFrame>)>>,
}

impl RoomSink for Collect {
    fn update(&self, update: RoomUpdate) {
        self.updates.lock().unwrap().push(update);
    }
    fn frame(&self, track: &str, frame: Arc<VideoFrame>, _decoded: u64) {
        self.frames.lock().unwrap().push((track.to_owned(), frame));
    }
}

impl Collect {
    async fn wait_update(&self, what: &str, pred: impl Fn(&RoomUpdate) -> bool) -> RoomUpdate {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(u) = self.updates.lock().unwrap().iter().find(|u| pred(u)) {
                return u.clone();
            }
            assert!(
                Instant::now() < deadline,
                "no {what}; got {:?}",
                self.updates.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn frame_count(&self) -> usize {
        self.frames.lock().unwrap().len()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_interviewer_sees_the_candidate_and_controls_the_room() {
    let lk = tokio::task::spawn_blocking(LiveKitServer::start)
        .await
        .unwrap();
    let server = VivaServer::start(Some(&lk));
    let session = Arc::new(Session::new(Arc::new(MemorySecrets::default())));
    session
        .login(&server.url(), "interviewer", "viva-interviewer")
        .await
        .unwrap();
    let interview = actions::interviews(&session)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.topic == "Backend Engineer Interview")
        .expect("demo interview");

    let mut bot = Bot::demo_user(
        "candidate",
        &server.url(),
        "candidate",
        &interview.uuid_id,
        &[
            "--publish",
            "audio,video",
            "--video-size",
            "320x180",
            "--video-color",
            "255,0,0",
        ],
    );
    let candidate = bot.wait_event("connected", Duration::from_secs(20))["identity"]
        .as_str()
        .unwrap()
        .to_owned();

    let sink = Arc::new(Collect::default());
    let room = RoomController::join(session.clone(), &interview.uuid_id, sink.clone())
        .await
        .unwrap();
    assert!(room.is_interviewer());
    sink.wait_update("joined", |u| {
        matches!(
            u,
            RoomUpdate::Joined {
                is_interviewer: true,
                ..
            }
        )
    })
    .await;
    sink.wait_update(
        "the candidate",
        |u| matches!(u, RoomUpdate::ParticipantJoined { identity, .. } if *identity == candidate),
    )
    .await;
    let track = match sink
        .wait_update("a video track", |u| {
            matches!(u, RoomUpdate::VideoTrack { .. })
        })
        .await
    {
        RoomUpdate::VideoTrack {
            track, identity, ..
        } => {
            assert_eq!(identity, candidate);
            track
        }
        _ => unreachable!(),
    };

    // Latest-frame-only: without an acknowledgement no second frame is sent.
    let deadline = Instant::now() + Duration::from_secs(20);
    while sink.frame_count() == 0 {
        assert!(Instant::now() < deadline, "no frame arrived");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        sink.frame_count(),
        viva_core::IN_FLIGHT as usize,
        "IN_FLIGHT frames in flight until the UI acknowledges one"
    );
    for _ in 0..5 {
        let before = sink.frame_count();
        room.frame_ack(&track);
        let deadline = Instant::now() + Duration::from_secs(5);
        while sink.frame_count() == before {
            assert!(Instant::now() < deadline, "the ack released no frame");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(
            sink.frame_count(),
            before + 1,
            "each ack releases exactly one frame"
        );
    }
    let (_, frame) = sink.frames.lock().unwrap().last().unwrap().clone();
    assert_eq!((frame.width, frame.height), (320, 180));
    let [r, g, b] = frame.mean_rgb();
    assert!(
        r > 200.0 && g < 60.0 && b < 60.0,
        "the candidate's red arrives: {r} {g} {b}"
    );

    actions::mute(
        &session,
        &interview.uuid_id,
        &candidate,
        MediaKind::Audio,
        true,
    )
    .await
    .unwrap();
    sink.wait_update("the candidate muted", |u| {
        matches!(u, RoomUpdate::TrackMuted { identity, kind } if *identity == candidate && *kind == TrackMedia::Audio)
    })
    .await;
    bot.wait_for("own mute", Duration::from_secs(10), |v| {
        v["event"] == "track_muted"
    });

    actions::eject(&session, &interview.uuid_id, &candidate)
        .await
        .unwrap();
    assert_eq!(
        bot.wait_event("disconnected", Duration::from_secs(10))["reason"],
        "participant_removed"
    );
    sink.wait_update(
        "the candidate left",
        |u| matches!(u, RoomUpdate::ParticipantLeft { identity } if *identity == candidate),
    )
    .await;

    actions::end(&session, &interview.uuid_id).await.unwrap();
    let ended = sink
        .wait_update("the end", |u| matches!(u, RoomUpdate::Ended { .. }))
        .await;
    assert!(
        matches!(
            ended,
            RoomUpdate::Ended {
                reason: EndReason::EndedByInterviewer,
                ..
            }
        ),
        "{ended:?}"
    );
}
