//! The room controller: asks the backend for a join token, connects through viva-media,
//! publishes the microphone when there is one, forwards events and video frames to the
//! app, keeps LiveKit's refreshed token, and when the connection is lost for good fetches a
//! fresh token from the backend and rejoins on its own.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use viva_api::rooms::ControlResponse;
use viva_media::{
    DisconnectReason, LocalTrack, LocalTrackPublication, MicrophoneOptions, PlatformAudio,
    PublishOptions, Room, RoomEvent, RoomEvents, RoomOptions, TrackKind, TrackSource, VideoFormat,
    VideoFrame, VideoStream,
};

mod frame_gate;
mod recording;
pub mod scale;
mod video;

pub use frame_gate::{Delivery, FrameGates, FrameMailbox, Offer, Take, IN_FLIGHT};
mod update;
pub use update::{EndReason, Quality, RoomUpdate, TrackMedia};
use video::LocalVideo;
pub use video::VideoKind;

use crate::actions::{self, MediaKind};
use crate::camera;
use crate::entry::{Entry, Ticket};
use crate::error::{CoreError, ErrorCode};
use crate::session::Session;

/// Where the controller delivers updates and frames. Implemented by the app shell.
pub trait RoomSink: Send + Sync + 'static {
    fn update(&self, update: RoomUpdate);
    /// The latest frame of a track; called again only after `RoomController::frame_ack`.
    /// `decoded` counts the frames the engine decoded on the track so far.
    fn frame(&self, track: &str, frame: Arc<VideoFrame>, decoded: u64);
}

/// The published microphone and the platform audio device behind it (kept alive with it).
struct Mic {
    _audio: PlatformAudio,
    publication: LocalTrackPublication,
}

struct Inner {
    entry: Entry,
    sink: Arc<dyn RoomSink>,
    ticket: Mutex<Ticket>,
    room: Mutex<Option<Room>>,
    mic: Mutex<Option<Mic>>,
    /// Our camera and shared screen. An async lock: turning them on awaits the device and
    /// the publish, and two clicks must not race.
    videos: tokio::sync::Mutex<HashMap<VideoKind, LocalVideo>>,
    /// The person wants the camera on (kept for rejoins).
    camera_on: std::sync::atomic::AtomicBool,
    /// For work that device threads hand back to the async world.
    runtime: tokio::runtime::Handle,
    gates: FrameGates,
    /// LiveKit's latest token for this participant (TokenRefreshed).
    latest_token: Mutex<String>,
    /// Set by `leave`: whatever disconnect follows is the user leaving, never a reason to
    /// rejoin (the library can report the end of the stream before our disconnect returns).
    leaving: std::sync::atomic::AtomicBool,
    /// The user's microphone choice, re-applied when a rejoin republishes the microphone.
    mic_muted: std::sync::atomic::AtomicBool,
    tasks: Mutex<Vec<tokio::task::JoinHandle<()>>>,
}

#[derive(Clone)]
pub struct RoomController(Arc<Inner>);

