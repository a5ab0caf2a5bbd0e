//! The recorder in a room: a hidden participant that subscribes to everyone and writes one
//! file per participant (camera + microphone) and one per screen share, for the people the
//! room's metadata says consented, from the moment they did.
//!
//! Whom to record is read only from the room's metadata (`viva_api::recording`), which
//! viva-server writes: LiveKit delivers it to the recorder whichever node the server's
//! request landed on. A participant not (yet) consented is subscribed but nothing of theirs
//! is kept; once their consent arrives their file starts. The recording ends when the
//! metadata says so, when stdin says `stop` or closes, or when the room ends.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use viva_api::recording::{file_stem, RoomMetadata, RoomRecording};
use viva_media::{
    AudioStream, RemoteTrack, Room, RoomEvent, RoomOptions, TrackKind, TrackSource, VideoFormat,
    VideoStream,
};

use crate::mux::{ParticipantFile, VideoSize};
use crate::{emit, RecorderError};

/// Where and how to record.
#[derive(Debug, Clone)]
pub struct Config {
    pub url: String,
    pub token: String,
    /// The recording's spool directory: files and `manifest.json` are written here.
    pub dir: PathBuf,
    pub size: VideoSize,
}

/// One finished file, as listed in the spool's `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileEntry {
    pub identity: String,
    /// File name inside the spool directory.
    pub file: String,
    pub bytes: u64,
    pub duration_ms: u64,
}

/// The spool directory's record of finished files, rewritten atomically after each one, so
/// a crash of the recorder or the server loses at most the file being written.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub files: Vec<FileEntry>,
    /// True once the recorder finished every file.
    pub complete: bool,
}

impl Manifest {
    pub const NAME: &'static str = "manifest.json";

    pub fn read(dir: &std::path::Path) -> Option<Self> {
        serde_json::from_slice(&std::fs::read(dir.join(Self::NAME)).ok()?).ok()
    }

    fn write(&self, dir: &std::path::Path) -> Result<(), RecorderError> {
        let tmp = dir.join(".manifest.json.tmp");
        let bytes = serde_json::to_vec_pretty(self).expect("a manifest serializes");
        std::fs::write(&tmp, bytes)
            .and_then(|_| std::fs::rename(&tmp, dir.join(Self::NAME)))
            .map_err(|e| RecorderError::Io(format!("{}: {e}", dir.display())))
    }
}

/// A participant's camera + microphone, or their screen share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Group {
    Main,
    Screen,
}

impl Group {
    fn of(source: TrackSource) -> Self {
        match source {
            TrackSource::ScreenShare | TrackSource::ScreenShareAudio => Group::Screen,
            _ => Group::Main,
        }
    }
}

type Key = (String, Group);

struct Active {
    file: Arc<ParticipantFile>,
    name: String,
    readers: HashMap<String, tokio::task::JoinHandle<()>>,
}

struct Recorder {
    room: Room,
    config: Config,
    recording: Option<RoomRecording>,
    /// Every subscribed track, recorded or not: (identity, group, track) by sid.
    tracks: HashMap<String, (String, Group, RemoteTrack)>,
    active: HashMap<Key, Active>,
    segments: HashMap<Key, u32>,
    manifest: Manifest,
}

impl Recorder {
    fn allowed(&self, identity: &str) -> bool {
        self.recording.as_ref().is_some_and(|r| {
            r.state == viva_api::recording::state::RECORDING && r.consented(identity)
        })
    }

    fn source_of(&self, identity: &str, sid: &str) -> TrackSource {
        self.room
            .remote_participant(identity)
            .and_then(|p| p.publications.into_iter().find(|p| p.sid == sid))
            .map_or(TrackSource::Unknown, |p| p.source)
    }

    fn subscribed(&mut self, identity: String, track: RemoteTrack) {
        let group = Group::of(self.source_of(&identity, track.sid()));
        self.tracks.insert(
            track.sid().to_owned(),
            (identity.clone(), group, track.clone()),
        );
        if self.allowed(&identity) {
            self.read(identity, group, &track);
        }
    }

