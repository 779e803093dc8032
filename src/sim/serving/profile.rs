//! How each served entity behaves: latency (log-normal, median and shape), 4xx/5xx rates and
//! resource gauges, by model, version and traffic share (PRODUCT §9, issue 5 §8):
//!
//! * `churn_model` v4 (champion): the healthy baseline.
//! * `churn_model` v5 (challenger): slightly slower (median +6%), healthy.
//! * Any other `churn_model` version (what `churn-retrain` registers) follows its [`Build`]:
//!   a normal one (the job's default 350 trees of depth 6) is healthy at every share, like v5,
//!   so a canary promotes it and the demo loop closes. A *heavy* one (trained with an oversized
//!   grid, more than 2.5× the champion's trees × depth) is fine at small shares, but above 20%
//!   of the traffic its Small replica saturates: 5xx rise past 6% and latency more than
//!   doubles, so a canary of it fails its guards and rolls back.
//!
//! Also the small seeded random generator the traffic and invocations draw from: SplitMix64,
//! seeded per (endpoint, tick) or per request number so results never depend on timing.

use crate::ops::stats::normal_cdf;

use super::build::Build;

/// Latency histogram bounds in milliseconds (`le`), finest where the seeded models answer.
pub(crate) const BOUNDS_MS: &[f64] = &[
    1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 12.0, 14.0, 16.0, 18.0, 20.0, 22.0, 24.0,
    26.0, 28.0, 30.0, 33.0, 36.0, 40.0, 45.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0, 125.0, 150.0,
    175.0, 200.0, 250.0, 300.0, 400.0, 500.0, 750.0, 1000.0, 2500.0, 5000.0, 10000.0,
];
/// Buckets including `+Inf`.
pub(crate) const BUCKETS: usize = 44;

/// One entity's behaviour at a given traffic share.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Profile {
    pub median_ms: f64,
    /// Shape of the log-normal (σ of ln latency).
    pub sigma: f64,
    /// Share of requests answered 4xx (bad client payloads) in background traffic.
    pub p4xx: f64,
    pub p5xx: f64,
    /// CPU and memory use at this load, percent.
    pub cpu: f64,
    pub mem: f64,
}

impl Profile {
    /// Which bucket a latency falls in.
    pub fn bucket_of(ms: f64) -> usize {
        BOUNDS_MS.partition_point(|b| *b < ms)
    }

    /// P(latency ≤ `ms`) under this profile.
    fn cdf(&self, ms: f64) -> f64 {
        normal_cdf((ms / self.median_ms).ln() / self.sigma)
    }

    /// Probability mass of each bucket (summing to 1).
    pub fn bucket_masses(&self) -> [f64; BUCKETS] {
        let mut out = [0.0; BUCKETS];
        let mut below = 0.0;
        for (i, b) in BOUNDS_MS.iter().enumerate() {
            let c = self.cdf(*b);
            out[i] = (c - below).max(0.0);
            below = c;
        }
        out[BUCKETS - 1] = (1.0 - below).max(0.0);
        out
    }

    /// A latency drawn from the log-normal.
    pub fn sample_ms(&self, rng: &mut Rng) -> f64 {
        self.median_ms * (self.sigma * rng.normal()).exp()
    }

    /// The log-normal mean, `median · e^(σ²/2)`.
    pub fn mean_ms(&self) -> f64 {
        self.median_ms * (self.sigma * self.sigma / 2.0).exp()
    }
}

/// The profile of `entity_name` version `version` (built as `build`) carrying `share` (0–1) of
/// the traffic.
pub(crate) fn profile(entity_name: &str, version: &str, build: Build, share: f64) -> Profile {
    let v: i64 = version.trim().parse().unwrap_or(0);
    let base = Profile {
        median_ms: 25.0,
        sigma: 0.3,
        p4xx: 0.003,
        p5xx: 0.0005,
        cpu: 8.0,
        mem: 41.0,
    };
    if entity_name.ends_with("churn_model") {
        return match v {
            4 => Profile {
                median_ms: 16.0,
                sigma: 0.25,
                cpu: 12.0 + 30.0 * share,
                mem: 38.0,
                ..base
            },
            5 => Profile {
                median_ms: 17.0,
                sigma: 0.25,
                p5xx: 0.0008,
                cpu: 13.0 + 32.0 * share,
                mem: 40.0,
                ..base
            },
            _ if build.heavy() && share <= 0.2 => Profile {
                median_ms: 18.0,
                sigma: 0.27,
                p5xx: 0.002,
                cpu: 14.0 + 40.0 * share,
                mem: 44.0,
                ..base
            },
            _ if build.heavy() => {
                // Load past the replicas' capacity: queueing and worker timeouts.
                let load = ((share - 0.2) / 0.8).clamp(0.0, 1.0);
                Profile {
                    median_ms: 18.0 * (2.2 + 2.0 * load),
                    sigma: 0.45,
                    p5xx: 0.06 + 0.22 * load,
                    cpu: 88.0 + 10.0 * load,
                    mem: 78.0 + 15.0 * load,
                    ..base
                }
            }
            // A normal retrain: the same model class as v5, as fast.
            _ => Profile {
                median_ms: 17.0,
                sigma: 0.25,
                p5xx: 0.0008,
                cpu: 13.0 + 32.0 * share,
                mem: 40.0,
                ..base
            },
        };
    }
    if entity_name.contains("fraud") {
        return Profile {
            median_ms: 9.0,
            sigma: 0.3,
            cpu: 5.0 + 20.0 * share,
            mem: 33.0,
            ..base
        };
    }
    base
}

