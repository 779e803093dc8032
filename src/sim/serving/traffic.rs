//! Background traffic: the requests the simulated world sends to its endpoints, synthesised per
//! one-second tick of the simulator's clock (no HTTP) and added to the entities' counters.
//!
//! Each tick draws its randomness from a generator seeded by (seed, endpoint, tick number), so
//! the counters are a function of the clock alone: a test that advances a manual clock sees the
//! same numbers however often (or rarely) the world was looked at in between. Gaps longer than
//! a quarter of an hour are filled in one-minute chunks.

use super::profile::{BUCKETS, Profile, Rng};
use super::runtime::{Batch, EndpointView};

pub(crate) const TICK_MS: i64 = 1_000;
/// Gaps longer than this are synthesised in [`LONG_CHUNK_MS`] chunks.
pub(crate) const LONG_GAP_MS: i64 = 15 * 60 * 1_000;
pub(crate) const LONG_CHUNK_MS: i64 = 60_000;
/// Chunks with more requests than this are drawn in aggregate rather than one by one.
const PER_REQUEST_LIMIT: u64 = 256;

/// Synthesises `seconds` of background traffic for one endpoint.
pub(crate) fn synthesize(view: &EndpointView, rng: &mut Rng, seconds: f64) {
    if !view.serving || view.base_rps <= 0.0 {
        return;
    }
    let n = rng.poisson(view.base_rps * seconds);
    if n == 0 {
        return;
    }
    let routed: Vec<(usize, f64, Profile)> = view
        .routes
        .iter()
        .map(|(_, i)| {
            let (entity, share) = &view.entities[*i];
            (*i, *share, EndpointView::profile_of(entity, *share))
        })
        .collect();
    let mut batches: Vec<Batch> = vec![Batch::default(); routed.len()];
    if n <= PER_REQUEST_LIMIT {
        for _ in 0..n {
            let Some(k) = pick(&routed, rng.uniform()) else {
                continue;
            };
            one(&mut batches[k], &routed[k].2, rng);
        }
    } else {
        let mut left = n;
        let mut share_left: f64 = routed.iter().map(|r| r.1).sum();
        for (k, (_, share, profile)) in routed.iter().enumerate() {
            let count = if k + 1 == routed.len() {
                left
            } else {
                rng.binomial(left, share / share_left)
            };
            left -= count;
            share_left -= share;
            aggregate(&mut batches[k], profile, count, rng);
        }
    }
    for (k, batch) in batches.iter().enumerate() {
        if batch.requests > 0 {
            view.entities[routed[k].0].0.counters.add(batch);
        }
    }
}

/// Which routed entity `u` (uniform in [0, 1)) lands on, by share.
fn pick(routed: &[(usize, f64, Profile)], u: f64) -> Option<usize> {
    let total: f64 = routed.iter().map(|r| r.1).sum();
    let mut at = u * total;
    for (k, r) in routed.iter().enumerate() {
        if at < r.1 {
            return Some(k);
        }
        at -= r.1;
    }
    routed.len().checked_sub(1)
}

/// One request drawn from `p` into `batch`.
fn one(batch: &mut Batch, p: &Profile, rng: &mut Rng) {
    let u = rng.uniform();
    let mut latency = p.sample_ms(rng);
    batch.requests += 1;
    if u < p.p5xx {
        batch.errors_5xx += 1;
    } else if u < p.p5xx + p.p4xx {
        // A malformed payload is refused before the model runs.
        batch.errors_4xx += 1;
        latency *= 0.15;
    }
    batch.buckets[Profile::bucket_of(latency)] += 1;
    batch.sum_ms += latency;
}

/// `n` requests drawn in aggregate: binomial error counts, and bucket counts by sequential
/// binomials over the log-normal's bucket masses (a multinomial draw).
fn aggregate(batch: &mut Batch, p: &Profile, n: u64, rng: &mut Rng) {
    if n == 0 {
        return;
    }
    batch.requests += n;
    let e5 = rng.binomial(n, p.p5xx);
    let e4 = rng.binomial(n - e5, p.p4xx / (1.0 - p.p5xx).max(1e-9));
    batch.errors_5xx += e5;
    batch.errors_4xx += e4;
    let masses = p.bucket_masses();
    let mut left = n;
    let mut mass_left = 1.0;
    for (i, mass) in masses.iter().enumerate() {
        if left == 0 {
            break;
        }
        let count = if i + 1 == BUCKETS || mass_left <= 0.0 {
            left
        } else {
            rng.binomial(left, (mass / mass_left).clamp(0.0, 1.0))
        };
        batch.buckets[i] += count;
        left -= count;
        mass_left -= mass;
    }
    batch.sum_ms += n as f64 * p.mean_ms();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregate_and_per_request_draws_agree_on_average() {
        let p = super::super::profile::profile(
            "main.ml.churn_model",
            "4",
            super::super::build::Build::default(),
            0.9,
        );
        let mut rng = Rng::new(3);
        let mut one_by_one = Batch::default();
        for _ in 0..50_000 {
            one(&mut one_by_one, &p, &mut rng);
        }
        let mut bulk = Batch::default();
        aggregate(&mut bulk, &p, 50_000, &mut rng);
        assert_eq!(bulk.requests, 50_000);
        assert_eq!(bulk.buckets.iter().sum::<u64>(), 50_000);
        let mean = |b: &Batch| b.sum_ms / b.requests as f64;
        assert!((mean(&one_by_one) / mean(&bulk) - 1.0).abs() < 0.05);
        // The median lands in the same or a neighbouring bucket either way (v4's median, 16 ms,
        // sits on a bucket bound).
        let median = |b: &Batch| {
            let mut c = 0;
            b.buckets
                .iter()
                .position(|n| {
                    c += n;
                    c * 2 >= b.requests
                })
                .unwrap()
        };
        assert!(median(&one_by_one).abs_diff(median(&bulk)) <= 1);
    }
}
