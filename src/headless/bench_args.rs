//! Command-line arguments of `bench` (the load test, PRODUCT §7).

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::change_args::ConfirmArgs;
use crate::ops::bench::plan::DEFAULT_MIN_SAMPLE;
use crate::ops::bench::{BenchPlan, Guards, Mode};

/// `30s`, `2m`, `500ms`, `1m30s`; `0` for none.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    if text.trim() == "0" {
        return Ok(Duration::ZERO);
    }
    crate::ops::canary::parse_duration(text).map(|ms| Duration::from_millis(ms.max(0) as u64))
}

#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// Endpoint name.
    pub endpoint: String,
    /// Closed loop: N connections, each sending when its previous answer arrived.
    #[arg(
        long,
        value_name = "N",
        conflicts_with = "rate",
        required_unless_present = "rate"
    )]
    pub concurrency: Option<usize>,
    /// Open loop: R requests per second on a fixed schedule; latency counts from each
    /// request's scheduled time (coordinated omission corrected), raw latency beside it.
    #[arg(long, value_name = "R")]
    pub rate: Option<f64>,
    /// Open loop: connections the schedule is spread over (default: a tenth of the rate, at
    /// least 4).
    #[arg(long, value_name = "N", requires = "rate")]
    pub connections: Option<usize>,
    /// How long to measure (after the warm-up), e.g. 30s, 2m.
    #[arg(long, value_name = "TIME", value_parser = parse_duration, required_unless_present = "requests")]
    pub duration: Option<Duration>,
    /// How many requests to measure (after the warm-up); with --duration, whichever comes first.
    #[arg(long, value_name = "N")]
    pub requests: Option<u64>,
    /// Requests sent first and not counted (connections, caches, autoscaling settle).
    #[arg(long, value_name = "TIME", value_parser = parse_duration, default_value = "1s")]
    pub warmup: Duration,
    /// A request without an answer by then counts as a timeout.
    #[arg(long, value_name = "TIME", value_parser = parse_duration, default_value = "30s")]
    pub timeout: Duration,
    /// Stop early and fail (exit 7) when the p99 latency crosses MS milliseconds.
    #[arg(long, value_name = "MS")]
    pub slo_p99: Option<f64>,
    /// Stop early and fail (exit 7) when the share of failed requests crosses R (0–1).
    #[arg(long, value_name = "R")]
    pub max_error_rate: Option<f64>,
    /// Measured requests before a guard may stop the test.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MIN_SAMPLE)]
    pub min_sample: u64,
    /// The payload: a JSON file with one of dataframe_split, dataframe_records, instances or
    /// inputs (without it and --data-lines: the endpoint's OpenAPI example request).
    #[arg(long, value_name = "FILE", conflicts_with = "data_lines")]
    pub data: Option<PathBuf>,
    /// Many payloads, one JSON document per line, sent in turn.
    #[arg(long, value_name = "FILE")]
    pub data_lines: Option<PathBuf>,
    /// Run although a canary plan on the endpoint is judging (the test will skew its verdict).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

impl BenchArgs {
    pub fn plan(&self) -> BenchPlan {
        let mode = match (self.rate, self.concurrency) {
            (Some(rate), _) => Mode::Open {
                rate,
                connections: self
                    .connections
                    .unwrap_or_else(|| Mode::default_connections(rate)),
            },
            (None, c) => Mode::Closed {
                concurrency: c.unwrap_or(1),
            },
        };
        BenchPlan {
            endpoint: self.endpoint.clone(),
            mode,
            duration: self.duration,
            requests: self.requests,
            warmup: self.warmup,
            timeout: self.timeout,
            guards: Guards {
                slo_p99_ms: self.slo_p99,
                max_error_rate: self.max_error_rate,
                min_sample: self.min_sample,
            },
        }
    }
}
