//! The headless participant: joins a room (directly with a token, or through viva-server
//! as a user), publishes synthetic media, and prints one JSON object per line for every
//! event a test or a person needs to see.
//!
//! Exit codes: 0 when the session ended in an orderly way (duration reached, removed,
//! room deleted, signal); 1 when joining failed; 2 for bad arguments.

mod output;
mod publish;
mod watch;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use clap::Parser;
use viva_media::{Room, RoomEvent, RoomOptions, TrackKind, TrackSource};

use crate::api::ApiClient;
use crate::server_url::ServerUrl;
use output::emit;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "viva-bot",
    version,
    about = "A headless Viva participant that prints JSON lines",
    group(clap::ArgGroup::new("how").args(["interview", "room_code", "application"]))
)]
pub struct Args {
    /// LiveKit URL (ws:// or wss://), with --token.
    #[arg(long, requires = "token", conflicts_with = "server")]
    pub url: Option<String>,
    /// A LiveKit join token, with --url.
    #[arg(long, requires = "url")]
    pub token: Option<String>,
    /// viva-server base URL: join through the backend as a user (--username, --interview),
    /// with a public room code (--room-code, --phone, --name), or with a one-time password
    /// (--application, --otp).
    #[arg(long, requires = "how")]
    pub server: Option<String>,
    #[arg(long, requires = "interview")]
    pub username: Option<String>,
    /// The password; prefer VIVA_BOT_PASSWORD (arguments show in `ps`).
    #[arg(long, env = "VIVA_BOT_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// The interview's uuid_id.
    #[arg(long, requires_all = ["server", "username"])]
    pub interview: Option<String>,
    /// A public room code: join as the candidate with --phone and --name, no account.
    #[arg(long, requires_all = ["server", "phone", "name"])]
    pub room_code: Option<String>,
    /// The candidate's phone number, as on the application (any common form).
    #[arg(long, requires = "room_code")]
    pub phone: Option<String>,
    /// The candidate's name, "First Last".
    #[arg(long, requires = "room_code")]
    pub name: Option<String>,
    /// With --room-code: when leaving on its own (--duration, a signal), end the session
    /// for everyone with the candidate's participant token first.
    #[arg(long, requires = "room_code")]
    pub end_on_leave: bool,
    /// An application id: join its password room with --otp.
    #[arg(long, requires_all = ["server", "otp"])]
    pub application: Option<String>,
    /// The one-time password; prefer VIVA_BOT_OTP (arguments show in `ps`).
    #[arg(long, env = "VIVA_BOT_OTP", hide_env_values = true)]
    pub otp: Option<String>,
    /// What to publish: audio, video (a synthetic camera track), camera (the first camera
    /// through the app's capture pipeline; VIVA_FAKE_CAMERA gives the test camera), screen
    /// (a screen-share track), or several (comma-separated).
    #[arg(long, value_delimiter = ',', value_parser = ["audio", "video", "camera", "screen"])]
    pub publish: Vec<String>,
    /// Published video size, WIDTHxHEIGHT.
    #[arg(long, default_value = "640x360", value_parser = parse_size)]
    pub video_size: (u32, u32),
    /// Published video colour, R,G,B.
    #[arg(long, default_value = "0,128,255", value_parser = parse_rgb)]
    pub video_color: [u8; 3],
    #[arg(long, default_value_t = 30)]
    pub fps: u32,
    /// Published tone frequency in Hz.
    #[arg(long, default_value_t = 440.0)]
    pub audio_hz: f64,
    /// Leave after this many seconds (default: stay until removed or signalled).
    #[arg(long)]
    pub duration: Option<f64>,
    /// Connect timeout in seconds.
    #[arg(long, default_value_t = 15.0)]
    pub connect_timeout: f64,
}

fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once('x')
        .ok_or("expected WIDTHxHEIGHT, e.g. 640x360")?;
    let w: u32 = w.parse().map_err(|_| "width must be a number")?;
    let h: u32 = h.parse().map_err(|_| "height must be a number")?;
    if !(16..=3840).contains(&w)
        || !(16..=2160).contains(&h)
        || !w.is_multiple_of(2)
        || !h.is_multiple_of(2)
    {
        return Err("size must be even, 16x16 to 3840x2160".into());
    }
    Ok((w, h))
}

