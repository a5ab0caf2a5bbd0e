//! HTTP-level tests of viva-server, one module per surface; linked once.

mod ops;

/// Starts the app on a free loopback port and returns its base URL.
pub async fn spawn_app() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, viva_server::app()).await.unwrap() });
    format!("http://{addr}")
}
