//! Where scripts/bootstrap put the pinned components. Mirrors scripts/lib.sh.

use std::path::PathBuf;

/// `$VIVA_CACHE_DIR`, else `$XDG_CACHE_HOME/viva`, else `~/.cache/viva`.
pub fn cache_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("VIVA_CACHE_DIR") {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(d).join("viva");
    }
    let home = std::env::var_os("HOME").expect("HOME is not set");
    PathBuf::from(home).join(".cache/viva")
}

/// The pinned livekit-server binary.
pub fn livekit_server_bin() -> PathBuf {
    let path = cache_dir().join("bin/livekit-server");
    assert!(
        path.is_file(),
        "{} is missing: run scripts/bootstrap (it builds livekit-server v1.13.5)",
        path.display()
    );
    path
}

/// A PostgreSQL server binary directory (Debian installs it versioned, outside PATH).
pub fn postgres_bin_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("VIVA_PG_BIN") {
        return PathBuf::from(d);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("postgres").is_file() && p.join("initdb").is_file())
        .collect();
    found.sort();
    found
        .pop()
        .expect("no PostgreSQL server under /usr/lib/postgresql: run scripts/bootstrap")
}

/// Where tests leave screenshots and logs worth keeping: `$VIVA_ARTIFACTS_DIR` or
/// `target/test-artifacts` under the workspace.
pub fn artifacts_dir() -> PathBuf {
    let dir = std::env::var_os("VIVA_ARTIFACTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/test-artifacts")
        });
    std::fs::create_dir_all(&dir).expect("create artifacts dir");
    dir
}
