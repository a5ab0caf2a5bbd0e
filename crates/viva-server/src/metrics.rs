//! Prometheus metrics through the `metrics` crate and its Prometheus exporter: the counters
//! operators alert on, and a request-latency histogram per route.
//!
//! Each server keeps its own recorder instead of installing the process-wide one, so several
//! servers in one process (the API tests) count apart, and a library user's own recorder is
//! left alone. Handles are registered once (counters) or looked up in the recorder's
//! registry (per-route histograms); recording is an atomic add.

use std::time::Duration;

use metrics::{Counter, Key, KeyName, Label, Level, Metadata, Recorder, SharedString, Unit};
use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};

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

/// The methods a route label may carry; any other is "other", so a client inventing methods
/// cannot grow the label set.
const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

const LATENCY: &str = "viva_http_request_duration_seconds";

/// Bucket bounds for request latency: a join takes about a millisecond unloaded, and the
/// latency goal of the load benchmark is 20 ms at p99 (BENCHMARKS.md).
const LATENCY_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// How often histogram samples are folded into their buckets when nobody scrapes: until
/// then each sample is kept, so without this a busy unscraped server would grow.
pub const UPKEEP_EVERY: Duration = Duration::from_secs(5);

pub struct Metrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
    by_class: [Counter; 5],
    pub logins_failed: Counter,
    pub tokens_issued: Counter,
    pub rate_limited: Counter,
    webhooks_processed: Vec<Counter>,
    webhooks_repeated: Vec<Counter>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

fn metadata() -> Metadata<'static> {
    Metadata::new(module_path!(), Level::INFO, Some(module_path!()))
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(LATENCY.into()), &LATENCY_BUCKETS)
            .expect("the latency buckets are not empty")
            .build_recorder();
        let describe = |name: &'static str, unit: Option<Unit>, help: &'static str| {
            let (name, help) = (KeyName::from_const_str(name), SharedString::const_str(help));
            if name.as_str() == LATENCY {
                recorder.describe_histogram(name, unit, help);
            } else {
                recorder.describe_counter(name, unit, help);
            }
        };
        describe(
            "viva_http_responses_total",
            None,
            "HTTP responses by status class.",
        );
        describe(
            LATENCY,
            Some(Unit::Seconds),
            "Time to answer a request, by method and route template.",
        );
        describe("viva_logins_failed_total", None, "Failed sign-in attempts.");
        describe(
            "viva_livekit_tokens_issued_total",
            None,
            "LiveKit join tokens issued.",
        );
        describe(
            "viva_rate_limited_total",
            None,
            "Requests refused by a rate limit.",
        );
        describe(
            "viva_webhooks_processed_total",
            None,
            "LiveKit webhook events acted on, by event (each event once across all nodes).",
        );
        describe(
            "viva_webhooks_repeated_total",
            None,
            "Deliveries of a LiveKit webhook event already handled by some node, by event.",
        );
        let counter = |name: &'static str, labels: Vec<Label>| {
            recorder.register_counter(&Key::from_parts(name, labels), &metadata())
        };
        let by_event = |name: &'static str| {
            WEBHOOK_EVENTS
                .iter()
                .chain(["other"].iter())
                .map(|event| counter(name, vec![Label::new("event", *event)]))
                .collect::<Vec<_>>()
        };
        Self {
            by_class: std::array::from_fn(|i| {
                let class = format!("{}xx", i + 1);
                counter(
                    "viva_http_responses_total",
                    vec![Label::new("class", class)],
                )
            }),
            logins_failed: counter("viva_logins_failed_total", vec![]),
            tokens_issued: counter("viva_livekit_tokens_issued_total", vec![]),
            rate_limited: counter("viva_rate_limited_total", vec![]),
            webhooks_processed: by_event("viva_webhooks_processed_total"),
            webhooks_repeated: by_event("viva_webhooks_repeated_total"),
            handle: recorder.handle(),
            recorder,
        }
    }

    /// One answered request: its status class, and its latency under its route template
    /// (never the raw path: paths carry room codes and ids).
    pub fn record_request(&self, method: &str, route: &str, status: u16, took: Duration) {
        let class = (status / 100).clamp(1, 5) as usize - 1;
        self.by_class[class].increment(1);
        let method = METHODS
            .iter()
            .find(|m| **m == method)
            .copied()
            .unwrap_or("other");
        let key = Key::from_parts(
            LATENCY,
            vec![
                Label::new("method", method),
                Label::new("route", route.to_owned()),
            ],
        );
        self.recorder
            .register_histogram(&key, &metadata())
            .record(took.as_secs_f64());
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
        counters[i].increment(1);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        self.handle.render()
    }

    /// Folds histogram samples into their buckets every `UPKEEP_EVERY`, on the current
    /// runtime, until the runtime stops.
    pub fn spawn_upkeep(&self) -> tokio::task::JoinHandle<()> {
        let handle = self.handle.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(UPKEEP_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                handle.run_upkeep();
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str, series: &str) -> Option<f64> {
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
    }

    #[test]
    fn requests_are_counted_by_class_and_timed_by_route() {
        let m = Metrics::new();
        m.record_request("GET", "/api/interviews/{id}", 200, Duration::from_millis(3));
        m.record_request(
            "GET",
            "/api/interviews/{id}",
            404,
            Duration::from_millis(30),
        );
        m.record_request("BREW", "<unmatched>", 405, Duration::from_micros(200));
        let text = m.render();
        assert_eq!(
            value(&text, "viva_http_responses_total{class=\"2xx\"}"),
            Some(1.0)
        );
        assert_eq!(
            value(&text, "viva_http_responses_total{class=\"4xx\"}"),
            Some(2.0)
        );
        assert_eq!(
            value(&text, "viva_http_responses_total{class=\"5xx\"}"),
            Some(0.0)
        );
        let route = "method=\"GET\",route=\"/api/interviews/{id}\"";
        let bucket = |le: &str| {
            value(
                &text,
                &format!("viva_http_request_duration_seconds_bucket{{{route},le=\"{le}\"}}"),
            )
        };
        assert_eq!(bucket("0.005"), Some(1.0), "{text}");
        assert_eq!(bucket("0.05"), Some(2.0), "{text}");
        assert_eq!(
            value(
                &text,
                &format!("viva_http_request_duration_seconds_count{{{route}}}")
            ),
            Some(2.0)
        );
        assert!(
            text.contains("method=\"other\",route=\"<unmatched>\""),
            "an unknown method is labelled other: {text}"
        );
        assert!(!text.contains("BREW"));
    }

    #[test]
    fn webhook_events_are_bounded_and_every_series_is_present_from_the_start() {
        let m = Metrics::new();
        m.record_webhook("room_finished", false);
        m.record_webhook("room_finished", true);
        m.record_webhook("something_new", false);
        let text = m.render();
        let processed = |e: &str| {
            value(
                &text,
                &format!("viva_webhooks_processed_total{{event=\"{e}\"}}"),
            )
        };
        assert_eq!(processed("room_finished"), Some(1.0));
        assert_eq!(processed("other"), Some(1.0));
        assert_eq!(processed("participant_joined"), Some(0.0));
        assert_eq!(
            value(
                &text,
                "viva_webhooks_repeated_total{event=\"room_finished\"}"
            ),
            Some(1.0)
        );
        assert_eq!(value(&text, "viva_logins_failed_total"), Some(0.0));
        assert!(text.contains("# HELP viva_logins_failed_total Failed sign-in attempts."));
    }
}
