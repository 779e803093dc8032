//! Live numbers per served entity from the serving `…/metrics` scrapes (reference §6.3):
//! requests/s and 4xx/5xx rates from counter deltas between two scrapes, and latency
//! percentiles from histogram bucket deltas.
//!
//! * A scrape becomes a [`Snapshot`]: cumulative counters per served entity. Series are grouped
//!   by the first entity label present ([`ENTITY_LABELS`]); every other label (replica, status…)
//!   is summed away, gauges are averaged. Series with no entity label belong to `""` (the whole
//!   endpoint).
//! * Two snapshots give an [`EntityWindow`] per entity. Counters only grow, so a decrease means
//!   the entity restarted: then, as Prometheus' `increase()` does, the newer value is the whole
//!   increase (for every counter of that entity at once, since they restart together).
//! * Percentiles follow Prometheus' `histogram_quantile` (`promql/quantile.go`, `bucketQuantile`):
//!   find the bucket holding rank `q·n` and interpolate linearly inside it, assuming the first
//!   bucket starts at 0 and answering the highest finite bound when the rank falls in `+Inf`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::prometheus::Exposition;

/// Labels that name the served entity, in order of preference.
pub const ENTITY_LABELS: &[&str] = &["served_entity_name", "served_model_name", "entity_name"];

pub const REQUESTS: &str = "request_count_total";
pub const ERRORS_4XX: &str = "request_4xx_count_total";
pub const ERRORS_5XX: &str = "request_5xx_count_total";
pub const LATENCY: &str = "request_latency_ms";
const LATENCY_BUCKET: &str = "request_latency_ms_bucket";
const LATENCY_SUM: &str = "request_latency_ms_sum";
const LATENCY_COUNT: &str = "request_latency_ms_count";
pub const CPU: &str = "cpu_usage_percentage";
pub const MEMORY: &str = "mem_usage_percentage";
pub const CONCURRENCY: &str = "provisioned_concurrent_requests_total";

/// One cumulative histogram bucket: observations `≤ le`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    #[serde(with = "le_text")]
    pub le: f64,
    pub count: f64,
}

/// `le` as JSON: a number, or `"+Inf"`, `"-Inf"`, `"NaN"` as Prometheus writes them (JSON has
/// none of these).
mod le_text {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Infinite bounds as Prometheus writes them (JSON has no infinity).
    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_nan() {
            s.serialize_str("NaN")
        } else if *v == f64::INFINITY {
            s.serialize_str("+Inf")
        } else if *v == f64::NEG_INFINITY {
            s.serialize_str("-Inf")
        } else {
            s.serialize_f64(*v)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Le {
            Number(f64),
            Text(String),
        }
        // A NaN bound orders nothing (scrapes skip it), so saved state never holds one.
        match Le::deserialize(d)? {
            Le::Number(n) => Ok(n),
            Le::Text(t) => t
                .parse::<f64>()
                .ok()
                .filter(|n| !n.is_nan())
                .ok_or_else(|| serde::de::Error::custom(format!("bad bucket bound {t:?}"))),
        }
    }
}

/// Cumulative counters of one served entity in one scrape.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EntityCounters {
    pub requests: f64,
    pub errors_4xx: f64,
    pub errors_5xx: f64,
    /// Sorted by `le`, ending with `+Inf` when the scrape had one.
    pub latency_buckets: Vec<Bucket>,
    pub latency_sum: f64,
    pub latency_count: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_percent: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mem_percent: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioned_concurrency: Option<f64>,
}

/// One scrape, per served entity, taken at `at_ms` (the reader's clock).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub at_ms: i64,
    pub entities: BTreeMap<String, EntityCounters>,
}

#[derive(Default)]
struct GaugeSum {
    sum: f64,
    n: f64,
}

impl GaugeSum {
    fn add(&mut self, v: f64) {
        if v.is_finite() {
            self.sum += v;
            self.n += 1.0;
        }
    }

    fn mean(&self) -> Option<f64> {
        (self.n > 0.0).then(|| self.sum / self.n)
    }
}

#[derive(Default)]
struct Acc {
    c: EntityCounters,
    buckets: BTreeMap<u64, Bucket>,
    cpu: GaugeSum,
    mem: GaugeSum,
    conc: GaugeSum,
}

