//! `viva-server setup-livekit` (the seed's `setup_livekit`): creates the default room
//! templates that are missing, makes the recordings bucket when storage is configured, and
//! checks that LiveKit answers with our key. Idempotent:
//! run it on every deploy.

use crate::config::Config;
use crate::livekit::LiveKit;
use crate::store::Store;

pub async fn setup_livekit(store: &Store, config: &Config) -> anyhow::Result<()> {
    let created = store.ensure_default_templates().await?;
    let templates = store.templates().await?;
    println!(
        "room templates: {} created, {} in all",
        created,
        templates.len()
    );
    for t in &templates {
        let s = &t.settings;
        println!(
            "  {:<12} {:<10} max {:>5} participants, {:>5} s, publishers: {}{}",
            t.name,
            s.room_type,
            s.max_participants,
            s.max_duration,
            if s.hosts_only_publish { "hosts" } else { "all" },
            if t.is_default { " (default)" } else { "" }
        );
    }
    match &config.recording.s3 {
        None => println!(
            "Recording storage is not configured (VIVA_S3_ENDPOINT, ...): recording is unavailable"
        ),
        Some(s3) => {
            let storage = crate::recording::s3::ObjectStore::new(s3)?;
            storage
                .ensure_bucket()
                .await
                .map_err(|e| anyhow::anyhow!("recording storage at {}: {e}", s3.endpoint))?;
            println!(
                "recording storage: bucket {} at {} is ready",
                s3.bucket, s3.endpoint
            );
        }
    }
    if !config.livekit.configured() {
        println!("LiveKit is not configured (VIVA_LIVEKIT_URL, _API_KEY, _API_SECRET): skipped the check");
        return Ok(());
    }
    let livekit = LiveKit::new(config.livekit.clone());
    anyhow::ensure!(
        livekit.healthy().await,
        "LiveKit at {} did not answer an authenticated request: check the URL, key and secret",
        config.livekit.api_url
    );
    println!("LiveKit at {} answers with our key", config.livekit.api_url);
    println!(
        "LiveKit must run with room.auto_create: false and send webhooks to \
         <this server>/webhooks/livekit/ (README, \"LiveKit configuration\")"
    );
    Ok(())
}
