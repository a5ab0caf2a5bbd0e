//! App updates through tauri-plugin-updater: a release manifest from the update address,
//! the package for this platform downloaded and checked against the key built into the app
//! (minisign; the signature must also name the announced version, `requireSignedVersion`),
//! then installed the platform's way and the app restarted.
//!
//! Off until configured: there must be an address (`VIVA_UPDATE_URL`, or
//! `plugins.updater.endpoints` in tauri.conf.json) and a trusted key
//! (`plugins.updater.pubkey`, which release builds set with `tauri build --config`; the
//! repository's is empty). Debug builds also take the key from `VIVA_UPDATE_PUBKEY`, so the
//! tests can sign their own updates; release builds never read a key from the environment.
//! The address alone cannot make the app accept anything: every package must carry the
//! built-in key's signature.

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_updater::{Update, Updater, UpdaterExt};
use tauri_specta::Event;
use tokio::sync::Mutex;
use viva_core::{CoreError, ErrorCode};

const URL_ENV: &str = "VIVA_UPDATE_URL";
#[cfg(debug_assertions)]
const PUBKEY_ENV: &str = "VIVA_UPDATE_PUBKEY";
/// A stalled update server must not hold the check (and its spinner) for ever.
const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// A release newer than this app, as the update server announced it.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
pub struct UpdateInfo {
    pub version: String,
    pub current_version: String,
    /// The release notes, as written by whoever published it.
    pub notes: Option<String>,
}

/// Bytes of the update received so far, while it downloads (JavaScript numbers: exact to
/// 2^53 bytes, so f64 rather than a u64 TypeScript cannot hold).
#[derive(Debug, Clone, serde::Serialize, specta::Type, tauri_specta::Event)]
pub struct UpdateProgressEvent {
    pub received: f64,
    pub total: Option<f64>,
}

/// The release found by the last check and, once downloaded and verified, its package.
#[derive(Default)]
pub struct Updates(Mutex<Option<Pending>>);

struct Pending {
    update: Update,
    package: Option<Vec<u8>>,
}

/// Where updates come from and the key they must be signed with.
#[derive(Debug, PartialEq)]
struct Source {
    key: String,
    /// None: the endpoints of the configuration.
    url: Option<String>,
}

/// Updates are on only with a trusted key and an address; `test_key` is honoured by debug
/// builds alone (the caller passes None in release builds).
fn source(
    configured: &serde_json::Value,
    url: Option<String>,
    test_key: Option<String>,
) -> Option<Source> {
    let key = test_key
        .or_else(|| configured["pubkey"].as_str().map(str::to_owned))
        .filter(|k| !k.trim().is_empty())?;
    let url = url.filter(|u| !u.trim().is_empty());
    let from_config = configured["endpoints"]
        .as_array()
        .is_some_and(|a| !a.is_empty());
    (url.is_some() || from_config).then_some(Source { key, url })
}

/// The updater, or None while updates are off (no address or no trusted key).
fn updater<R: Runtime>(app: &AppHandle<R>) -> Result<Option<Updater>, CoreError> {
    let configured = app.config().plugins.0.get("updater").cloned();
    #[cfg(debug_assertions)]
    let test_key = std::env::var(PUBKEY_ENV).ok();
    #[cfg(not(debug_assertions))]
    let test_key = None;
    let Some(source) = source(
        &configured.unwrap_or_default(),
        std::env::var(URL_ENV).ok(),
        test_key,
    ) else {
        return Ok(None);
    };
    let mut builder = app.updater_builder().pubkey(source.key).timeout(TIMEOUT);
    if let Some(url) = source.url {
        let url = url.trim().parse().map_err(|e| {
            CoreError::new(
                ErrorCode::InvalidInput,
                format!("The update address {url:?} is not a URL: {e}"),
            )
        })?;
        builder = builder.endpoints(vec![url]).map_err(error)?;
    }
    builder.build().map(Some).map_err(error)
}

/// Asks the update server for a newer release; None when there is none or updates are off.
pub async fn check<R: Runtime>(app: &AppHandle<R>) -> Result<Option<UpdateInfo>, CoreError> {
    let Some(updater) = updater(app)? else {
        return Ok(None);
    };
    let found = updater.check().await.map_err(error)?;
    let info = found.as_ref().map(|u| UpdateInfo {
        version: u.version.clone(),
        current_version: u.current_version.clone(),
        notes: u.body.clone(),
    });
    if let Some(info) = &info {
        tracing::info!(version = %info.version, "an update is available");
    }
    *app.state::<Updates>().0.lock().await = found.map(|update| Pending {
        update,
        package: None,
    });
    Ok(info)
}