type BoxFuture<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>>;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl RoomController {
    /// Joins the interview's room as the signed-in user.
    pub async fn join(
        session: Arc<Session>,
        interview_id: &str,
        sink: Arc<dyn RoomSink>,
    ) -> Result<Self, CoreError> {
        let entry = Entry::Interview {
            session,
            interview_id: interview_id.to_owned(),
        };
        Self::enter(entry, sink).await
    }

    /// Joins the room `entry` leads to (an interview, a public room code, a password).
    pub async fn enter(entry: Entry, sink: Arc<dyn RoomSink>) -> Result<Self, CoreError> {
        let mut ticket = entry.ticket(None).await?;
        let (room, events) =
            Room::connect(&ticket.livekit_url, &ticket.token, RoomOptions::default()).await?;
        if ticket.identity.is_empty() {
            ticket.identity = room.local_participant().identity().to_owned();
        }
        let controller = RoomController(Arc::new(Inner {
            entry,
            sink,
            latest_token: Mutex::new(ticket.token.clone()),
            leaving: std::sync::atomic::AtomicBool::new(false),
            mic_muted: std::sync::atomic::AtomicBool::new(false),
            ticket: Mutex::new(ticket),
            room: Mutex::new(None),
            mic: Mutex::new(None),
            videos: tokio::sync::Mutex::new(HashMap::new()),
            camera_on: std::sync::atomic::AtomicBool::new(camera::join_with_camera()),
            runtime: tokio::runtime::Handle::current(),
            gates: FrameGates::default(),
            tasks: Mutex::new(Vec::new()),
        }));
        controller.attach(room, events).await;
        Ok(controller)
    }

    /// What the UI knows the room by: the interview id, the room code or
    /// `application:{id}`.
    pub fn key(&self) -> String {
        lock(&self.0.ticket).key.clone()
    }

    pub fn is_interviewer(&self) -> bool {
        lock(&self.0.ticket).is_interviewer
    }

    pub fn identity(&self) -> String {
        lock(&self.0.ticket).identity.clone()
    }

    /// The signed-in session and interview behind an interview entry; guests have no
    /// room controls.
    fn interview(&self) -> Result<(&Session, &str), CoreError> {
        match &self.0.entry {
            Entry::Interview {
                session,
                interview_id,
            } => Ok((session, interview_id)),
            _ => Err(CoreError::new(
                ErrorCode::Forbidden,
                "Only the interviewer can do that",
            )),
        }
    }

    /// Mutes or unmutes another participant (interviewers only; the backend decides).
    pub async fn mute(
        &self,
        identity: &str,
        kind: MediaKind,
        muted: bool,
    ) -> Result<ControlResponse, CoreError> {
        let (session, id) = self.interview()?;
        actions::mute(session, id, identity, kind, muted).await
    }

    /// Removes a participant, who cannot rejoin (interviewers only).
    pub async fn eject(&self, identity: &str) -> Result<ControlResponse, CoreError> {
        let (session, id) = self.interview()?;
        actions::eject(session, id, identity).await
    }

    /// Ends the room for everyone: the interviewer of an interview, or a public-room
    /// candidate finishing their session with its participant credential.
    pub async fn end(&self) -> Result<ControlResponse, CoreError> {
        if let Entry::Code { api, code, .. } = &self.0.entry {
            let credential = lock(&self.0.ticket).participant_token.clone();
            let credential = credential.unwrap_or_default();
            let ended = api.public_end(code, &credential).await?;
            return Ok(ControlResponse {
                success: true,
                action: "end".into(),
                identity: None,
                message: ended.message,
            });
        }
        let (session, id) = self.interview()?;
        actions::end(session, id).await
    }

    /// Takes over a freshly connected room: announces it, publishes the microphone,
    /// catches up on who is there, and starts the event loop.
    fn attach(&self, room: Room, events: RoomEvents) -> BoxFuture<'_> {
        // Boxed: attach -> event loop -> rejoin -> attach is a cycle the compiler cannot
        // size or prove Send without the indirection.
        Box::pin(async move {
            let inner = &self.0;
            {
                let t = lock(&inner.ticket);
                tracing::info!(room = %t.room_name, identity = %t.identity, interviewer = t.is_interviewer, "joined the room");
                inner.sink.update(RoomUpdate::Joined {
                    room: t.room_name.clone(),
                    identity: t.identity.clone(),
                    is_interviewer: t.is_interviewer,
                    interview_id: t.key.clone(),
                    topic: t.topic.clone(),
                    duration_minutes: t.duration_minutes,
                    scheduled_time: t.scheduled_time.clone(),
                });
            }
            // A recording asked for before we (re)joined is in the room's metadata now.
            inner.sink.update(recording::update_of(&room.metadata()));
            match publish_microphone(&room, inner.sink.as_ref()).await {
                Ok(m) => {
                    if inner.mic_muted.load(std::sync::atomic::Ordering::SeqCst) {
                        if let Err(e) = m.publication.set_muted(true) {
                            tracing::warn!(error = %e, "cannot re-mute the microphone");
                        }
                    }
                    *lock(&inner.mic) = Some(m);
                }
                Err(e) => inner.sink.update(RoomUpdate::DeviceWarning {
                    message: format!("No microphone: {e}"),
                }),
            }
            if inner.camera_on.load(std::sync::atomic::Ordering::SeqCst) {
                match self.camera_publish(&room).await {
                    Ok(()) => {}
                    // No camera connected: the person joins without video, nothing to say.
                    Err(e) if e.code == ErrorCode::NotFound => {}
                    Err(e) => inner.sink.update(RoomUpdate::DeviceWarning {
                        message: format!("Camera: {}", e.message),
                    }),
                }
            }
            for p in room.remote_participants() {
                let phone = phone_of(&p);
                inner.sink.update(RoomUpdate::ParticipantJoined {
                    identity: p.identity.clone(),
                    name: shown_name(&p, &phone),
                    phone,
                });
                for publication in &p.publications {
                    if publication.muted {
                        inner.sink.update(RoomUpdate::TrackMuted {
                            identity: p.identity.clone(),
                            kind: publication.kind.into(),
                        });
                    }
                    if publication.kind == TrackKind::Video && publication.subscribed {
                        if let Some(track) = room.remote_track(&p.identity, &publication.sid) {
                            self.watch_video(track, publication.source);
                        }
                    }
                }
            }
            *lock(&inner.room) = Some(room);
            let me = self.clone();
            let task = tokio::spawn(async move { me.event_loop(events).await });
            lock(&inner.tasks).push(task);
        })
    }

    fn watch_video(&self, track: viva_media::RemoteTrack, source: TrackSource) {
        let inner = &self.0;
        let id = track.sid().to_owned();
        let identity = track.participant_identity().to_owned();
        let mut stream = match VideoStream::new(&track, VideoFormat::I420) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "cannot open a video stream");
                return;
            }
        };
        inner.gates.open(&id);
        inner.sink.update(RoomUpdate::VideoTrack {
            identity,
            track: id.clone(),
            kind: match source {
                TrackSource::ScreenShare => VideoKind::ScreenShare,
                _ => VideoKind::Camera,
            },
        });
        let me = self.clone();
        let task = tokio::spawn(async move {
            while let Some(frame) = stream.next().await {
                let decoded = stream.received();
                me.0.gates.record_decoded(&id, decoded);
                match me.0.gates.offer(&id, frame) {
                    Offer::Send(frame) => me.0.sink.frame(&id, frame, decoded),
                    Offer::Held => {}
                    Offer::Closed => return,
                }
            }
        });
        lock(&inner.tasks).push(task);
    }

    /// The UI drew the last frame of `track`: send the newest one if it is waiting.
    pub fn frame_ack(&self, track: &str) {
        if let Some(frame) = self.0.gates.ack(track) {
            self.0.sink.frame(track, frame, self.0.gates.decoded(track));
        }
    }

    /// The UI shows `track` at `width` x `height` pixels: ask for the layer that fits.
    /// False when the room does not know the track (yet).
    pub fn set_video_size(&self, track: &str, width: u32, height: u32) -> bool {
        let Some(room) = &*lock(&self.0.room) else {
            return false;
        };
        match room.set_video_dimensions(track, width, height) {
            Ok(()) => true,
            Err(e) => {
                tracing::debug!(error = %e, track, "cannot set the video size");
                false
            }
        }
    }

    async fn event_loop(&self, mut events: RoomEvents) {
        let inner = &self.0;
        let mut kinds: HashMap<String, TrackKind> = HashMap::new();
        while let Some(event) = events.recv().await {
            match event {
                RoomEvent::ParticipantConnected(p) => {
                    let phone = phone_of(&p);
                    inner.sink.update(RoomUpdate::ParticipantJoined {
                        name: shown_name(&p, &phone),
                        identity: p.identity,
                        phone,
                    })
                }
                RoomEvent::ParticipantDisconnected { identity, .. } => {
                    inner.sink.update(RoomUpdate::ParticipantLeft { identity })
                }
                RoomEvent::TrackPublished { publication, .. } => {
                    kinds.insert(publication.sid, publication.kind);
                }
                RoomEvent::TrackSubscribed { track, .. } => {
                    kinds.insert(track.sid().to_owned(), track.kind());
                    if track.kind() == TrackKind::Video {
                        let source = self.source_of(track.participant_identity(), track.sid());
                        self.watch_video(track, source);
                    }
                }
                RoomEvent::TrackUnsubscribed {
                    participant_identity,
                    track_sid,
                } if inner.gates.close(&track_sid) => {
                    inner.sink.update(RoomUpdate::VideoTrackEnded {
                        identity: participant_identity,
                        track: track_sid,
                    });
                }
                RoomEvent::TrackMuted {
                    participant_identity,
                    track_sid,
                } => inner.sink.update(RoomUpdate::TrackMuted {
                    identity: participant_identity,
                    kind: self.kind_of(&kinds, &track_sid).into(),
                }),
                RoomEvent::TrackUnmuted {
                    participant_identity,
                    track_sid,
                } => inner.sink.update(RoomUpdate::TrackUnmuted {
                    identity: participant_identity,
                    kind: self.kind_of(&kinds, &track_sid).into(),
                }),
                RoomEvent::ActiveSpeakersChanged { identities } => {
                    inner.sink.update(RoomUpdate::ActiveSpeakers { identities })
                }
                RoomEvent::ConnectionQualityChanged {
                    participant_identity,
                    quality,
                } => inner.sink.update(RoomUpdate::ConnectionQuality {
                    identity: participant_identity,
                    quality: quality.into(),
                }),
                RoomEvent::Reconnecting => inner.sink.update(RoomUpdate::Reconnecting),
                RoomEvent::Reconnected => inner.sink.update(RoomUpdate::Reconnected),
                RoomEvent::TokenRefreshed { token } => *lock(&inner.latest_token) = token,
                RoomEvent::RoomMetadataChanged { metadata } => {
                    inner.sink.update(recording::update_of(&metadata))
                }
                RoomEvent::Disconnected { reason } => {
                    self.on_disconnected(reason).await;
                    return;
                }
                _ => {}
            }
        }
    }

    fn kind_of(&self, kinds: &HashMap<String, TrackKind>, sid: &str) -> TrackKind {
        if let Some(k) = kinds.get(sid) {
            return *k;
        }
        // Our own tracks: the microphone, the camera and a shared screen.
        if let Some(m) = &*lock(&self.0.mic) {
            if m.publication.sid() == sid {
                return TrackKind::Audio;
            }
        }
        match self.0.videos.try_lock() {
            Ok(videos) if videos.values().any(|v| v.publication.sid() == sid) => TrackKind::Video,
            _ => TrackKind::Unknown,
        }
    }

    /// What a remote track carries (camera or screen), from the room's view of its owner.
    fn source_of(&self, identity: &str, sid: &str) -> TrackSource {
        let room = lock(&self.0.room).clone();
        room.and_then(|r| r.remote_participant(identity))
            .and_then(|p| p.publications.into_iter().find(|x| x.sid == sid))
            .map_or(TrackSource::Camera, |p| p.source)
    }

    async fn on_disconnected(&self, reason: DisconnectReason) {
        let inner = &self.0;
        self.clear_media().await;
        let end = |reason: EndReason, detail: &str| {
            tracing::info!(?reason, detail, "left the room");
            inner.sink.update(RoomUpdate::Ended {
                reason,
                detail: detail.to_owned(),
            })
        };
        if inner.leaving.load(std::sync::atomic::Ordering::SeqCst) {
            end(EndReason::Left, "You left the interview");
            return;
        }
        match reason {
            DisconnectReason::ClientInitiated => end(EndReason::Left, "You left the interview"),
            DisconnectReason::ParticipantRemoved => end(
                EndReason::Removed,
                "The interviewer removed you from the interview",
            ),
            DisconnectReason::RoomDeleted | DisconnectReason::RoomClosed => {
                end(EndReason::EndedByInterviewer, "The interview has ended")
            }
            DisconnectReason::DuplicateIdentity => end(
                EndReason::ConnectionLost,
                "You joined this interview from another device",
            ),
            other => {
                // The library's own reconnection gave up (e.g. the token it holds expired
                // while the server was away). Ask the backend for a fresh token and rejoin.
                tracing::warn!(reason = other.as_str(), "connection lost; rejoining");
                inner.sink.update(RoomUpdate::Reconnecting);
                match self.rejoin().await {
                    Ok(()) => inner.sink.update(RoomUpdate::Reconnected),
                    Err(e) if e.code == ErrorCode::Forbidden => end(EndReason::Removed, &e.message),
                    Err(e) => end(
                        EndReason::ConnectionLost,
                        &format!("Connection lost ({}): {}", other.as_str(), e.message),
                    ),
                }
            }
        }
    }

    async fn rejoin(&self) -> Result<(), CoreError> {
        let inner = &self.0;
        let mut last = CoreError::new(ErrorCode::Offline, "not attempted");
        for attempt in 0..4u32 {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(500 * 2u64.pow(attempt))).await;
            }
            let result = async {
                let previous = lock(&inner.ticket).clone();
                let latest = self.latest_token();
                let mut ticket = inner.entry.ticket(Some((&previous, &latest))).await?;
                let (room, events) =
                    Room::connect(&ticket.livekit_url, &ticket.token, RoomOptions::default())
                        .await?;
                if ticket.identity.is_empty() {
                    ticket.identity = previous.identity;
                }
                *lock(&inner.latest_token) = ticket.token.clone();
                *lock(&inner.ticket) = ticket;
                Ok::<_, CoreError>((room, events))
            }
            .await;
            match result {
                Ok((room, events)) => {
                    let me = self.clone();
                    // attach spawns the new event loop; this one is finishing.
                    me.attach(room, events).await;
                    return Ok(());
                }
                Err(e)
                    if matches!(
                        e.code,
                        ErrorCode::Forbidden | ErrorCode::Conflict | ErrorCode::Unauthorized
                    ) =>
                {
                    return Err(e)
                }
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    async fn clear_media(&self) {
        // Captures stop first: nothing is sent into sources of a room that is gone.
        for (kind, _) in self.0.videos.lock().await.drain() {
            self.0.sink.update(RoomUpdate::LocalVideoEnded {
                kind,
                track: kind.local_track().to_owned(),
                reason: None,
            });
        }
        self.0.gates.clear();
        *lock(&self.0.mic) = None;
        lock(&self.0.room).take();
    }

    /// Mutes or unmutes our microphone.
    pub fn set_microphone(&self, enabled: bool) -> Result<(), CoreError> {
        match &*lock(&self.0.mic) {
            Some(m) => {
                m.publication.set_muted(!enabled)?;
                self.0
                    .mic_muted
                    .store(!enabled, std::sync::atomic::Ordering::SeqCst);
                Ok(())
            }
            None => Err(CoreError::new(
                ErrorCode::Unsupported,
                "No microphone is available on this computer",
            )),
        }
    }

    /// Leaves the room.
    pub async fn leave(&self) {
        self.0
            .leaving
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let room = lock(&self.0.room).clone();
        if let Some(room) = room {
            let _ = room.disconnect().await;
        }
    }

    /// The token LiveKit last gave us (it refreshes it while connected).
    pub fn latest_token(&self) -> String {
        lock(&self.0.latest_token).clone()
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        for t in lock(&self.tasks).drain(..) {
            t.abort();
        }
    }
}