/// `x`, or 0 when it is NaN or infinite.
fn finite(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

/// Orders bucket bounds as map keys (total order on the bit pattern of non-negative floats).
fn le_key(le: f64) -> u64 {
    if le < 0.0 { 0 } else { le.to_bits() }
}

impl Snapshot {
    /// Groups a parsed scrape by served entity. Unknown metrics are ignored; NaN and infinite
    /// counters (and sums that overflow) count as absent, so a snapshot always saves as JSON
    /// and reads back the same.
    pub fn from_exposition(e: &Exposition, at_ms: i64) -> Snapshot {
        let mut acc: BTreeMap<String, Acc> = BTreeMap::new();
        for s in &e.samples {
            let entity = ENTITY_LABELS
                .iter()
                .find_map(|l| s.labels.get(l))
                .unwrap_or("")
                .to_string();
            let v = finite(s.value);
            let a = acc.entry(entity).or_default();
            match s.name.as_str() {
                REQUESTS => a.c.requests += v,
                ERRORS_4XX => a.c.errors_4xx += v,
                ERRORS_5XX => a.c.errors_5xx += v,
                CPU => a.cpu.add(s.value),
                MEMORY => a.mem.add(s.value),
                CONCURRENCY => a.conc.add(s.value),
                LATENCY_SUM => a.c.latency_sum += v,
                LATENCY_COUNT => a.c.latency_count += v,
                LATENCY_BUCKET => {
                    let Some(le) = s.labels.get("le").and_then(|l| l.parse::<f64>().ok()) else {
                        continue;
                    };
                    if le.is_nan() {
                        continue;
                    }
                    a.buckets
                        .entry(le_key(le))
                        .or_insert(Bucket { le, count: 0.0 })
                        .count += v;
                }
                _ => {}
            }
        }
        let entities = acc
            .into_iter()
            .map(|(name, mut a)| {
                let mut buckets: Vec<Bucket> = a.buckets.into_values().collect();
                buckets.sort_by(|x, y| x.le.total_cmp(&y.le));
                for b in &mut buckets {
                    b.count = finite(b.count);
                }
                let c = &mut a.c;
                for x in [
                    &mut c.requests,
                    &mut c.errors_4xx,
                    &mut c.errors_5xx,
                    &mut c.latency_sum,
                    &mut c.latency_count,
                ] {
                    *x = finite(*x);
                }
                a.c.latency_buckets = buckets;
                a.c.cpu_percent = a.cpu.mean();
                a.c.mem_percent = a.mem.mean();
                a.c.provisioned_concurrency = a.conc.mean();
                (name, a.c)
            })
            .collect();
        Snapshot { at_ms, entities }
    }
}

/// Latency percentiles of a window, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Percentiles {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    /// `sum / count` of the window.
    pub mean: f64,
}

/// What one served entity did between two scrapes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityWindow {
    pub entity: String,
    pub seconds: f64,
    pub requests: f64,
    pub errors_4xx: f64,
    pub errors_5xx: f64,
    pub requests_per_s: f64,
    pub errors_4xx_per_s: f64,
    pub errors_5xx_per_s: f64,
    /// Fractions of the window's requests (0 when there were none).
    pub ratio_4xx: f64,
    pub ratio_5xx: f64,
    pub latency: Option<Percentiles>,
    /// Bucket deltas of the window (cumulative within the window).
    pub latency_buckets: Vec<Bucket>,
    /// The counters went down: the entity restarted and the window counts from the restart.
    pub reset: bool,
    pub cpu_percent: Option<f64>,
    pub mem_percent: Option<f64>,
}

fn went_down(prev: &EntityCounters, curr: &EntityCounters) -> bool {
    let scalar = curr.requests < prev.requests
        || curr.errors_4xx < prev.errors_4xx
        || curr.errors_5xx < prev.errors_5xx
        || curr.latency_count < prev.latency_count;
    let same_bounds = prev.latency_buckets.len() == curr.latency_buckets.len()
        && prev
            .latency_buckets
            .iter()
            .zip(&curr.latency_buckets)
            .all(|(a, b)| a.le == b.le);
    let bucket = !same_bounds
        || prev
            .latency_buckets
            .iter()
            .zip(&curr.latency_buckets)
            .any(|(a, b)| b.count < a.count);
    scalar || (bucket && !prev.latency_buckets.is_empty())
}

