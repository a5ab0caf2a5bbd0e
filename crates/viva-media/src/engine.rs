//! The process-wide engine: one loaded library, one event callback, one dispatcher.
//!
//! The library calls our C callback on its own threads. The callback only copies the bytes
//! into a channel; a dedicated dispatcher thread decodes them and routes each event to a
//! pending request (by async id) or to the sink registered for a room or stream handle.
//! Anything nobody is waiting for still owns handles, so the dispatcher releases them:
//! a late answer to a timed-out request or a frame for a stream that just closed never
//! leaks.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use prost::Message as _;
use tokio::sync::oneshot;

use crate::error::MediaError;
use crate::handle::Handle;
use crate::library::FfiLibrary;
use crate::orphan;
use crate::proto::{self, ffi_event, ffi_request, ffi_response};

/// The name we report to the server; it knows "rust" and warns about unknown names.
const SDK_NAME: &std::ffi::CStr = c"rust";

/// Where to find the library. The defaults follow `FfiLibrary::locate`.
#[derive(Debug, Clone, Default)]
pub struct EngineConfig {
    pub library_path: Option<PathBuf>,
    /// The installed app's resources directory (the bundled library lives there).
    pub resources_dir: Option<PathBuf>,
}

/// Receives events routed by handle (a room or a stream).
pub(crate) trait EventSink: Send + Sync {
    /// Hands the event back when the receiver is gone, so its handles can be released.
    fn deliver(&self, event: ffi_event::Message) -> Option<ffi_event::Message>;
}

pub struct Engine {
    library: FfiLibrary,
    version: String,
    next_async_id: AtomicU64,
    pending: Mutex<HashMap<u64, oneshot::Sender<ffi_event::Message>>>,
    sinks: Mutex<HashMap<u64, Arc<dyn EventSink>>>,
}

static ENGINE: OnceLock<Engine> = OnceLock::new();
static INIT: Mutex<()> = Mutex::new(());
static EVENTS: OnceLock<mpsc::Sender<Vec<u8>>> = OnceLock::new();
/// After `Engine::shutdown` the library frees everything itself; our handles must not
/// touch it again.
static SHUT_DOWN: AtomicBool = AtomicBool::new(false);

/// Loads the library and starts the engine once per process; later calls return the same
/// engine whatever their configuration.
pub fn init(config: &EngineConfig) -> Result<&'static Engine, MediaError> {
    if let Some(engine) = ENGINE.get() {
        return Ok(engine);
    }
    let _guard = INIT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(engine) = ENGINE.get() {
        return Ok(engine);
    }
    let library = FfiLibrary::locate(
        config.library_path.as_deref(),
        config.resources_dir.as_deref(),
    )?;
    let version = library.version()?;
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    // The callback reads EVENTS; it must be set before the library can call it.
    let _ = EVENTS.set(tx);
    let engine = ENGINE.get_or_init(|| Engine {
        library,
        version,
        // Far above the library's own ids, so a log line with an id is unambiguous.
        next_async_id: AtomicU64::new(1 << 48),
        pending: Mutex::new(HashMap::new()),
        sinks: Mutex::new(HashMap::new()),
    });
    std::thread::Builder::new()
        .name("viva-media-events".into())
        .spawn(move || dispatch_loop(engine, rx))
        .map_err(|e| MediaError::InvalidState(format!("cannot start the event thread: {e}")))?;
    let sdk_version = std::ffi::CString::new(env!("CARGO_PKG_VERSION")).unwrap_or_default();
    // SAFETY: the callback is a plain `extern "C"` function that lives for the whole
    // process; the strings are copied by the library during the call.
    unsafe {
        (engine.library.initialize)(on_event, true, SDK_NAME.as_ptr(), sdk_version.as_ptr());
    }
    tracing::info!(path = %engine.library.path().display(), version = %engine.version, "LiveKit FFI initialised");
    Ok(engine)
}

/// The engine with the default library search.
pub fn engine() -> Result<&'static Engine, MediaError> {
    init(&EngineConfig::default())
}

/// Releases a handle through the engine; used by `Handle::drop`.
pub(crate) fn release_handle(id: u64) {
    if SHUT_DOWN.load(Ordering::Acquire) {
        return;
    }
    if let Some(engine) = ENGINE.get() {
        if !engine.drop_handle_raw(id) {
            tracing::warn!(id, "the library did not know a handle we released");
        }
    }
}

