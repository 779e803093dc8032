//! What a load test measured, as the live [`Snapshot`] and the final [`BenchResult`] (the
//! `--json` document, whose JSON Schema is `schemas/bench.schema.json`).

use std::collections::BTreeMap;

use hdrhistogram::Histogram;
use serde::Serialize;

use super::plan::{BenchPlan, Mode};
use super::recorder::{FailKind, Recorder};
use super::verdict::{StopReason, Verdict, verdict};

/// Identifies the JSON document and its version.
pub const SCHEMA_ID: &str = "mlops-console/bench/v1";

/// Latency percentiles in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Percentiles {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub p99_9: f64,
    pub max: f64,
    pub mean: f64,
}

impl Percentiles {
    pub fn of(h: &Histogram<u64>) -> Percentiles {
        if h.is_empty() {
            return Percentiles::default();
        }
        let ms = |us: u64| us as f64 / 1000.0;
        Percentiles {
            p50: ms(h.value_at_quantile(0.50)),
            p90: ms(h.value_at_quantile(0.90)),
            p99: ms(h.value_at_quantile(0.99)),
            p99_9: ms(h.value_at_quantile(0.999)),
            max: ms(h.max()),
            mean: h.mean() / 1000.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Latency {
    /// From the scheduled send time (open loop; coordinated omission corrected). In a closed
    /// loop there is no schedule and it equals `raw`.
    pub corrected: Percentiles,
    /// From the actual send time.
    pub raw: Percentiles,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Counts {
    pub completed: u64,
    pub ok: u64,
    pub errors: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rates {
    pub achieved: f64,
    pub target: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Errors {
    /// errors / completed (0 when nothing completed).
    pub rate: f64,
    /// Answers outside 2xx, by HTTP status (as text keys: JSON objects have string keys).
    pub by_status: BTreeMap<String, u64>,
    /// Requests without an answer, by why: timeout, connect, reset, other.
    pub by_kind: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityResult {
    pub name: String,
    pub requests: u64,
    pub errors: u64,
    /// Share of the answered requests this entity answered, 0–1.
    pub share: f64,
    pub latency_ms: Percentiles,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecondResult {
    pub second: usize,
    pub requests: u64,
    pub errors: u64,
    pub mean_ms: f64,
    pub max_ms: f64,
}

/// Whether the generator kept its schedule (open loop): a late send is client-side queueing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Schedule {
    /// Requests sent more than 1 ms after they were due.
    pub late_sends: u64,
    pub max_lag_ms: f64,
}

/// The whole result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchResult {
    pub schema: &'static str,
    pub endpoint: String,
    /// Set by the caller: the profile and host the test ran against.
    pub profile: Option<String>,
    pub host: Option<String>,
    /// The audit journal id of the test (set by the caller once journaled).
    pub journal_id: Option<String>,
    pub mode: Mode,
    pub connections: usize,
    pub warmup_secs: f64,
    pub measured_secs: f64,
    pub requests: Counts,
    pub rps: Rates,
    pub latency_ms: Latency,
    pub errors: Errors,
    pub entities: Vec<EntityResult>,
    pub series: Vec<SecondResult>,
    pub schedule: Schedule,
    pub verdict: Verdict,
    /// Anything else worth knowing (a test that ended abnormally).
    pub note: Option<String>,
}

fn series(r: &Recorder) -> Vec<SecondResult> {
    r.seconds
        .iter()
        .enumerate()
        .map(|(i, s)| SecondResult {
            second: i,
            requests: s.requests,
            errors: s.errors,
            mean_ms: match s.requests {
                0 => 0.0,
                n => s.sum_us as f64 / n as f64 / 1000.0,
            },
            max_ms: s.max_us as f64 / 1000.0,
        })
        .collect()
}

fn errors(r: &Recorder) -> Errors {
    Errors {
        rate: super::verdict::error_rate(r),
        by_status: r
            .by_status
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect(),
        by_kind: FailKind::ALL
            .iter()
            .filter_map(|k| r.by_kind.get(k).map(|v| (k.as_str().to_string(), *v)))
            .collect(),
    }
}

fn entities(r: &Recorder) -> Vec<EntityResult> {
    let answered: u64 = r.entities.iter().map(|(_, e)| e.requests).sum();
    let mut out: Vec<EntityResult> = r
        .entities
        .iter()
        .map(|(name, e)| EntityResult {
            name: String::from_utf8_lossy(name).into_owned(),
            requests: e.requests,
            errors: e.errors,
            share: e.requests as f64 / answered.max(1) as f64,
            latency_ms: Percentiles::of(&e.latency),
        })
        .collect();
    out.sort_by(|a, b| b.requests.cmp(&a.requests).then(a.name.cmp(&b.name)));
    out
}

impl BenchResult {
    pub fn build(
        plan: &BenchPlan,
        r: &Recorder,
        measured_secs: f64,
        stop: Option<StopReason>,
    ) -> BenchResult {
        BenchResult {
            schema: SCHEMA_ID,
            endpoint: plan.endpoint.clone(),
            profile: None,
            host: None,
            journal_id: None,
            mode: plan.mode,
            connections: plan.mode.connections(),
            warmup_secs: plan.warmup.as_secs_f64(),
            measured_secs,
            requests: Counts::of(r),
            rps: Rates::of(plan, r, measured_secs),
            latency_ms: Latency::of(r),
            errors: errors(r),
            entities: entities(r),
            series: series(r),
            schedule: Schedule {
                late_sends: r.late_sends,
                max_lag_ms: r.max_lag_us as f64 / 1000.0,
            },
            verdict: verdict(&plan.guards, r, stop),
            note: None,
        }
    }
}

fn achieved(r: &Recorder, secs: f64) -> f64 {
    if secs > 0.0 {
        r.completed() as f64 / secs
    } else {
        0.0
    }
}

impl Counts {
    fn of(r: &Recorder) -> Counts {
        Counts {
            completed: r.completed(),
            ok: r.ok,
            errors: r.errors(),
        }
    }
}

impl Rates {
    fn of(plan: &BenchPlan, r: &Recorder, measured_secs: f64) -> Rates {
        Rates {
            achieved: achieved(r, measured_secs),
            target: plan.mode.target_rate(),
        }
    }
}

impl Latency {
    fn of(r: &Recorder) -> Latency {
        Latency {
            corrected: Percentiles::of(&r.corrected),
            raw: Percentiles::of(&r.raw),
        }
    }
}

/// What a running test has measured so far (the TUI panel reads it a few times a second).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    /// Still in the warm-up: nothing is counted yet.
    pub warming_up: bool,
    pub measured_secs: f64,
    pub requests: Counts,
    pub rps: Rates,
    pub latency_ms: Latency,
    pub errors: Errors,
    pub entities: Vec<EntityResult>,
    pub series: Vec<SecondResult>,
    /// The corrected latencies counted into [`BUCKET_BOUNDS_MS`] (the panel's histogram).
    pub histogram: Vec<Bucket>,
}

/// Upper bounds (ms) of the latency histogram's buckets; a last bucket holds what is above.
pub const BUCKET_BOUNDS_MS: [f64; 12] = [
    1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0,
];

/// One bar of the latency histogram: requests whose latency is at most `upto_ms` (and above
/// the previous bucket's bound); `None` is the bucket above the last bound.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bucket {
    pub upto_ms: Option<f64>,
    pub count: u64,
}

/// `h` counted into the buckets, from the first non-empty bucket to the last one.
pub fn buckets(h: &Histogram<u64>) -> Vec<Bucket> {
    let mut counts = [0u64; BUCKET_BOUNDS_MS.len() + 1];
    for v in h.iter_recorded() {
        let ms = v.value_iterated_to() as f64 / 1000.0;
        let i = BUCKET_BOUNDS_MS
            .iter()
            .position(|b| ms <= *b)
            .unwrap_or(BUCKET_BOUNDS_MS.len());
        counts[i] += v.count_at_value();
    }
    let (Some(first), Some(last)) = (
        counts.iter().position(|c| *c > 0),
        counts.iter().rposition(|c| *c > 0),
    ) else {
        return Vec::new();
    };
    (first..=last)
        .map(|i| Bucket {
            upto_ms: BUCKET_BOUNDS_MS.get(i).copied(),
            count: counts[i],
        })
        .collect()
}

impl Snapshot {
    pub fn of(plan: &BenchPlan, r: &Recorder, measured_secs: f64, warming_up: bool) -> Snapshot {
        Snapshot {
            warming_up,
            measured_secs,
            requests: Counts::of(r),
            rps: Rates::of(plan, r, measured_secs),
            latency_ms: Latency::of(r),
            errors: errors(r),
            entities: entities(r),
            series: series(r),
            histogram: buckets(&r.corrected),
        }
    }

    /// One progress line: `12.0 s  9987 req  1000.1 req/s  p50 16.2  p99 29.8 ms  errors 3`.
    pub fn line(&self) -> String {
        if self.warming_up {
            return "warming up…".to_string();
        }
        let l = &self.latency_ms.corrected;
        format!(
            "{:5.1} s  {} req  {:.1} req/s  p50 {:.1}  p90 {:.1}  p99 {:.1} ms  errors {}",
            self.measured_secs,
            self.requests.completed,
            self.rps.achieved,
            l.p50,
            l.p90,
            l.p99,
            self.requests.errors
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_count_each_latency_once_from_the_first_to_the_last_non_empty() {
        let mut h = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).unwrap();
        for us in [3_000, 4_000, 15_000, 15_000, 7_000_000] {
            h.record(us).unwrap();
        }
        let b = buckets(&h);
        let got: Vec<(Option<f64>, u64)> = b.iter().map(|b| (b.upto_ms, b.count)).collect();
        assert_eq!(
            got,
            [
                (Some(5.0), 2),
                (Some(10.0), 0),
                (Some(20.0), 2),
                (Some(50.0), 0),
                (Some(100.0), 0),
                (Some(200.0), 0),
                (Some(500.0), 0),
                (Some(1000.0), 0),
                (Some(2000.0), 0),
                (Some(5000.0), 0),
                (None, 1),
            ]
        );
        assert!(buckets(&Histogram::<u64>::new(3).unwrap()).is_empty());
    }
}