/// The window from `prev` to `curr` of one entity (`prev = None`: everything since it started).
pub fn window(
    entity: &str,
    prev: Option<&EntityCounters>,
    curr: &EntityCounters,
    seconds: f64,
) -> EntityWindow {
    let reset = prev.is_some_and(|p| went_down(p, curr));
    let base = match prev {
        Some(p) if !reset => p.clone(),
        _ => EntityCounters::default(),
    };
    let requests = curr.requests - base.requests;
    let errors_4xx = curr.errors_4xx - base.errors_4xx;
    let errors_5xx = curr.errors_5xx - base.errors_5xx;
    let latency_buckets: Vec<Bucket> = curr
        .latency_buckets
        .iter()
        .enumerate()
        .map(|(i, b)| Bucket {
            le: b.le,
            count: b.count - base.latency_buckets.get(i).map_or(0.0, |p| p.count),
        })
        .collect();
    let count = curr.latency_count - base.latency_count;
    let sum = curr.latency_sum - base.latency_sum;
    let latency = match (
        histogram_quantile(0.5, &latency_buckets),
        histogram_quantile(0.9, &latency_buckets),
        histogram_quantile(0.99, &latency_buckets),
    ) {
        (Some(p50), Some(p90), Some(p99)) => Some(Percentiles {
            p50,
            p90,
            p99,
            mean: if count > 0.0 { sum / count } else { f64::NAN },
        }),
        _ => None,
    };
    let per_s = |x: f64| if seconds > 0.0 { x / seconds } else { 0.0 };
    let ratio = |x: f64| if requests > 0.0 { x / requests } else { 0.0 };
    EntityWindow {
        entity: entity.to_string(),
        seconds,
        requests,
        errors_4xx,
        errors_5xx,
        requests_per_s: per_s(requests),
        errors_4xx_per_s: per_s(errors_4xx),
        errors_5xx_per_s: per_s(errors_5xx),
        ratio_4xx: ratio(errors_4xx),
        ratio_5xx: ratio(errors_5xx),
        latency,
        latency_buckets,
        reset,
        cpu_percent: curr.cpu_percent,
        mem_percent: curr.mem_percent,
    }
}

/// A window for every entity of `curr` (entities new since `prev` count from zero).
pub fn windows(prev: &Snapshot, curr: &Snapshot) -> Vec<EntityWindow> {
    let seconds = (curr.at_ms - prev.at_ms) as f64 / 1000.0;
    curr.entities
        .iter()
        .map(|(name, c)| window(name, prev.entities.get(name), c, seconds))
        .collect()
}

/// The `q`-quantile of cumulative buckets, as Prometheus' `histogram_quantile` computes it;
/// `None` when there are no observations, fewer than two buckets, or no `+Inf` bucket.
/// Counts that decrease from one bucket to the next (a scrape torn between updates) are
/// raised to stay monotonic, as Prometheus does.
pub fn histogram_quantile(q: f64, buckets: &[Bucket]) -> Option<f64> {
    if q.is_nan() || buckets.len() < 2 || !buckets.last()?.le.is_infinite() {
        return None;
    }
    if q < 0.0 {
        return Some(f64::NEG_INFINITY);
    }
    if q > 1.0 {
        return Some(f64::INFINITY);
    }
    let mut counts: Vec<f64> = buckets.iter().map(|b| b.count.max(0.0)).collect();
    for i in 1..counts.len() {
        counts[i] = counts[i].max(counts[i - 1]);
    }
    let total = *counts.last()?;
    if total <= 0.0 {
        return None;
    }
    let mut rank = q * total;
    let b = counts.iter().position(|&c| c >= rank)?;
    if b == buckets.len() - 1 {
        return Some(buckets[b - 1].le);
    }
    if b == 0 && buckets[0].le <= 0.0 {
        return Some(buckets[0].le);
    }
    let (start, mut count) = if b == 0 {
        (0.0, counts[0])
    } else {
        rank -= counts[b - 1];
        (buckets[b - 1].le, counts[b] - counts[b - 1])
    };
    if count <= 0.0 {
        count = 1.0;
    }
    Some(start + (buckets[b].le - start) * (rank / count))
}

/// A distribution-free lower confidence bound of the `q`-quantile from `n` observations: the
/// quantile at rank `q − z·√(q(1−q)/n)` (normal approximation to the binomial count of
/// observations below the true quantile; e.g. Conover, "Practical Nonparametric Statistics",
/// §3.2). Used so that a latency guard fails only when even this bound breaks it.
pub fn quantile_lower_bound(q: f64, buckets: &[Bucket], z: f64) -> Option<f64> {
    let n = buckets.last()?.count;
    if n <= 0.0 {
        return None;
    }
    let lowered = (q - z * (q * (1.0 - q) / n).sqrt()).max(0.0);
    histogram_quantile(lowered, buckets)
}

#[cfg(test)]
mod tests;