/// Provisioned concurrency of a workload size (reference §6.1).
pub(crate) fn concurrency(workload_size: &str) -> f64 {
    match workload_size {
        "Medium" => 16.0,
        "Large" => 64.0,
        _ => 4.0,
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast, and good enough for simulated traffic.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

/// One SplitMix64 output for `x` (also a good 64-bit mixer for building seeds).
pub(crate) fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A stable 64-bit hash of a name (FNV-1a), for per-endpoint seeds.
pub(crate) fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
    })
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(mix(seed))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Poisson(λ): Knuth's product method for small λ, a rounded normal above 30.
    pub fn poisson(&mut self, lambda: f64) -> u64 {
        if lambda <= 0.0 {
            return 0;
        }
        if lambda > 30.0 {
            return (lambda + lambda.sqrt() * self.normal()).round().max(0.0) as u64;
        }
        let limit = (-lambda).exp();
        let mut k = 0;
        let mut p = self.uniform();
        while p > limit {
            k += 1;
            p *= self.uniform();
        }
        k
    }

    /// Binomial(n, p): direct draws for small n, a rounded, clamped normal otherwise.
    pub fn binomial(&mut self, n: u64, p: f64) -> u64 {
        if n == 0 || p <= 0.0 {
            return 0;
        }
        if p >= 1.0 {
            return n;
        }
        if n <= 64 {
            return (0..n).filter(|_| self.uniform() < p).count() as u64;
        }
        let mean = n as f64 * p;
        let sd = (mean * (1.0 - p)).sqrt();
        (mean + sd * self.normal()).round().clamp(0.0, n as f64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_cover_every_latency() {
        assert_eq!(BOUNDS_MS.len() + 1, BUCKETS);
        assert_eq!(Profile::bucket_of(0.5), 0);
        assert_eq!(Profile::bucket_of(1.0), 0, "le is inclusive");
        assert_eq!(Profile::bucket_of(1.5), 1);
        assert_eq!(Profile::bucket_of(1e9), BUCKETS - 1);
        let p = profile("main.ml.churn_model", "4", Build::default(), 0.9);
        let total: f64 = p.bucket_masses().iter().sum();
        assert!((total - 1.0).abs() < 1e-12);
    }

    #[test]
    fn the_story_profiles_hold() {
        let none = Build::default();
        let v4 = profile("main.ml.churn_model", "4", none, 0.9);
        let v5 = profile("main.ml.churn_model", "5", none, 0.1);
        assert!(v5.median_ms > v4.median_ms && v5.median_ms < v4.median_ms * 1.1);
        assert!(v5.p5xx < 0.001);
        let heavy = Build::from_params(Some("800"), Some("8"));
        let quiet = profile("main.ml.churn_model", "6", heavy, 0.05);
        let loaded = profile("main.ml.churn_model", "6", heavy, 0.25);
        assert!(quiet.p5xx < 0.005);
        assert!(loaded.p5xx > 0.05, "errors rise past 5% above 20% traffic");
        assert!(loaded.median_ms > 2.0 * quiet.median_ms);
        assert!(profile("main.ml.churn_model", "7", heavy, 0.5).p5xx > 0.05);
    }

    #[test]
    fn a_normal_retrain_is_healthy_at_every_share_whatever_its_number() {
        let normal = Build::from_params(Some("350"), Some("6"));
        let v4 = profile("main.ml.churn_model", "4", Build::default(), 0.9);
        for version in ["6", "7", "12"] {
            let full = profile("main.ml.churn_model", version, normal, 1.0);
            assert!(full.p5xx < 0.001, "{version}: {full:?}");
            assert!(full.median_ms < v4.median_ms * 1.1, "{version}: {full:?}");
        }
    }

    #[test]
    fn rng_is_seeded_and_distributions_are_sane() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        assert_eq!(a.next_u64(), b.next_u64());
        let mut r = Rng::new(1);
        let n = 20_000;
        let mean: f64 = (0..n).map(|_| r.normal()).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.05);
        let pois: u64 = (0..1000).map(|_| r.poisson(5.0)).sum();
        assert!((4500..5500).contains(&pois), "{pois}");
        assert_eq!(r.binomial(100, 0.0), 0);
        assert_eq!(r.binomial(100, 1.0), 100);
        let big = r.binomial(1_000_000, 0.01);
        assert!((9_500..10_500).contains(&big), "{big}");
    }
}