fn parse_rgb(s: &str) -> Result<[u8; 3], String> {
    let parts: Vec<&str> = s.split(',').collect();
    let [r, g, b] = parts.as_slice() else {
        return Err("expected R,G,B, e.g. 255,0,0".into());
    };
    let c = |v: &str| {
        v.trim()
            .parse::<u8>()
            .map_err(|_| format!("'{v}' is not 0-255"))
    };
    Ok([c(r)?, c(g)?, c(b)?])
}

/// Where and how to connect.
struct Target {
    url: String,
    token: String,
    /// For --end-on-leave: how to end the public session.
    end: Option<EndSession>,
}

/// The candidate's credential for ending a public session. Never printed.
struct EndSession {
    api: ApiClient,
    room_code: String,
    participant_token: String,
}

async fn resolve(args: &Args) -> Result<Target, String> {
    if let (Some(url), Some(token)) = (&args.url, &args.token) {
        return Ok(Target {
            url: url.clone(),
            token: token.clone(),
            end: None,
        });
    }
    let Some(server) = &args.server else {
        return Err("give --url and --token, or --server and a way to join".into());
    };
    let api = ApiClient::new(ServerUrl::parse(server).map_err(|e| e.to_string())?);
    if let (Some(code), Some(phone), Some(name)) = (&args.room_code, &args.phone, &args.name) {
        let (first, last) = name
            .trim()
            .split_once(char::is_whitespace)
            .ok_or("give --name as \"First Last\"")?;
        let joined = api
            .public_join(code, phone, first.trim(), last.trim())
            .await
            .map_err(|e| format!("join refused: {e}"))?;
        return Ok(Target {
            url: joined.server_url,
            token: joined.token,
            end: args.end_on_leave.then(|| EndSession {
                api: api.clone(),
                room_code: code.clone(),
                participant_token: joined.participant_token,
            }),
        });
    }
    if let (Some(application), Some(otp)) = (&args.application, &args.otp) {
        let joined = api
            .password_room_token(application, otp)
            .await
            .map_err(|e| format!("join refused: {e}"))?;
        return Ok(Target {
            url: joined.server_url,
            token: joined.token,
            end: None,
        });
    }
    let (Some(username), Some(interview)) = (&args.username, &args.interview) else {
        return Err("give --username and --interview, --room-code with --phone and --name, or --application with --otp".into());
    };
    let password = args
        .password
        .as_deref()
        .ok_or("give the password with --password or VIVA_BOT_PASSWORD")?;
    let pair = api
        .login(username, password)
        .await
        .map_err(|e| format!("sign-in failed: {e}"))?;
    let join = api
        .join(&pair.access_token, interview)
        .await
        .map_err(|e| format!("join refused: {e}"))?;
    Ok(Target {
        url: join.livekit_url,
        token: join.token,
        end: None,
    })
}

/// --end-on-leave: ends the public session before leaving; reports the outcome.
async fn end_session(target: &Target) {
    if let Some(e) = &target.end {
        match e.api.public_end(&e.room_code, &e.participant_token).await {
            Ok(r) => emit("session_ended", serde_json::json!({ "message": r.message })),
            Err(err) => emit(
                "error",
                serde_json::json!({ "stage": "end", "message": err.to_string() }),
            ),
        }
    }
}