async fn publish_microphone(room: &Room, sink: &dyn RoomSink) -> Result<Mic, CoreError> {
    let audio = PlatformAudio::new()?;
    for message in crate::audio::apply(&audio) {
        sink.update(RoomUpdate::DeviceWarning { message });
    }
    let source = audio.microphone(MicrophoneOptions {
        echo_cancellation: true,
        noise_suppression: true,
        auto_gain_control: true,
    })?;
    let track = LocalTrack::audio("microphone", &source)?;
    let publication = room
        .local_participant()
        .publish_track(&track, PublishOptions::microphone())
        .await?;
    Ok(Mic {
        _audio: audio,
        publication,
    })
}

/// The name others see: a phone caller's shows their masked number (LiveKit's SIP bridge
/// names callers by their full number).
fn shown_name(p: &viva_media::RemoteParticipant, phone: &Option<String>) -> String {
    match phone {
        Some(masked) => format!("Phone {masked}"),
        None => p.name.clone(),
    }
}

/// A phone caller's masked number (LiveKit's SIP bridge names it in an attribute).
fn phone_of(p: &viva_media::RemoteParticipant) -> Option<String> {
    (p.kind == viva_media::ParticipantKind::Sip).then(|| {
        p.attributes
            .get(viva_api::phone::SIP_PHONE_ATTRIBUTE)
            .map(|n| viva_api::phone::mask(n))
            .unwrap_or_else(|| "+•••".into())
    })
}
