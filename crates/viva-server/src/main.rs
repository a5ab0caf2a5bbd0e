use std::io::{IsTerminal, Read};

use anyhow::Context;
use clap::Parser;
use viva_server::cli::{Cli, Command, UserCommand};
use viva_server::{AppState, Config, Store};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("VIVA_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let cli = Cli::parse();
    let config = Config::load()?;
    let store = Store::connect(&config.database_url)
        .await
        .with_context(|| {
            format!(
                "cannot open database {}",
                viva_server::store::redact_url(&config.database_url)
            )
        })?;
    store.migrate().await.context("database migration failed")?;

    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let listener = tokio::net::TcpListener::bind(config.bind)
                .await
                .with_context(|| format!("cannot listen on {}", config.bind))?;
            if !config.livekit.configured() {
                tracing::warn!("LiveKit is not configured (VIVA_LIVEKIT_URL, _API_KEY, _API_SECRET): rooms are unavailable");
            }
            viva_server::serve(listener, AppState::new(config, store)).await
        }
        Command::Migrate => {
            println!("database is up to date");
            Ok(())
        }
        Command::SetupLivekit => viva_server::setup::setup_livekit(&store, &config).await,
        Command::Demo => viva_server::cli::demo(&store, config.default_region).await,
        command @ (Command::Company { .. }
        | Command::Job { .. }
        | Command::Application { .. }
        | Command::Outbox { .. }) => viva_server::cli::catalog(&store, &config, command).await,
        Command::User {
            command:
                UserCommand::Create {
                    username,
                    password,
                    password_stdin,
                    role,
                    staff,
                    superuser,
                    phone,
                    email,
                    display_name,
                },
        } => {
            let password = match (password, password_stdin) {
                (_, true) => {
                    let mut s = String::new();
                    std::io::stdin().read_to_string(&mut s)?;
                    s.trim_end_matches(['\r', '\n']).to_owned()
                }
                (Some(p), false) => p,
                (None, false) => anyhow::bail!("give --password or --password-stdin"),
            };
            let user = viva_server::cli::create_user(
                &store,
                &username,
                &password,
                role.into(),
                staff,
                superuser,
                phone,
                config.default_region,
                email,
                display_name,
            )
            .await?;
            println!("created user {} ({})", user.username, user.id);
            Ok(())
        }
    }
}