pub async fn run(args: Args) -> i32 {
    let target = match resolve(&args).await {
        Ok(t) => t,
        Err(message) => {
            emit(
                "error",
                serde_json::json!({ "stage": "join", "message": message }),
            );
            return 1;
        }
    };
    let started = Instant::now();
    let options = RoomOptions {
        connect_timeout: Duration::from_secs_f64(args.connect_timeout),
        ..RoomOptions::default()
    };
    let (room, mut events) = match Room::connect(&target.url, &target.token, options).await {
        Ok(pair) => pair,
        Err(e) => {
            emit(
                "error",
                serde_json::json!({ "stage": "connect", "message": e.to_string() }),
            );
            return 1;
        }
    };
    emit(
        "connected",
        serde_json::json!({
            "identity": room.local_participant().identity(),
            "room": room.name(),
            "connect_ms": started.elapsed().as_millis() as u64,
        }),
    );
    for p in room.remote_participants() {
        emit(
            "participant_connected",
            serde_json::json!({ "identity": p.identity }),
        );
    }

    let _publishers = match publish::start(&room, &args).await {
        Ok(p) => p,
        Err(e) => {
            emit(
                "error",
                serde_json::json!({ "stage": "publish", "message": e.to_string() }),
            );
            let _ = room.disconnect().await;
            return 1;
        }
    };

    // Track kinds by sid, for mute events (which carry only the sid).
    let mut kinds: HashMap<String, TrackKind> = HashMap::new();
    let mut sources: HashMap<String, TrackSource> = HashMap::new();
    for p in room.local_participant().publications() {
        kinds.insert(p.sid().to_owned(), p.track().kind());
    }
    for p in room.remote_participants() {
        for publication in p.publications {
            kinds.insert(publication.sid, publication.kind);
        }
    }
    let mut watchers = Vec::new();
    let deadline = args
        .duration
        .map(|d| tokio::time::Instant::now() + Duration::from_secs_f64(d));
    let mut term = signal_stream();
    loop {
        let event = tokio::select! {
            e = events.recv() => e,
            _ = sleep_until(deadline) => {
                end_session(&target).await;
                let _ = room.disconnect().await;
                // The library reports the disconnect as an event; drain it below.
                None
            }
            _ = term.recv() => {
                end_session(&target).await;
                let _ = room.disconnect().await;
                None
            }
        };
        let Some(event) = event else {
            emit(
                "disconnected",
                serde_json::json!({ "reason": "client_initiated" }),
            );
            return 0;
        };
        match event {
            RoomEvent::ParticipantConnected(p) => {
                emit(
                    "participant_connected",
                    serde_json::json!({ "identity": p.identity }),
                );
            }
            RoomEvent::ParticipantDisconnected { identity, .. } => {
                emit(
                    "participant_disconnected",
                    serde_json::json!({ "identity": identity }),
                );
            }
            RoomEvent::TrackPublished { publication, .. } => {
                kinds.insert(publication.sid.clone(), publication.kind);
                sources.insert(publication.sid, publication.source);
            }
            RoomEvent::TrackUnpublished {
                participant_identity,
                publication_sid,
            } => emit(
                "track_unpublished",
                serde_json::json!({
                    "participant": participant_identity,
                    "sid": publication_sid,
                    "source": source_name(sources.get(&publication_sid).copied()),
                }),
            ),
            RoomEvent::TrackSubscribed {
                participant_identity,
                track,
            } => {
                kinds.insert(track.sid().to_owned(), track.kind());
                let source = sources.get(track.sid()).copied().or_else(|| {
                    room.remote_participant(&participant_identity)?
                        .publications
                        .into_iter()
                        .find(|p| p.sid == track.sid())
                        .map(|p| p.source)
                });
                if let Some(source) = source {
                    sources.insert(track.sid().to_owned(), source);
                }
                emit(
                    "track_subscribed",
                    serde_json::json!({
                        "participant": participant_identity,
                        "kind": kind_name(track.kind()),
                        "sid": track.sid(),
                        "source": source_name(source),
                    }),
                );
                if let Some(w) = watch::start(&track, source_name(source)) {
                    watchers.push(w);
                }
            }
            RoomEvent::LocalTrackPublished { track_sid } => {
                kinds.entry(track_sid).or_insert(TrackKind::Unknown);
            }
            RoomEvent::TrackMuted {
                participant_identity,
                track_sid,
            } => emit(
                "track_muted",
                serde_json::json!({
                    "participant": participant_identity,
                    "kind": kind_name(kinds.get(&track_sid).copied().unwrap_or(TrackKind::Unknown)),
                    "source": source_name(sources.get(&track_sid).copied()),
                }),
            ),
            RoomEvent::TrackUnmuted {
                participant_identity,
                track_sid,
            } => emit(
                "track_unmuted",
                serde_json::json!({
                    "participant": participant_identity,
                    "kind": kind_name(kinds.get(&track_sid).copied().unwrap_or(TrackKind::Unknown)),
                    "source": source_name(sources.get(&track_sid).copied()),
                }),
            ),
            RoomEvent::Reconnecting => emit("reconnecting", serde_json::json!({})),
            RoomEvent::Reconnected => emit("reconnected", serde_json::json!({})),
            RoomEvent::TokenRefreshed { .. } => emit("token_refreshed", serde_json::json!({})),
            RoomEvent::Disconnected { reason } => {
                emit(
                    "disconnected",
                    serde_json::json!({ "reason": reason.as_str() }),
                );
                return 0;
            }
            _ => {}
        }
    }
}

