//! The pre-join microphone level meter.
//!
//! The media engine captures from the microphone only for a published track (measured:
//! with StartRecording and a stream on the unpublished local track, no samples arrive), so
//! before joining the meter reads the chosen microphone through the platform's sound server
//! directly: PulseAudio (or PipeWire's PulseAudio service) on Linux. The engine lists
//! devices by their description; PulseAudio records by source name, so the meter looks the
//! name up by description.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::error::{CoreError, ErrorCode};

/// Level updates per second.
const UPDATES_PER_SECOND: u32 = 20;
const RATE: u32 = 16_000;

/// A running meter; stops when dropped.
pub struct Meter {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Meter {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// 0.0 (silence) to 1.0 (full scale) on a decibel scale from -60 dBFS, as meters show it.
pub fn level(samples: &[i16]) -> f32 {
    if samples.is_empty() {
        return 0.0;
    }
    let sum: f64 = samples.iter().map(|&s| (s as f64) * (s as f64)).sum();
    let rms = (sum / samples.len() as f64).sqrt() / i16::MAX as f64;
    if rms <= 0.0 {
        return 0.0;
    }
    let db = 20.0 * rms.log10();
    ((db + 60.0) / 60.0).clamp(0.0, 1.0) as f32
}

/// The engine's device label without the marker it adds to the default device.
fn description(label: &str) -> &str {
    label.strip_prefix("default: ").unwrap_or(label)
}

impl Meter {
    /// Starts metering the microphone the engine calls `device` (None: the default
    /// microphone), calling `on_level` about 20 times a second from its own thread.
    pub fn start(
        device: Option<String>,
        on_level: impl Fn(f32) + Send + 'static,
    ) -> Result<Meter, CoreError> {
        let stop = Arc::new(AtomicBool::new(false));
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("viva-mic-meter".into())
            .spawn(move || {
                let simple = match pulse::open(device.as_deref().map(description)) {
                    Ok(s) => {
                        let _ = ready_tx.send(Ok(()));
                        s
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                let mut buf = vec![0u8; (RATE / UPDATES_PER_SECOND) as usize * 2];
                while !flag.load(Ordering::SeqCst) {
                    if let Err(e) = simple.read(&mut buf) {
                        tracing::warn!(error = %e, "the microphone meter stopped");
                        on_level(0.0);
                        return;
                    }
                    let samples: Vec<i16> = buf
                        .chunks_exact(2)
                        .map(|b| i16::from_le_bytes([b[0], b[1]]))
                        .collect();
                    on_level(level(&samples));
                }
            })
            .map_err(|e| {
                CoreError::new(ErrorCode::Media, format!("cannot start the meter: {e}"))
            })?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(Meter {
                stop,
                thread: Some(thread),
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => Err(CoreError::new(
                ErrorCode::Media,
                "the microphone meter stopped at start-up",
            )),
        }
    }
}

#[cfg(target_os = "linux")]
mod pulse {
    use std::cell::RefCell;
    use std::rc::Rc;

    use libpulse_binding as pa;
    use libpulse_simple_binding::Simple;
    use pa::context::{Context, FlagSet, State};
    use pa::mainloop::standard::{IterateResult, Mainloop};

    use super::RATE;
    use crate::error::{CoreError, ErrorCode};

    fn unavailable(what: impl std::fmt::Display) -> CoreError {
        CoreError::new(
            ErrorCode::Unsupported,
            format!("The microphone level cannot be shown: {what}"),
        )
    }

    /// Opens a recording stream of the source described as `description` (None: default).
    pub fn open(description: Option<&str>) -> Result<Simple, CoreError> {
        let name = match description {
            Some(d) => Some(source_name(d)?),
            None => None,
        };
        let spec = pa::sample::Spec {
            format: pa::sample::Format::S16le,
            channels: 1,
            rate: RATE,
        };
        // Small fragments: the meter should move with the voice, not half a second later.
        let attr = pa::def::BufferAttr {
            maxlength: u32::MAX,
            tlength: u32::MAX,
            prebuf: u32::MAX,
            minreq: u32::MAX,
            fragsize: RATE / super::UPDATES_PER_SECOND * 2,
        };
        Simple::new(
            None,
            "Viva",
            pa::stream::Direction::Record,
            name.as_deref(),
            "Microphone level",
            &spec,
            None,
            Some(&attr),
        )
        .map_err(|e| unavailable(e.to_string().unwrap_or_else(|| "no sound server".into())))
    }

    /// The PulseAudio name of the source with this description.
    fn source_name(description: &str) -> Result<String, CoreError> {
        let mut mainloop = Mainloop::new().ok_or_else(|| unavailable("no main loop"))?;
        let mut context =
            Context::new(&mainloop, "Viva").ok_or_else(|| unavailable("no sound server"))?;
        context
            .connect(None, FlagSet::NOFLAGS, None)
            .map_err(|e| unavailable(e.to_string().unwrap_or_default()))?;
        loop {
            match mainloop.iterate(true) {
                IterateResult::Success(_) => {}
                _ => return Err(unavailable("the sound server stopped answering")),
            }
            match context.get_state() {
                State::Ready => break,
                State::Failed | State::Terminated => {
                    return Err(unavailable("cannot connect to the sound server"))
                }
                _ => {}
            }
        }
        let found: Rc<RefCell<(bool, Option<String>)>> = Rc::new(RefCell::new((false, None)));
        let sink = found.clone();
        let wanted = description.to_owned();
        let _op = context
            .introspect()
            .get_source_info_list(move |item| match item {
                pa::callbacks::ListResult::Item(info) => {
                    if info.description.as_deref() == Some(wanted.as_str()) {
                        sink.borrow_mut().1 = info.name.as_ref().map(|n| n.to_string());
                    }
                }
                _ => sink.borrow_mut().0 = true,
            });
        while !found.borrow().0 {
            match mainloop.iterate(true) {
                IterateResult::Success(_) => {}
                _ => return Err(unavailable("the sound server stopped answering")),
            }
        }
        context.disconnect();
        let name = found.borrow_mut().1.take();
        name.ok_or_else(|| {
            CoreError::new(
                ErrorCode::InvalidInput,
                format!("The microphone '{description}' is not connected"),
            )
        })
    }
}

#[cfg(not(target_os = "linux"))]
mod pulse {
    use crate::error::{CoreError, ErrorCode};

    pub struct Simple;
    impl Simple {
        pub fn read(&self, _buf: &mut [u8]) -> Result<(), String> {
            Err("unsupported".into())
        }
    }

    pub fn open(_description: Option<&str>) -> Result<Simple, CoreError> {
        Err(CoreError::new(
            ErrorCode::Unsupported,
            "The microphone level is shown on Linux only in this version",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_loudness_on_a_decibel_scale() {
        assert_eq!(level(&[]), 0.0);
        assert_eq!(level(&[0; 800]), 0.0);
        let full: Vec<i16> = (0..800)
            .map(|i| if i % 2 == 0 { i16::MAX } else { -i16::MAX })
            .collect();
        assert!((level(&full) - 1.0).abs() < 1e-3);
        // -20 dBFS is two thirds up a 60 dB meter.
        let quiet: Vec<i16> = full.iter().map(|s| s / 10).collect();
        assert!(
            (level(&quiet) - 2.0 / 3.0).abs() < 0.01,
            "{}",
            level(&quiet)
        );
        assert_eq!(description("default: Headset"), "Headset");
        assert_eq!(description("Headset"), "Headset");
    }
}
