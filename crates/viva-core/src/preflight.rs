//! The network check before joining: can this machine reach the media server, and how
//! quickly? A plain verdict the pre-join screen shows, with advice when video would suffer.

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::error::{CoreError, ErrorCode};
use crate::session::Session;

/// Round trips at or under this are "good"; up to `FAIR_MS` "fair"; slower "poor".
const GOOD_MS: u64 = 150;
const FAIR_MS: u64 = 400;
const SAMPLES: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PreflightReport {
    /// good | fair | poor | unreachable
    pub verdict: String,
    /// The median round trip to the media server, when it answered.
    pub round_trip_ms: Option<u32>,
    /// What the person can do about it, in a sentence.
    pub advice: String,
}

/// The verdict for a median round trip (None: the server did not answer).
pub fn verdict(round_trip_ms: Option<u64>) -> (&'static str, &'static str) {
    match round_trip_ms {
        None => (
            "unreachable",
            "Viva cannot reach the media server: check your connection, or join by phone.",
        ),
        Some(ms) if ms <= GOOD_MS => ("good", "Your connection is good for video."),
        Some(ms) if ms <= FAIR_MS => (
            "fair",
            "Your connection is slow: video may stutter. Join with your camera off if it does.",
        ),
        Some(_) => (
            "poor",
            "Your connection is poor: video will stutter. Join with your camera off?",
        ),
    }
}

/// The LiveKit server's HTTP address for its WebSocket URL.
fn http_url(ws: &str) -> String {
    ws.replacen("wss://", "https://", 1)
        .replacen("ws://", "http://", 1)
}

pub async fn check(session: &Session) -> Result<PreflightReport, CoreError> {
    let (api, access) = session.access().await?;
    let info = api.connection_info(&access).await?;
    if !info.configured || info.server_url.is_empty() {
        return Err(CoreError::new(
            ErrorCode::Server,
            "The server has no media server configured",
        ));
    }
    let url = http_url(&info.server_url);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(3))
        .build()
        .map_err(|e| CoreError::new(ErrorCode::Server, e.to_string()))?;
    let mut times = Vec::new();
    for _ in 0..SAMPLES {
        let started = Instant::now();
        if http.get(&url).send().await.is_ok() {
            times.push(started.elapsed().as_millis() as u64);
        }
    }
    times.sort_unstable();
    let median = times.get(times.len() / 2).copied();
    let (verdict, advice) = verdict(median);
    Ok(PreflightReport {
        verdict: verdict.into(),
        round_trip_ms: median.map(|ms| ms.min(u32::MAX as u64) as u32),
        advice: advice.into(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn verdicts_follow_the_round_trip() {
        assert_eq!(super::verdict(Some(20)).0, "good");
        assert_eq!(super::verdict(Some(150)).0, "good");
        assert_eq!(super::verdict(Some(300)).0, "fair");
        assert_eq!(super::verdict(Some(900)).0, "poor");
        assert_eq!(super::verdict(None).0, "unreachable");
        assert_eq!(
            super::http_url("wss://lk.example.com"),
            "https://lk.example.com"
        );
        assert_eq!(
            super::http_url("ws://127.0.0.1:7880"),
            "http://127.0.0.1:7880"
        );
    }
}