fn source_name(source: Option<TrackSource>) -> &'static str {
    match source {
        Some(TrackSource::Camera) => "camera",
        Some(TrackSource::Microphone) => "microphone",
        Some(TrackSource::ScreenShare) => "screen_share",
        Some(TrackSource::ScreenShareAudio) => "screen_share_audio",
        Some(TrackSource::Unknown) | None => "unknown",
    }
}

fn kind_name(kind: TrackKind) -> &'static str {
    match kind {
        TrackKind::Audio => "audio",
        TrackKind::Video => "video",
        TrackKind::Unknown => "unknown",
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// SIGINT or SIGTERM: leave the room cleanly.
fn signal_stream() -> tokio::sync::mpsc::Receiver<()> {
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let (Ok(mut term), Ok(mut int)) = (
                signal(SignalKind::terminate()),
                signal(SignalKind::interrupt()),
            ) else {
                return;
            };
            tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        let _ = tx.send(()).await;
    });
    rx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse_and_bad_values_are_refused() {
        let args = Args::try_parse_from([
            "viva-bot",
            "--url",
            "ws://x",
            "--token",
            "t",
            "--publish",
            "audio,video",
            "--video-size",
            "1280x720",
            "--video-color",
            "255,0,0",
            "--audio-hz",
            "880",
        ])
        .unwrap();
        assert_eq!(args.publish, ["audio", "video"]);
        assert_eq!(args.video_size, (1280, 720));
        assert_eq!(args.video_color, [255, 0, 0]);
        assert!(Args::try_parse_from([
            "viva-bot",
            "--url",
            "ws://x",
            "--token",
            "t",
            "--video-size",
            "13x7"
        ])
        .is_err());
        assert!(Args::try_parse_from([
            "viva-bot",
            "--url",
            "ws://x",
            "--token",
            "t",
            "--video-color",
            "300,0,0"
        ])
        .is_err());
        assert!(
            Args::try_parse_from(["viva-bot", "--url", "ws://x"]).is_err(),
            "--url needs --token"
        );
        assert!(Args::try_parse_from([
            "viva-bot",
            "--url",
            "ws://x",
            "--token",
            "t",
            "--publish",
            "smell"
        ])
        .is_err());
    }

    #[test]
    fn the_join_modes_need_their_flags() {
        let args = Args::try_parse_from([
            "viva-bot",
            "--server",
            "http://x",
            "--room-code",
            "ABCDEFGH",
            "--phone",
            "+971509876543",
            "--name",
            "Ahmed Hassan",
            "--end-on-leave",
        ])
        .unwrap();
        assert_eq!(args.room_code.as_deref(), Some("ABCDEFGH"));
        assert!(args.end_on_leave);
        for bad in [
            &["viva-bot", "--server", "http://x"][..],
            &[
                "viva-bot",
                "--server",
                "http://x",
                "--room-code",
                "C",
                "--phone",
                "1",
            ],
            &[
                "viva-bot",
                "--room-code",
                "C",
                "--phone",
                "1",
                "--name",
                "A B",
            ],
            &["viva-bot", "--server", "http://x", "--interview", "i"],
            &[
                "viva-bot",
                "--server",
                "http://x",
                "--room-code",
                "C",
                "--phone",
                "1",
                "--name",
                "A B",
                "--username",
                "u",
                "--interview",
                "i",
            ],
        ] {
            assert!(
                Args::try_parse_from(bad).is_err(),
                "{bad:?} must be refused"
            );
        }
        assert!(Args::try_parse_from([
            "viva-bot",
            "--server",
            "http://x",
            "--application",
            "a",
            "--otp",
            "123456",
        ])
        .is_ok());
    }
}