    /// Starts copying `track` into its participant's file (opened when needed).
    fn read(&mut self, identity: String, group: Group, track: &RemoteTrack) {
        let key = (identity.clone(), group);
        if !self.active.contains_key(&key) {
            let n = self.segments.entry(key.clone()).or_insert(0);
            *n += 1;
            let suffix = match (group, *n) {
                (Group::Main, 1) => String::new(),
                (Group::Main, n) => format!("-{n}"),
                (Group::Screen, 1) => "-screen".into(),
                (Group::Screen, n) => format!("-screen-{n}"),
            };
            let name = format!("{}{suffix}.webm", file_stem(&identity));
            match ParticipantFile::create(&self.config.dir.join(&name), self.config.size) {
                Ok(file) => {
                    emit(
                        "recording",
                        serde_json::json!({"identity": identity, "file": name}),
                    );
                    self.active.insert(
                        key.clone(),
                        Active {
                            file: Arc::new(file),
                            name,
                            readers: HashMap::new(),
                        },
                    );
                }
                Err(e) => {
                    emit(
                        "error",
                        serde_json::json!({"identity": identity, "message": e.to_string()}),
                    );
                    return;
                }
            }
        }
        let active = self.active.get_mut(&key).expect("just opened");
        if active.readers.contains_key(track.sid()) {
            return;
        }
        let file = active.file.clone();
        let reader = match track.kind() {
            TrackKind::Video => VideoStream::new(track, VideoFormat::I420).map(|mut stream| {
                tokio::spawn(async move {
                    while let Some(frame) = stream.next().await {
                        if let Err(e) =
                            file.push_video(frame.width, frame.height, &frame.data, None)
                        {
                            tracing::warn!(error = %e, "video not recorded");
                            return;
                        }
                    }
                })
            }),
            TrackKind::Audio => AudioStream::new(track, 48_000, 1).map(|mut stream| {
                tokio::spawn(async move {
                    while let Some(frame) = stream.next().await {
                        if let Err(e) = file.push_audio(&frame.data) {
                            tracing::warn!(error = %e, "audio not recorded");
                            return;
                        }
                    }
                })
            }),
            TrackKind::Unknown => return,
        };
        match reader {
            Ok(task) => {
                active.readers.insert(track.sid().to_owned(), task);
            }
            Err(e) => emit(
                "error",
                serde_json::json!({"identity": identity, "message": e.to_string()}),
            ),
        }
    }

    fn unsubscribed(&mut self, sid: &str) {
        if let Some((identity, group, _)) = self.tracks.remove(sid) {
            if let Some(active) = self.active.get_mut(&(identity, group)) {
                if let Some(task) = active.readers.remove(sid) {
                    task.abort();
                }
            }
        }
    }

    /// Closes the files of `identity` (they left): a rejoin starts new ones.
    async fn left(&mut self, identity: &str) -> Result<(), RecorderError> {
        self.tracks.retain(|_, (who, _, _)| who != identity);
        let keys: Vec<Key> = self
            .active
            .keys()
            .filter(|(who, _)| who == identity)
            .cloned()
            .collect();
        for key in keys {
            let active = self.active.remove(&key).expect("listed");
            self.finish(key.0, active).await?;
        }
        Ok(())
    }

    async fn finish(&mut self, identity: String, active: Active) -> Result<(), RecorderError> {
        for (_, task) in active.readers {
            task.abort();
            let _ = task.await;
        }
        let file = Arc::try_unwrap(active.file)
            .map_err(|_| RecorderError::Pipeline("a reader still holds the file".into()))?;
        let finished = tokio::task::spawn_blocking(move || file.finish())
            .await
            .map_err(|e| RecorderError::Pipeline(e.to_string()))??;
        let entry = FileEntry {
            identity,
            file: active.name,
            bytes: finished.bytes,
            duration_ms: finished.duration.as_millis() as u64,
        };
        emit("file", serde_json::to_value(&entry).expect("serializes"));
        self.manifest.files.push(entry);
        self.manifest.write(&self.config.dir)
    }

