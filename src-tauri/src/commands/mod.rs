//! IPC adapters, one module per domain. Each command takes state, calls viva-core and
//! returns its `{code, message}` error unchanged; nothing else.

pub mod app;
pub mod audio;
pub mod auth;
pub mod camera;
pub mod candidate;
pub mod feedback;
pub mod interviews;
pub mod room;

/// Runs device work (opening a camera, probing devices) off the async runtime.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, viva_core::CoreError> + Send + 'static,
) -> Result<T, viva_core::CoreError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        viva_core::CoreError::new(
            viva_core::ErrorCode::Media,
            format!("device task failed: {e}"),
        )
    })?
}

/// Drops something holding a device (the camera preview) off the async runtime: closing a
/// device blocks.
pub async fn release<T: Send + 'static>(held: T) -> Result<(), viva_core::CoreError> {
    blocking(move || {
        drop(held);
        Ok(())
    })
    .await
}
