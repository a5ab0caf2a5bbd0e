//! The command line: how to get in, what to publish, how long to stay.

use clap::Parser;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "viva-bot",
    version,
    about = "A headless Viva participant that prints JSON lines",
    group(clap::ArgGroup::new("how").args(["interview", "room_code", "application"]))
)]
pub struct Args {
    /// LiveKit URL (ws:// or wss://), with --token.
    #[arg(long, requires = "token", conflicts_with = "server")]
    pub url: Option<String>,
    /// A LiveKit join token, with --url.
    #[arg(long, requires = "url")]
    pub token: Option<String>,
    /// viva-server base URL: join through the backend as a user (--username, --interview),
    /// with a public room code (--room-code, --phone, --name), or with a one-time password
    /// (--application, --otp).
    #[arg(long, requires = "how")]
    pub server: Option<String>,
    #[arg(long, requires = "interview")]
    pub username: Option<String>,
    /// The password; prefer VIVA_BOT_PASSWORD (arguments show in `ps`).
    #[arg(long, env = "VIVA_BOT_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// The interview's uuid_id.
    #[arg(long, requires_all = ["server", "username"])]
    pub interview: Option<String>,
    /// A public room code: join as the candidate with --phone and --name, no account.
    #[arg(long, requires_all = ["server", "phone", "name"])]
    pub room_code: Option<String>,
    /// The candidate's phone number, as on the application (any common form).
    #[arg(long, requires = "room_code")]
    pub phone: Option<String>,
    /// The candidate's name, "First Last".
    #[arg(long, requires = "room_code")]
    pub name: Option<String>,
    /// With --room-code: when leaving on its own (--duration, a signal), end the session
    /// for everyone with the candidate's participant token first.
    #[arg(long, requires = "room_code")]
    pub end_on_leave: bool,
    /// An application id: join its password room with --otp.
    #[arg(long, requires_all = ["server", "otp"])]
    pub application: Option<String>,
    /// The one-time password; prefer VIVA_BOT_OTP (arguments show in `ps`).
    #[arg(long, env = "VIVA_BOT_OTP", hide_env_values = true)]
    pub otp: Option<String>,
    /// What to publish: audio, video (a synthetic camera track), camera (the first camera
    /// through the app's capture pipeline; VIVA_FAKE_CAMERA gives the test camera), screen
    /// (a screen-share track), or several (comma-separated).
    #[arg(long, value_delimiter = ',', value_parser = ["audio", "video", "camera", "screen"])]
    pub publish: Vec<String>,
    /// Published video size, WIDTHxHEIGHT.
    #[arg(long, default_value = "640x360", value_parser = parse_size)]
    pub video_size: (u32, u32),
    /// Published video colour, R,G,B.
    #[arg(long, default_value = "0,128,255", value_parser = parse_rgb)]
    pub video_color: [u8; 3],
    #[arg(long, default_value_t = 30)]
    pub fps: u32,
    /// Published tone frequency in Hz.
    #[arg(long, default_value_t = 440.0)]
    pub audio_hz: f64,
    /// Leave after this many seconds (default: stay until removed or signalled).
    #[arg(long)]
    pub duration: Option<f64>,
    /// Connect timeout in seconds.
    #[arg(long, default_value_t = 15.0)]
    pub connect_timeout: f64,
}

fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once('x')
        .ok_or("expected WIDTHxHEIGHT, e.g. 640x360")?;
    let w: u32 = w.parse().map_err(|_| "width must be a number")?;
    let h: u32 = h.parse().map_err(|_| "height must be a number")?;
    if !(16..=3840).contains(&w)
        || !(16..=2160).contains(&h)
        || !w.is_multiple_of(2)
        || !h.is_multiple_of(2)
    {
        return Err("size must be even, 16x16 to 3840x2160".into());
    }
    Ok((w, h))
}

fn parse_rgb(s: &str) -> Result<[u8; 3], String> {
    let parts: Vec<&str> = s.split(',').collect();
    let [r, g, b] = parts.as_slice() else {
        return Err("expected R,G,B, e.g. 255,0,0".into());
    };
    let c = |v: &str| {
        v.trim()
            .parse::<u8>()
            .map_err(|_| format!("'{v}' is not 0-255"))
    };
    Ok([c(r)?, c(g)?, c(b)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse_and_bad_values_are_refused() {
        let args = Args::try_parse_from([
            "viva-bot",
            "--url",
            "ws://x",
            "--token",
            "t",
            "--publish",
            "audio,video",
            "--video-size",
            "1280x720",
            "--video-color",
            "255,0,0",
            "--audio-hz",
            "880",
        ])
        .unwrap();
        assert_eq!(args.publish, ["audio", "video"]);
        assert_eq!(args.video_size, (1280, 720));
        assert_eq!(args.video_color, [255, 0, 0]);
        assert!(Args::try_parse_from([
            "viva-bot",
            "--url",
            "ws://x",
            "--token",
            "t",
            "--video-size",
            "13x7"
        ])
        .is_err());
        assert!(Args::try_parse_from([
            "viva-bot",
            "--url",
            "ws://x",
            "--token",
            "t",
            "--video-color",
            "300,0,0"
        ])
        .is_err());
        assert!(
            Args::try_parse_from(["viva-bot", "--url", "ws://x"]).is_err(),
            "--url needs --token"
        );
        assert!(Args::try_parse_from([
            "viva-bot",
            "--url",
            "ws://x",
            "--token",
            "t",
            "--publish",
            "smell"
        ])
        .is_err());
    }

    #[test]
    fn the_join_modes_need_their_flags() {
        let args = Args::try_parse_from([
            "viva-bot",
            "--server",
            "http://x",
            "--room-code",
            "ABCDEFGH",
            "--phone",
            "+971509876543",
            "--name",
            "Ahmed Hassan",
            "--end-on-leave",
        ])
        .unwrap();
        assert_eq!(args.room_code.as_deref(), Some("ABCDEFGH"));
        assert!(args.end_on_leave);
        for bad in [
            &["viva-bot", "--server", "http://x"][..],
            &[
                "viva-bot",
                "--server",
                "http://x",
                "--room-code",
                "C",
                "--phone",
                "1",
            ],
            &[
                "viva-bot",
                "--room-code",
                "C",
                "--phone",
                "1",
                "--name",
                "A B",
            ],
            &["viva-bot", "--server", "http://x", "--interview", "i"],
            &[
                "viva-bot",
                "--server",
                "http://x",
                "--room-code",
                "C",
                "--phone",
                "1",
                "--name",
                "A B",
                "--username",
                "u",
                "--interview",
                "i",
            ],
        ] {
            assert!(
                Args::try_parse_from(bad).is_err(),
                "{bad:?} must be refused"
            );
        }
        assert!(Args::try_parse_from([
            "viva-bot",
            "--server",
            "http://x",
            "--application",
            "a",
            "--otp",
            "123456",
        ])
        .is_ok());
    }
}
