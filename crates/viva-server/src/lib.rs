//! viva-server: the bundled backend. Holds the LiveKit secret, mints tokens, manages rooms,
//! stores interviews and feedback.

pub mod error;
pub mod routes;

use std::net::SocketAddr;

/// Builds the HTTP application.
pub fn app() -> axum::Router {
    routes::router()
}

/// Serves `app()` on `listener` until the process is told to stop.
pub async fn serve(listener: tokio::net::TcpListener) -> anyhow::Result<()> {
    let addr: SocketAddr = listener.local_addr()?;
    tracing::info!(%addr, "viva-server listening");
    axum::serve(listener, app())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("install SIGTERM handler");
        tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
    }
    #[cfg(not(unix))]
    ctrl_c.await.ok();
}