/// Downloads the release the last check found and verifies its signature; progress arrives
/// as `UpdateProgressEvent`s. A package that fails the check is dropped, never kept.
pub async fn download<R: Runtime>(app: &AppHandle<R>) -> Result<(), CoreError> {
    let updates = app.state::<Updates>();
    let mut pending = updates.0.lock().await;
    let Some(pending) = pending.as_mut() else {
        return Err(no_update());
    };
    let mut received = 0u64;
    let on_chunk = |chunk: usize, total: Option<u64>| {
        received += chunk as u64;
        let event = UpdateProgressEvent {
            received: received as f64,
            total: total.map(|t| t as f64),
        };
        drop(event.emit(app));
    };
    let package = pending
        .update
        .download(on_chunk, || {})
        .await
        .map_err(error)?;
    tracing::info!(version = %pending.update.version, bytes = package.len(), "update downloaded and verified");
    pending.package = Some(package);
    Ok(())
}

/// Installs the downloaded update and restarts into it.
pub async fn install<R: Runtime>(app: &AppHandle<R>) -> Result<(), CoreError> {
    let updates = app.state::<Updates>();
    let pending = updates.0.lock().await;
    let Some(Pending {
        update,
        package: Some(package),
    }) = pending.as_ref()
    else {
        return Err(no_update());
    };
    update.install(package).map_err(error)?;
    tracing::info!(version = %update.version, "update installed; restarting");
    app.restart()
}

fn no_update() -> CoreError {
    CoreError::new(
        ErrorCode::Conflict,
        "There is no downloaded update: check for updates first",
    )
}

/// The plugin's error as a code the UI can act on; the cause stays in the message (and so in
/// the command's log line).
fn error(e: tauri_plugin_updater::Error) -> CoreError {
    use tauri_plugin_updater::Error as E;
    let (code, what) = match &e {
        E::Minisign(_) | E::SignedVersionMismatch { .. } | E::MissingSignedVersion => (
            ErrorCode::Untrusted,
            "The update's signature does not match",
        ),
        E::Reqwest(r) if r.is_connect() || r.is_timeout() => {
            (ErrorCode::Offline, "The update server cannot be reached")
        }
        E::Network(_) => (ErrorCode::Offline, "The update server cannot be reached"),
        E::InsecureTransportProtocol | E::UrlParse(_) => {
            (ErrorCode::InvalidInput, "The update address is not usable")
        }
        E::Io(_) | E::TempDirNotFound | E::TempDirNotOnSameMountPoint => (
            ErrorCode::Storage,
            "The update could not be written to disk",
        ),
        E::AuthenticationFailed => (
            ErrorCode::Forbidden,
            "Installing the update needs an administrator's password",
        ),
        E::UnsupportedOs | E::UnsupportedArch | E::InvalidUpdaterFormat => (
            ErrorCode::Unsupported,
            "This installation cannot update itself",
        ),
        _ => (
            ErrorCode::Server,
            "The update server's answer is not usable",
        ),
    };
    CoreError::new(code, format!("{what}: {e}"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{source, Source};

    #[test]
    fn updates_are_off_without_a_trusted_key_or_an_address() {
        // The repository's configuration: no key, no address.
        let shipped = json!({"pubkey": "", "endpoints": []});
        assert_eq!(source(&shipped, None, None), None);
        // An address alone never turns them on: nothing could be verified.
        assert_eq!(
            source(&shipped, Some("https://u.example/x".into()), None),
            None
        );
        // A key alone neither: there is nowhere to look.
        let keyed = json!({"pubkey": "KEY", "endpoints": []});
        assert_eq!(source(&keyed, None, None), None);
        assert_eq!(source(&keyed, Some("  ".into()), None), None);
    }

    #[test]
    fn the_address_comes_from_the_environment_or_the_configuration() {
        let keyed = json!({"pubkey": "KEY", "endpoints": []});
        assert_eq!(
            source(&keyed, Some("https://u.example/x".into()), None),
            Some(Source {
                key: "KEY".into(),
                url: Some("https://u.example/x".into())
            })
        );
        let configured = json!({"pubkey": "KEY", "endpoints": ["https://u.example/y"]});
        assert_eq!(
            source(&configured, None, None),
            Some(Source {
                key: "KEY".into(),
                url: None
            })
        );
        // A debug build's test key replaces the configured one.
        assert_eq!(
            source(&configured, None, Some("TEST".into())).map(|s| s.key),
            Some("TEST".into())
        );
    }
}