/// The C callback. Runs on the library's threads: copy, hand off, return. A panic must
/// not unwind into C, hence `catch_unwind` around even this little.
unsafe extern "C" fn on_event(data: *const u8, len: usize) {
    let _ = std::panic::catch_unwind(|| {
        if data.is_null() {
            return;
        }
        // SAFETY: the library guarantees `len` readable bytes for the duration of the call.
        let bytes = unsafe { std::slice::from_raw_parts(data, len) }.to_vec();
        if let Some(tx) = EVENTS.get() {
            let _ = tx.send(bytes);
        }
    });
}

fn dispatch_loop(engine: &'static Engine, rx: mpsc::Receiver<Vec<u8>>) {
    while let Ok(bytes) = rx.recv() {
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(
                || match proto::FfiEvent::decode(bytes.as_slice()) {
                    Ok(proto::FfiEvent {
                        message: Some(message),
                    }) => engine.dispatch(message),
                    Ok(_) => {}
                    Err(e) => tracing::error!("undecodable event from the LiveKit library: {e}"),
                },
            ));
        if result.is_err() {
            tracing::error!("a bug in event dispatch panicked; the event was dropped");
        }
    }
}

impl Engine {
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Where the loaded LiveKit library came from.
    pub fn library_path(&self) -> &std::path::Path {
        self.library.path()
    }

    /// Closes every room and releases everything the library holds. For process exit
    /// only: afterwards every request fails and dropping our objects does nothing.
    pub fn shutdown(&self) {
        if !SHUT_DOWN.swap(true, Ordering::AcqRel) {
            // SAFETY: takes no arguments; we never call into the library again.
            unsafe { (self.library.dispose)() };
        }
    }

    /// Drops a library handle; false when the library did not know it.
    pub(crate) fn drop_handle_raw(&self, id: u64) -> bool {
        // SAFETY: plain integer call; unknown ids are reported, not undefined.
        unsafe { (self.library.drop_handle)(id) }
    }

    /// A synchronous request. The response buffer belongs to a handle that we copy out of
    /// and release at once.
    pub(crate) fn request(
        &self,
        message: ffi_request::Message,
    ) -> Result<ffi_response::Message, MediaError> {
        let name = request_name(&message);
        if SHUT_DOWN.load(Ordering::Acquire) {
            return Err(MediaError::InvalidState(format!(
                "{name} after the engine shut down"
            )));
        }
        let bytes = proto::FfiRequest {
            message: Some(message),
        }
        .encode_to_vec();
        let mut res_ptr: *const u8 = std::ptr::null();
        let mut res_len: usize = 0;
        // SAFETY: `bytes` outlives the call; the out-pointers are valid locals.
        let id = unsafe {
            (self.library.request)(bytes.as_ptr(), bytes.len(), &mut res_ptr, &mut res_len)
        };
        if id == 0 {
            return Err(MediaError::Rejected(name));
        }
        let response_handle = Handle::new(id);
        let response = if res_ptr.is_null() {
            proto::FfiResponse::default()
        } else {
            // SAFETY: the response bytes stay valid until `response_handle` is dropped.
            let slice = unsafe { std::slice::from_raw_parts(res_ptr, res_len) };
            proto::FfiResponse::decode(slice).map_err(|_| MediaError::Protocol(name))?
        };
        drop(response_handle);
        response.message.ok_or(MediaError::Protocol(name))
    }

    /// A request answered later by a callback event carrying our `request_async_id`.
    /// The waiter is registered before the request is sent, so the callback cannot
    /// overtake it. On timeout or cancellation the registration is removed; a late answer
    /// is then an orphan whose handles the dispatcher releases.
    pub(crate) async fn request_async(
        &self,
        what: &'static str,
        timeout: Duration,
        build: impl FnOnce(u64) -> ffi_request::Message,
    ) -> Result<ffi_event::Message, MediaError> {
        let async_id = self.next_async_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.lock_pending().insert(async_id, tx);
        let guard = PendingGuard {
            engine: self,
            async_id,
        };
        self.request(build(async_id))?;
        let result = tokio::time::timeout(timeout, rx).await;
        drop(guard);
        match result {
            Ok(Ok(event)) => Ok(event),
            Ok(Err(_)) => Err(MediaError::InvalidState(format!(
                "{what}: the engine dropped the request"
            ))),
            Err(_) => Err(MediaError::Timeout {
                what,
                after: timeout,
            }),
        }
    }

