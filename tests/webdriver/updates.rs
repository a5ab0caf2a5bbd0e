//! App updates end to end: a local update server publishes a release manifest and a
//! package signed the way `tauri signer` signs (minisign, the version in the trusted
//! comment); the app finds it, downloads it, and accepts it only when the signature is by
//! the key it trusts.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use base64::Engine;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::{Stage, KEYRING, T};

const NEXT: &str = "0.2.0";

/// A package of the next version: the bytes the app downloads (not installed by this test:
/// installing a .deb would need root and change this machine).
fn package() -> Vec<u8> {
    (0..1_500_000u32).map(|i| (i % 251) as u8).collect()
}

/// The package's signature as the manifest carries it: base64 of minisign's signature text.
fn signature(key: &minisign::KeyPair, bytes: &[u8], version: &str) -> String {
    let trusted = format!("timestamp:1796200000\tfile:viva_{version}_amd64.deb\tversion:{version}");
    let sig = minisign::sign(
        Some(&key.pk),
        &key.sk,
        std::io::Cursor::new(bytes),
        Some(&trusted),
        Some("signature from tauri secret key"),
    )
    .unwrap();
    base64::engine::general_purpose::STANDARD.encode(sig.into_string())
}

struct UpdateServer {
    url: String,
    /// Paths the app asked for.
    requests: Arc<Mutex<Vec<String>>>,
    /// While set, the package served differs from the one signed (a tampered mirror).
    tampered: Arc<AtomicBool>,
}

impl UpdateServer {
    async fn start(manifest: serde_json::Value, good: Vec<u8>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let tampered = Arc::new(AtomicBool::new(true));
        let manifest = manifest.to_string().replace("{port}", &port.to_string());
        let (seen, bad) = (requests.clone(), tampered.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head);
                let path = head.split(' ').nth(1).unwrap_or("").to_owned();
                seen.lock().unwrap().push(path.clone());
                let (kind, body) = if path.ends_with(".deb") {
                    let mut body = good.clone();
                    if bad.load(Ordering::SeqCst) {
                        body[1000] ^= 0xff;
                    }
                    ("application/vnd.debian.binary-package", body)
                } else {
                    ("application/json", manifest.clone().into_bytes())
                };
                let header = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(header.as_bytes()).await;
                let _ = socket.write_all(&body).await;
            }
        });
        UpdateServer {
            url: format!(
                "http://127.0.0.1:{port}/viva/{{{{target}}}}/{{{{arch}}}}/{{{{current_version}}}}"
            ),
            requests,
            tampered,
        }
    }
}

/// The release manifest (Tauri's static format) for the next version, signed by `signer`.
fn manifest(signer: &minisign::KeyPair, bytes: &[u8], notes: &str) -> serde_json::Value {
    let release = serde_json::json!({
        "url": "http://127.0.0.1:{port}/download/viva_0.2.0_amd64.deb",
        "signature": signature(signer, bytes, NEXT),
    });
    serde_json::json!({
        "version": NEXT,
        "notes": notes,
        "pub_date": "2026-12-01T12:00:00Z",
        "platforms": {
            "linux-x86_64": release,
            "linux-x86_64-deb": release,
            "linux-x86_64-rpm": release,
        },
    })
}

/// A stage whose app looks for updates at `server` and trusts `key`.
async fn stage_trusting(server: &UpdateServer, key: &minisign::KeyPair) -> Stage {
    let trusted =
        base64::engine::general_purpose::STANDARD.encode(key.pk.to_box().unwrap().into_string());
    Stage::with_env(&[
        ("VIVA_UPDATE_URL", Path::new(&server.url)),
        ("VIVA_UPDATE_PUBKEY", Path::new(&trusted)),
    ])
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_is_found_downloaded_and_accepted_only_when_signed_by_the_trusted_key() {
    let _turn = KEYRING.lock().await;
    let key = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let bytes = package();
    let manifest = manifest(&key, &bytes, "Faster video and signed updates.");
    let server = UpdateServer::start(manifest, bytes).await;
    let stage = stage_trusting(&server, &key).await;
    let app = stage.open_app().await;

    // Found at start-up, on the sign-in screen, with its notes.
    let banner = app.wait("[data-testid=update-banner]", T).await;
    let said = app.text(&banner).await;
    assert!(
        said.contains("Viva 0.2.0 is available") && said.contains("You have 0.1.0"),
        "{said}"
    );
    assert!(said.contains("Faster video"), "{said}");
    let asked = server.requests.lock().unwrap()[0].clone();
    assert_eq!(
        asked, "/viva/linux/x86_64/0.1.0",
        "the app says where it runs"
    );
    stage.shot("ui-update-available").await;

    // A mirror serving other bytes than were signed: refused, and said so.
    app.click(&app.wait("[data-testid=update-download]", T).await)
        .await;
    let error = app
        .text(&app.wait("[data-testid=update-error]", T).await)
        .await;
    assert!(error.contains("not signed by Viva"), "{error}");
    stage.shot("ui-update-refused").await;

    // The signed package: downloaded, verified, ready to restart into.
    server.tampered.store(false, Ordering::SeqCst);
    app.click(&app.wait("[data-testid=update-download]", T).await)
        .await;
    app.wait("[data-testid=update-banner][data-phase=ready]", T)
        .await;
    assert!(app.find_now("[data-testid=update-install]").await.is_some());
    let downloads = server
        .requests
        .lock()
        .unwrap()
        .iter()
        .filter(|p| p.ends_with(".deb"))
        .count();
    assert_eq!(downloads, 2, "one refused download, one accepted");
    stage.shot("ui-update-ready").await;

    // "Later" puts it away.
    app.click(&app.wait("[data-testid=update-later]", T).await)
        .await;
    assert!(app.find_now("[data-testid=update-banner]").await.is_none());
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_release_signed_by_another_key_is_refused() {
    let _turn = KEYRING.lock().await;
    let ours = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let theirs = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let bytes = package();
    let server = UpdateServer::start(manifest(&theirs, &bytes, ""), bytes).await;
    server.tampered.store(false, Ordering::SeqCst);
    let stage = stage_trusting(&server, &ours).await;
    let app = stage.open_app().await;
    app.click(&app.wait("[data-testid=update-download]", T).await)
        .await;
    let error = app
        .text(&app.wait("[data-testid=update-error]", T).await)
        .await;
    assert!(error.contains("not signed by Viva"), "{error}");
    assert!(app.find_now("[data-testid=update-install]").await.is_none());
    app.close().await;
}
