//! Latest-frame-only delivery of video to the UI: at most `IN_FLIGHT` frames per track are
//! on their way to the UI (sent, not yet acknowledged); a frame that arrives while that many
//! are out replaces the one waiting, so nothing piles up when the UI is slow.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use viva_media::VideoFrame;

/// Frames of one track that may be on their way to the UI at once.
pub const IN_FLIGHT: u32 = 1;

#[derive(Default)]
struct Gate {
    in_flight: u32,
    pending: Option<Arc<VideoFrame>>,
}

/// What to do with a frame offered to the gate.
#[derive(Debug, PartialEq)]
pub enum Offer {
    /// Send it now.
    Send(Arc<VideoFrame>),
    /// Kept as the newest waiting frame (replacing an older one).
    Held,
    /// The track is no longer shown: stop reading it.
    Closed,
}

/// The gates of every track the UI shows, keyed by track id.
#[derive(Default)]
pub struct FrameGates(Mutex<HashMap<String, Gate>>);

impl FrameGates {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Gate>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts delivering frames of `track` (again: a reopened gate starts empty).
    pub fn open(&self, track: &str) {
        self.lock().insert(track.to_owned(), Gate::default());
    }

    /// Stops delivering `track`; true when it was open.
    pub fn close(&self, track: &str) -> bool {
        self.lock().remove(track).is_some()
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    /// A new frame of `track` arrived.
    pub fn offer(&self, track: &str, frame: Arc<VideoFrame>) -> Offer {
        let mut gates = self.lock();
        let Some(gate) = gates.get_mut(track) else {
            return Offer::Closed;
        };
        if gate.in_flight < IN_FLIGHT {
            gate.in_flight += 1;
            Offer::Send(frame)
        } else {
            gate.pending = Some(frame);
            Offer::Held
        }
    }

    /// The UI is done with one frame of `track`: the waiting frame, if any, to send now.
    pub fn ack(&self, track: &str) -> Option<Arc<VideoFrame>> {
        let mut gates = self.lock();
        let gate = gates.get_mut(track)?;
        match gate.pending.take() {
            // The acknowledged slot goes straight to the waiting frame.
            Some(frame) => Some(frame),
            None => {
                gate.in_flight = gate.in_flight.saturating_sub(1);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use viva_media::VideoFormat;

    fn frame(n: i64) -> Arc<VideoFrame> {
        let mut f = VideoFrame::solid(2, 2, VideoFormat::I420, [0, 0, 0]);
        f.timestamp_us = n;
        Arc::new(f)
    }

    fn sent(offer: Offer) -> i64 {
        match offer {
            Offer::Send(f) => f.timestamp_us,
            other => panic!("expected a frame to send, got {other:?}"),
        }
    }

    #[test]
    fn a_slow_ui_gets_only_the_newest_frame_and_nothing_queues() {
        let gates = FrameGates::default();
        gates.open("t");
        let mut first = Vec::new();
        for n in 0..IN_FLIGHT as i64 {
            first.push(sent(gates.offer("t", frame(n))));
        }
        // The UI draws nothing for a while: a thousand frames arrive.
        for n in 100..1100 {
            assert_eq!(gates.offer("t", frame(n)), Offer::Held);
        }
        // One acknowledgement releases exactly the newest frame, not a backlog.
        assert_eq!(gates.ack("t").map(|f| f.timestamp_us), Some(1099));
        for _ in 0..IN_FLIGHT {
            assert_eq!(gates.ack("t"), None, "nothing else was kept");
        }
        assert_eq!(first.len(), IN_FLIGHT as usize);
    }

    #[test]
    fn acknowledged_slots_are_reused_and_closed_tracks_stop_the_reader() {
        let gates = FrameGates::default();
        assert_eq!(gates.offer("t", frame(0)), Offer::Closed);
        gates.open("t");
        assert_eq!(sent(gates.offer("t", frame(1))), 1);
        for _ in 0..IN_FLIGHT {
            gates.ack("t");
        }
        assert_eq!(
            sent(gates.offer("t", frame(2))),
            2,
            "an acknowledged slot is free"
        );
        assert!(gates.close("t"));
        assert!(!gates.close("t"));
        assert_eq!(gates.offer("t", frame(3)), Offer::Closed);
        assert_eq!(gates.ack("t"), None);
    }
}
