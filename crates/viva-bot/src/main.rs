//! `viva-bot`: a headless participant. Joins a room (directly with a token, or through
//! viva-server the ways the app does: as a user, with a public room code, or with a
//! one-time password), publishes synthetic media or the camera through the app's capture
//! pipeline, and prints one JSON object per line for every event a test or a person needs
//! to see.
//!
//! Exit codes: 0 when the session ended in an orderly way (duration reached, removed,
//! room deleted, signal); 1 when joining failed; 2 for bad arguments.

mod args;
mod join;
mod output;
mod publish;
mod run;
mod watch;

use clap::Parser;

#[tokio::main]
async fn main() {
    let code = run::run(args::Args::parse()).await;
    std::process::exit(code);
}
