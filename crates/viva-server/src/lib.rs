//! viva-server: the bundled backend. Holds the LiveKit secret, mints tokens, manages rooms,
//! stores interviews and feedback.

pub mod auth;
pub mod cli;
pub mod codes;
pub mod config;
pub mod dialin;
pub mod domain;
pub mod error;
pub mod extract;
pub mod livekit;
pub mod metrics;
pub mod notify;
pub mod phone;
pub mod policy;
pub mod recording;
pub mod routes;
pub mod secret;
pub mod session;
pub mod setup;
pub mod state;
pub mod store;
pub mod sweeper;

use std::net::SocketAddr;

pub use config::Config;
pub use state::AppState;
pub use store::Store;

/// Builds the HTTP application over `state`.
pub fn app(state: AppState) -> axum::Router {
    routes::router(state)
}

/// Serves the app on `listener` until SIGINT/SIGTERM, with client addresses available to
/// handlers (login throttling), and runs the background sweeper (rooms at their maximum
/// duration, cleanup), recording uploads, SQLite checkpoints and the metrics' upkeep alongside.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> anyhow::Result<()> {
    let addr: SocketAddr = listener.local_addr()?;
    tracing::info!(%addr, node = %state.node_id, "viva-server listening");
    let _sweeper = sweeper::spawn(state.clone());
    let _recordings = recording::spawn_maintenance(state.clone());
    let _checkpoints = state.store.spawn_checkpoints();
    let _metrics = state.metrics.spawn_upkeep();
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
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
