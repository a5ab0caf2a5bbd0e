//! Latest-frame-only delivery of video to the UI: at most `IN_FLIGHT` frames per track are
//! on their way to the UI (sent, not yet acknowledged); a frame that arrives while that many
//! are out replaces the one waiting, so nothing piles up when the UI is slow.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use viva_media::VideoFrame;

/// Frames of one track that may be on their way to the UI at once. Two, so that the next
/// frame can travel while the UI receives the last one: with one, a track lost every frame
/// that arrived during the round trip (BENCHMARKS.md, "Two frames in flight").
pub const IN_FLIGHT: u32 = 2;

#[derive(Default)]
struct Gate {
    in_flight: u32,
    pending: Option<Arc<VideoFrame>>,
    /// Frames the engine decoded on this track so far.
    decoded: u64,
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

    /// The engine has decoded `decoded` frames of `track` so far.
    pub fn record_decoded(&self, track: &str, decoded: u64) {
        if let Some(gate) = self.lock().get_mut(track) {
            gate.decoded = decoded;
        }
    }

    pub fn decoded(&self, track: &str) -> u64 {
        self.lock().get(track).map_or(0, |g| g.decoded)
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

/// A frame on its way to the UI, with the number of frames the engine had decoded on its
/// track by then (drawn / decoded is the measure of a renderer keeping up).
#[derive(Debug, Clone)]
pub struct Delivery {
    pub frame: Arc<VideoFrame>,
    pub decoded: u64,
}

struct Slot<W> {
    frame: Option<Delivery>,
    /// Readers waiting for the next frame, oldest first (at most `IN_FLIGHT`).
    waiters: VecDeque<(u64, W)>,
}

impl<W> Default for Slot<W> {
    fn default() -> Self {
        Self {
            frame: None,
            waiters: VecDeque::new(),
        }
    }
}

/// The hand-over between a core that pushes frames and a UI that pulls them: per track, the
/// newest frame not yet taken, or up to `IN_FLIGHT` readers waiting for the next ones. A
/// frame put while no one reads replaces the one kept, so a slow reader gets the newest
/// frame and nothing queues. `W` is how the shell answers a reader (an HTTP responder in
/// the app).
pub struct FrameMailbox<W> {
    inner: Mutex<(HashMap<String, Slot<W>>, u64)>,
}

impl<W> Default for FrameMailbox<W> {
    fn default() -> Self {
        Self {
            inner: Mutex::new((HashMap::new(), 0)),
        }
    }
}

/// What became of a reader that asked for a frame.
pub enum Take<W> {
    /// A frame was waiting: answer the reader with it now.
    Now(W, Delivery),
    /// Parked until a frame arrives; `replaced` is the oldest reader of the same track, to be
    /// answered with nothing when more than `IN_FLIGHT` would wait.
    Parked { id: u64, replaced: Option<W> },
}

impl<W> FrameMailbox<W> {
    fn lock(&self) -> std::sync::MutexGuard<'_, (HashMap<String, Slot<W>>, u64)> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A frame of `track`: returned with the reader to answer, or kept as the newest.
    pub fn put(&self, track: &str, delivery: Delivery) -> Option<(W, Delivery)> {
        let mut inner = self.lock();
        let slot = inner.0.entry(track.to_owned()).or_default();
        match slot.waiters.pop_front() {
            Some((_, w)) => Some((w, delivery)),
            None => {
                slot.frame = Some(delivery);
                None
            }
        }
    }

    /// A reader asks for `track`'s next frame.
    pub fn take(&self, track: &str, reader: W) -> Take<W> {
        let mut inner = self.lock();
        inner.1 += 1;
        let id = inner.1;
        let slot = inner.0.entry(track.to_owned()).or_default();
        if let Some(delivery) = slot.frame.take() {
            return Take::Now(reader, delivery);
        }
        slot.waiters.push_back((id, reader));
        let replaced = (slot.waiters.len() > IN_FLIGHT as usize)
            .then(|| slot.waiters.pop_front().map(|(_, w)| w))
            .flatten();
        Take::Parked { id, replaced }
    }

    /// The parked reader `id` of `track`, if it is still waiting (it gave up).
    pub fn expire(&self, track: &str, id: u64) -> Option<W> {
        let mut inner = self.lock();
        let slot = inner.0.get_mut(track)?;
        let at = slot
            .waiters
            .iter()
            .position(|(waiting, _)| *waiting == id)?;
        slot.waiters.remove(at).map(|(_, w)| w)
    }

    /// Forgets every kept frame (the room was left); parked readers stay until they expire.
    pub fn clear_frames(&self) {
        for slot in self.lock().0.values_mut() {
            slot.frame = None;
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

    fn delivery(n: i64) -> Delivery {
        Delivery {
            frame: frame(n),
            decoded: n as u64,
        }
    }

    #[test]
    fn a_reader_that_stays_away_gets_only_the_newest_frame() {
        let mailbox = FrameMailbox::<&str>::default();
        for n in 0..1000 {
            assert!(mailbox.put("t", delivery(n)).is_none(), "no reader waits");
        }
        match mailbox.take("t", "reader") {
            Take::Now(reader, d) => {
                assert_eq!(
                    (reader, d.frame.timestamp_us, d.decoded),
                    ("reader", 999, 999)
                );
            }
            Take::Parked { .. } => panic!("a frame was kept"),
        }
        // Nothing else was kept: the next reader waits.
        assert!(matches!(
            mailbox.take("t", "next"),
            Take::Parked { replaced: None, .. }
        ));
    }

    fn park(
        mailbox: &FrameMailbox<&'static str>,
        reader: &'static str,
    ) -> (u64, Option<&'static str>) {
        match mailbox.take("t", reader) {
            Take::Parked { id, replaced } => (id, replaced),
            Take::Now(..) => panic!("no frame yet"),
        }
    }

    #[test]
    fn waiting_readers_get_the_next_frames_in_order_and_at_most_in_flight_wait() {
        assert_eq!(
            IN_FLIGHT, 2,
            "this test parks one reader more than may wait"
        );
        let mailbox = FrameMailbox::<&str>::default();
        let (first, replaced) = park(&mailbox, "first");
        assert!(replaced.is_none());
        let (second, replaced) = park(&mailbox, "second");
        assert!(replaced.is_none(), "two readers may wait");
        let (third, replaced) = park(&mailbox, "third");
        assert_eq!(
            replaced,
            Some("first"),
            "the oldest reader is answered with nothing"
        );
        assert_eq!(mailbox.expire("t", first), None, "it no longer waits");
        let (reader, d) = mailbox.put("t", delivery(7)).expect("a reader waits");
        assert_eq!((reader, d.frame.timestamp_us), ("second", 7));
        let (reader, d) = mailbox.put("t", delivery(8)).expect("a reader waits");
        assert_eq!((reader, d.frame.timestamp_us), ("third", 8));
        assert_eq!(
            mailbox.expire("t", second),
            None,
            "answered readers do not expire"
        );
        assert_eq!(mailbox.expire("t", third), None);
        // The readers that gave up leave the others waiting.
        let (a, _) = park(&mailbox, "a");
        let (_, _) = park(&mailbox, "b");
        assert_eq!(mailbox.expire("t", a), Some("a"));
        let (reader, _) = mailbox.put("t", delivery(9)).expect("b still waits");
        assert_eq!(reader, "b");
        // Another track is independent; a reader that gives up is handed back once.
        let Take::Parked { id, .. } = mailbox.take("u", "u-reader") else {
            panic!("no frame yet");
        };
        assert_eq!(mailbox.expire("u", id), Some("u-reader"));
        assert!(
            mailbox.put("u", delivery(8)).is_none(),
            "kept for the next reader"
        );
        mailbox.clear_frames();
        assert!(
            matches!(mailbox.take("u", "late"), Take::Parked { .. }),
            "cleared"
        );
    }
}