    /// The room's metadata changed: start the newly consented; false when the recording ended.
    fn metadata(&mut self, metadata: &str) -> bool {
        let was_active = self.recording.as_ref().is_some_and(|r| r.active());
        self.recording = RoomMetadata::recording_of(metadata);
        let active = self.recording.as_ref().is_some_and(|r| r.active());
        if was_active && !active {
            return false;
        }
        let ready: Vec<(String, Group, RemoteTrack)> = self
            .tracks
            .values()
            .filter(|(who, _, _)| self.allowed(who))
            .cloned()
            .collect();
        for (identity, group, track) in ready {
            self.read(identity, group, &track);
        }
        true
    }

    async fn finish_all(&mut self) -> Result<(), RecorderError> {
        let all: Vec<Key> = self.active.keys().cloned().collect();
        for key in all {
            let active = self.active.remove(&key).expect("listed");
            self.finish(key.0, active).await?;
        }
        self.manifest.complete = true;
        self.manifest.write(&self.config.dir)
    }
}

/// Resolves when stdin says `stop` or closes (whoever started us is gone). A thread, as
/// blocking reads of stdin are (tokio's own stdin reader is a thread too).
fn stop_on_stdin() -> tokio::sync::oneshot::Receiver<()> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        loop {
            line.clear();
            match std::io::stdin().read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) if line.trim() == "stop" => break,
                Ok(_) => {}
            }
        }
        let _ = tx.send(());
    });
    rx
}

/// Records until told to stop; the manifest lists every file written.
pub async fn run(config: Config) -> Result<Manifest, RecorderError> {
    std::fs::create_dir_all(&config.dir)
        .map_err(|e| RecorderError::Io(format!("{}: {e}", config.dir.display())))?;
    let options = RoomOptions {
        auto_subscribe: true,
        ..RoomOptions::default()
    };
    let (room, mut events) = Room::connect(&config.url, &config.token, options)
        .await
        .map_err(|e| RecorderError::Connect(e.to_string()))?;
    emit("connected", serde_json::json!({"room": room.name()}));
    let mut recorder = Recorder {
        room: room.clone(),
        config,
        recording: None,
        tracks: HashMap::new(),
        active: HashMap::new(),
        segments: HashMap::new(),
        manifest: Manifest::default(),
    };
    recorder.metadata(&room.metadata());
    let mut stop = stop_on_stdin();
    loop {
        tokio::select! {
            _ = &mut stop => break,
            event = events.recv() => match event {
                None | Some(RoomEvent::Disconnected { .. }) => break,
                Some(RoomEvent::TrackSubscribed { participant_identity, track }) => {
                    recorder.subscribed(participant_identity, track);
                }
                Some(RoomEvent::TrackUnsubscribed { track_sid, .. }) => recorder.unsubscribed(&track_sid),
                Some(RoomEvent::ParticipantDisconnected { identity, .. }) => recorder.left(&identity).await?,
                Some(RoomEvent::RoomMetadataChanged { metadata }) => {
                    if !recorder.metadata(&metadata) {
                        break;
                    }
                }
                Some(_) => {}
            },
        }
    }
    recorder.finish_all().await?;
    let _ = room.disconnect().await;
    emit(
        "done",
        serde_json::json!({"files": recorder.manifest.files.len()}),
    );
    Ok(recorder.manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_is_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Manifest::read(dir.path()), None);
        let m = Manifest {
            files: vec![FileEntry {
                identity: "a".into(),
                file: "a.webm".into(),
                bytes: 10,
                duration_ms: 1000,
            }],
            complete: true,
        };
        m.write(dir.path()).unwrap();
        assert_eq!(Manifest::read(dir.path()), Some(m));
    }
}