    pub(crate) fn register_sink(&self, handle: u64, sink: Arc<dyn EventSink>) {
        self.sinks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(handle, sink);
    }

    pub(crate) fn unregister_sink(&self, handle: u64) {
        self.sinks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&handle);
    }

    fn lock_pending(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<u64, oneshot::Sender<ffi_event::Message>>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn sink(&self, handle: u64) -> Option<Arc<dyn EventSink>> {
        self.sinks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&handle)
            .cloned()
    }

    fn dispatch(&self, message: ffi_event::Message) {
        use ffi_event::Message as M;
        let undelivered = match message {
            M::Logs(batch) => {
                log_records(batch);
                None
            }
            M::Panic(panic) => {
                tracing::error!(message = %panic.message, "the LiveKit library panicked");
                None
            }
            M::RoomEvent(ref ev) => self.route(ev.room_handle, message),
            M::VideoStreamEvent(ref ev) => self.route(ev.stream_handle, message),
            M::AudioStreamEvent(ref ev) => self.route(ev.stream_handle, message),
            other => match orphan::async_id(&other) {
                Some(id) => match self.lock_pending().remove(&id) {
                    Some(tx) => tx.send(other).err(),
                    None => Some(other),
                },
                None => Some(other),
            },
        };
        if let Some(message) = undelivered {
            orphan::release(self, message);
        }
    }

    fn route(&self, handle: u64, message: ffi_event::Message) -> Option<ffi_event::Message> {
        match self.sink(handle) {
            Some(sink) => sink.deliver(message),
            None => Some(message),
        }
    }
}

struct PendingGuard<'a> {
    engine: &'a Engine,
    async_id: u64,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        self.engine.lock_pending().remove(&self.async_id);
    }
}

fn log_records(batch: proto::LogBatch) {
    for record in batch.records {
        let target = record.target.as_str();
        let message = record.message.as_str();
        match proto::LogLevel::try_from(record.level).unwrap_or(proto::LogLevel::LogInfo) {
            proto::LogLevel::LogError => {
                tracing::error!(target: "livekit_ffi", %target, "{message}")
            }
            proto::LogLevel::LogWarn => tracing::warn!(target: "livekit_ffi", %target, "{message}"),
            proto::LogLevel::LogInfo => tracing::info!(target: "livekit_ffi", %target, "{message}"),
            proto::LogLevel::LogDebug => {
                tracing::debug!(target: "livekit_ffi", %target, "{message}")
            }
            proto::LogLevel::LogTrace => {
                tracing::trace!(target: "livekit_ffi", %target, "{message}")
            }
        }
    }
}

/// A short name for error messages.
fn request_name(message: &ffi_request::Message) -> &'static str {
    use ffi_request::Message as R;
    match message {
        R::Connect(_) => "Connect",
        R::Disconnect(_) => "Disconnect",
        R::PublishTrack(_) => "PublishTrack",
        R::UnpublishTrack(_) => "UnpublishTrack",
        R::PublishData(_) => "PublishData",
        R::SetSubscribed(_) => "SetSubscribed",
        R::CreateVideoTrack(_) => "CreateVideoTrack",
        R::CreateAudioTrack(_) => "CreateAudioTrack",
        R::LocalTrackMute(_) => "LocalTrackMute",
        R::NewVideoStream(_) => "NewVideoStream",
        R::NewVideoSource(_) => "NewVideoSource",
        R::CaptureVideoFrame(_) => "CaptureVideoFrame",
        R::NewAudioStream(_) => "NewAudioStream",
        R::NewAudioSource(_) => "NewAudioSource",
        R::CaptureAudioFrame(_) => "CaptureAudioFrame",
        R::ClearAudioBuffer(_) => "ClearAudioBuffer",
        R::NewPlatformAudio(_) => "NewPlatformAudio",
        R::GetAudioDevices(_) => "GetAudioDevices",
        R::SetRecordingDevice(_) => "SetRecordingDevice",
        R::SetPlayoutDevice(_) => "SetPlayoutDevice",
        R::StartRecording(_) => "StartRecording",
        R::StopRecording(_) => "StopRecording",
        R::ReadyForRoomEvent(_) => "ReadyForRoomEvent",
        R::SimulateScenario(_) => "SimulateScenario",
        _ => "FFI",
    }
}
