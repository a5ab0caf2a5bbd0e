//! Ownership of the library's handles.
//!
//! Every `FfiOwnedHandle` the library gives us (rooms, participants, publications, tracks,
//! sources, streams, frame buffers, response buffers) stays alive inside the library until
//! we drop it. `Handle` makes that "exactly once": it cannot be cloned, and its `Drop` is
//! the only place that releases the id. Sharing goes through `Arc<Handle>`.

use crate::proto;

/// How a handle is released; the engine's `livekit_ffi_drop_handle` outside tests.
type Release = fn(u64);

pub(crate) struct Handle {
    id: u64,
    release: Release,
}

impl Handle {
    /// Takes ownership of `id`. Zero is the library's "no handle" and owns nothing.
    pub(crate) fn new(id: u64) -> Self {
        Self {
            id,
            release: crate::engine::release_handle,
        }
    }

    /// Takes ownership of a handle carried in a response or event.
    pub(crate) fn owned(handle: &proto::FfiOwnedHandle) -> Self {
        Self::new(handle.id)
    }

    #[cfg(test)]
    fn with_release(id: u64, release: Release) -> Self {
        Self { id, release }
    }

    pub(crate) fn id(&self) -> u64 {
        self.id
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        if self.id != 0 {
            (self.release)(self.id);
        }
    }
}

impl std::fmt::Debug for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Handle({})", self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    static RELEASED: Mutex<Vec<u64>> = Mutex::new(Vec::new());

    fn record(id: u64) {
        RELEASED.lock().unwrap().push(id);
    }

    fn released_count(id: u64) -> usize {
        RELEASED
            .lock()
            .unwrap()
            .iter()
            .filter(|&&r| r == id)
            .count()
    }

    #[test]
    fn a_handle_is_released_exactly_once_however_it_is_shared() {
        // Ids far from anything the other test in this module uses: the log is shared.
        let plain = Handle::with_release(9_000_001, record);
        let shared = Arc::new(Handle::with_release(9_000_002, record));
        let clones: Vec<_> = (0..5).map(|_| shared.clone()).collect();
        let mut map = HashMap::new();
        map.insert("in a map", Handle::with_release(9_000_003, record));

        drop(plain);
        assert_eq!(
            released_count(9_000_001),
            1,
            "dropping the owner releases the id"
        );
        drop(shared);
        assert_eq!(released_count(9_000_002), 0, "clones still hold the handle");
        drop(clones);
        assert_eq!(
            released_count(9_000_002),
            1,
            "the last clone releases it, once"
        );
        map.remove("in a map");
        assert_eq!(
            released_count(9_000_003),
            1,
            "removing from a map releases it"
        );
    }

    #[test]
    fn the_invalid_handle_owns_nothing() {
        drop(Handle::with_release(0, record));
        assert_eq!(released_count(0), 0, "id 0 is the library's invalid handle");
    }

    #[test]
    fn the_library_confirms_a_real_handle_is_dropped_once() {
        let engine = crate::engine::engine().expect("the engine loads the pinned library");
        let source = crate::VideoSource::new(64, 64, crate::VideoSourceOptions::default())
            .expect("a video source is a cheap real handle");
        let id = source.handle_id();
        drop(source);
        assert!(
            !engine.drop_handle_raw(id),
            "the library no longer knows the handle: our Drop released it, and only once"
        );
    }
}
