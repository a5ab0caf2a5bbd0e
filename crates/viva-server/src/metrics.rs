//! Prometheus metrics without a metrics framework: a few atomic counters rendered in the
//! text exposition format.

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct Metrics {
    by_class: [AtomicU64; 5],
    pub logins_failed: AtomicU64,
    pub tokens_issued: AtomicU64,
    pub rate_limited: AtomicU64,
    webhooks_processed: [AtomicU64; WEBHOOK_EVENTS.len() + 1],
    webhooks_repeated: [AtomicU64; WEBHOOK_EVENTS.len() + 1],
}

/// The events LiveKit sends; anything else is counted as "other" (labels stay bounded).
const WEBHOOK_EVENTS: [&str; 12] = [
    "room_started",
    "room_finished",
    "participant_joined",
    "participant_left",
    "participant_connection_aborted",
    "track_published",
    "track_unpublished",
    "egress_started",
    "egress_updated",
    "egress_ended",
    "ingress_started",
    "ingress_ended",
];

impl Metrics {
    pub fn record_status(&self, status: u16) {
        let class = (status / 100).clamp(1, 5) as usize - 1;
        self.by_class[class].fetch_add(1, Ordering::Relaxed);
    }

    /// A verified webhook delivery: acted on, or a repeat of an event some node handled.
    pub fn record_webhook(&self, event: &str, repeated: bool) {
        let i = WEBHOOK_EVENTS
            .iter()
            .position(|e| *e == event)
            .unwrap_or(WEBHOOK_EVENTS.len());
        let counters = if repeated {
            &self.webhooks_repeated
        } else {
            &self.webhooks_processed
        };
        counters[i].fetch_add(1, Ordering::Relaxed);
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
        for (name, help, counters) in [
            (
                "viva_webhooks_processed_total",
                "LiveKit webhook events acted on, by event (each event once across all nodes).",
                &self.webhooks_processed,
            ),
            (
                "viva_webhooks_repeated_total",
                "Deliveries of a LiveKit webhook event already handled by some node, by event.",
                &self.webhooks_repeated,
            ),
        ] {
            out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} counter\n"));
            for (i, n) in counters.iter().enumerate() {
                let event = WEBHOOK_EVENTS.get(i).copied().unwrap_or("other");
                out.push_str(&format!(
                    "{name}{{event=\"{event}\"}} {}\n",
                    n.load(Ordering::Relaxed)
                ));
            }
        }
        out
    }
}
