//! `viva-bot`: a headless participant. See `viva_core::bot` for the flags and the JSON
//! lines it prints.

use clap::Parser;

#[tokio::main]
async fn main() {
    let args = viva_core::bot::Args::parse();
    let code = viva_core::bot::run(args).await;
    std::process::exit(code);
}
