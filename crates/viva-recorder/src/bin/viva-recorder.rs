//! `viva-recorder --url <ws> --token <jwt> --dir <spool>`: records a room until stdin says
//! `stop` (or closes) or the room's metadata ends the recording. See `viva_recorder`.
//! `viva-recorder --probe FILE` prints what a recorded file holds (JSON).

use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    version,
    about = "Records the consenting participants of a LiveKit room to WebM"
)]
struct Args {
    /// LiveKit server URL (ws:// or wss://).
    #[arg(long, required_unless_present = "probe")]
    url: Option<String>,
    /// A subscribe-only, hidden join token (from viva-server). Read from the environment
    /// by default so it does not show in the process list.
    #[arg(
        long,
        env = "VIVA_RECORDER_TOKEN",
        hide_env_values = true,
        required_unless_present = "probe"
    )]
    token: Option<String>,
    /// The recording's spool directory.
    #[arg(long, required_unless_present = "probe")]
    dir: Option<std::path::PathBuf>,
    /// Recorded picture size and rate, letterboxed: WIDTHxHEIGHT[@FPS].
    #[arg(long, default_value = "1280x720@30")]
    size: viva_recorder::VideoSize,
    /// Decode a recorded file and print its length, colour and pitch as JSON.
    #[arg(long, conflicts_with_all = ["url", "dir"])]
    probe: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let args = Args::parse();
    if let Err(e) = gstreamer::init() {
        viva_recorder::emit(
            "error",
            serde_json::json!({"message": format!("GStreamer: {e}")}),
        );
        std::process::exit(2);
    }
    if let Some(file) = args.probe {
        match viva_recorder::probe::probe(&file) {
            Ok(p) => println!("{}", serde_json::to_string(&p).expect("serializes")),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
        return;
    }
    let (Some(url), Some(token), Some(dir)) = (args.url, args.token, args.dir) else {
        unreachable!("clap requires them without --probe");
    };
    let config = viva_recorder::Config {
        url,
        token,
        dir,
        size: args.size,
    };
    if let Err(e) = viva_recorder::run(config).await {
        viva_recorder::emit("error", serde_json::json!({"message": e.to_string()}));
        std::process::exit(1);
    }
}
