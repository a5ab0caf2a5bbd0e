//! viva-core against a real viva-server, livekit-server and the real OS keyring (Secret
//! Service on a private D-Bus session; `make test` provides it).

mod drafts;
mod facade;
mod room;
mod session;

use std::sync::Arc;

use viva_core::{OsKeyring, SecretStore};

/// A keyring service name of its own per test, so tests never see each other's entries.
pub fn keyring() -> Arc<OsKeyring> {
    Arc::new(OsKeyring::new(&format!("app.viva.test.{}", uuid_like())))
}

fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let n = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{n:x}-{}", std::process::id())
}

/// What the keyring holds for the session entry.
pub fn stored(store: &dyn SecretStore) -> Option<String> {
    store
        .get(viva_core::session::SESSION_ENTRY)
        .expect("the Secret Service answers")
}
