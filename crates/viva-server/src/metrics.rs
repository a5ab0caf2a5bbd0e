//! Prometheus metrics without a metrics framework: a few atomic counters rendered in the
//! text exposition format.

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct Metrics {
    by_class: [AtomicU64; 5],
    pub logins_failed: AtomicU64,
    pub tokens_issued: AtomicU64,
    pub rate_limited: AtomicU64,
}

impl Metrics {
    pub fn record_status(&self, status: u16) {
        let class = (status / 100).clamp(1, 5) as usize - 1;
        self.by_class[class].fetch_add(1, Ordering::Relaxed);
    }

    pub fn render(&self) -> String {
        let mut out = String::from(
            "# HELP viva_http_responses_total HTTP responses by status class.\n\
             # TYPE viva_http_responses_total counter\n",
        );
        for (i, n) in self.by_class.iter().enumerate() {
            out.push_str(&format!(
                "viva_http_responses_total{{class=\"{}xx\"}} {}\n",
                i + 1,
                n.load(Ordering::Relaxed)
            ));
        }
        for (name, help, value) in [
            (
                "viva_logins_failed_total",
                "Failed sign-in attempts.",
                &self.logins_failed,
            ),
            (
                "viva_livekit_tokens_issued_total",
                "LiveKit join tokens issued.",
                &self.tokens_issued,
            ),
            (
                "viva_rate_limited_total",
                "Requests refused by a rate limit.",
                &self.rate_limited,
            ),
        ] {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}\n",
                value.load(Ordering::Relaxed)
            ));
        }
        out
    }
}
