//! Statistics for canary analysis and the A/B view: the normal distribution (through an `erfc`
//! of known accuracy), Wilson score intervals, the two-proportion z-test with Newcombe's
//! hybrid-score interval for the difference, and the sample size needed to detect a difference.
//!
//! Sources of the formulas (each function cites its own):
//! * Newcombe, R. G. (1998) "Interval estimation for the difference between independent
//!   proportions: comparison of eleven methods", Statistics in Medicine 17:873–890 (method 10).
//! * Newcombe, R. G. (1998) "Two-sided confidence intervals for the single proportion:
//!   comparison of seven methods", Statistics in Medicine 17:857–872 (method 3 = Wilson 1927).
//! * Fleiss, J. L., Levin, B., Paik, M. C. (2003) "Statistical Methods for Rates and
//!   Proportions", 3rd ed., §4.2 (sample size, eqs. 4.14–4.19).
//! * Acklam, P. J. (2003) "An algorithm for computing the inverse normal cumulative
//!   distribution function" (initial guess, refined by Halley steps on our `erfc`).

use std::f64::consts::{FRAC_1_SQRT_2, PI, SQRT_2};

/// Complementary error function, `erfc(x) = 2/√π ∫ₓ^∞ e^(−t²) dt`.
///
/// * `0 ≤ x < 1`: `erf` from the series `erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1))`
///   (Abramowitz & Stegun 7.1.6; all terms positive, so no cancellation), then `1 − erf`.
/// * `x ≥ 1`: the continued fraction `erfc(x) = e^(−x²)/√π · 1/(x+ ½/(x+ 1/(x+ 3⁄2/(x+ …))))`
///   (A&S 7.1.14), evaluated with the modified Lentz method; `e^(−x²)` is split as
///   `e^(−s²)·e^(−(x−s)(x+s))` with `s` = x rounded to 1/16 so the square loses no bits.
/// * `x < 0`: `2 − erfc(−x)`.
///
/// Accuracy: relative error below 5e-15 on a 0.001 grid over −6 ≤ x ≤ 26.5 against glibc's
/// `erfc` (the tests pin 22 reference points at 1e-14); beyond 27 the true value (< 1e-318)
/// underflows and 0 is returned.
pub fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x < 1.0 {
        return 1.0 - erf_series(x);
    }
    if x > 27.0 {
        return 0.0;
    }
    let s = (x * 16.0).trunc() / 16.0;
    let gauss = (-s * s).exp() * (-(x - s) * (x + s)).exp();
    gauss / PI.sqrt() * continued_fraction(x)
}

/// `erf(x)` for small `x` by the positive-term series.
fn erf_series(x: f64) -> f64 {
    let x2 = x * x;
    let mut term = x;
    let mut sum = x;
    let mut n = 0.0;
    while term > sum * 1e-17 {
        n += 1.0;
        term *= 2.0 * x2 / (2.0 * n + 1.0);
        sum += term;
    }
    2.0 / PI.sqrt() * (-x2).exp() * sum
}

/// `1/(x+ ½/(x+ 1/(x+ 3⁄2/(x+ …))))` by the modified Lentz algorithm.
fn continued_fraction(x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let mut f = x;
    let mut c = x;
    let mut d = 0.0;
    for k in 1..5000 {
        let a = k as f64 / 2.0;
        d = x + a * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = x + a / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    1.0 / f
}

/// Standard normal CDF Φ(x) = ½·erfc(−x/√2).
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x * FRAC_1_SQRT_2)
}

/// Standard normal density φ(x).
fn normal_pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * PI).sqrt()
}

/// Φ⁻¹(p) for 0 < p < 1 (±∞ at the ends, NaN outside): Acklam's rational approximation
/// (relative error 1.15e-9) refined by two Halley steps against [`normal_cdf`], which brings it
/// to the accuracy of `erfc`.
pub fn normal_quantile(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const LOW: f64 = 0.02425;
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    let mut x = if p < LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - LOW {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    };
    for _ in 0..2 {
        // Halley's method on f(x) = Φ(x) − p; the difference is taken in the smaller tail.
        let e = if x < 0.0 {
            0.5 * erfc(-x / SQRT_2) - p
        } else {
            (1.0 - p) - 0.5 * erfc(x / SQRT_2)
        };
        let u = e / normal_pdf(x);
        x -= u / (1.0 + x * u / 2.0);
    }
    x
}

/// z for a two-sided interval at `confidence` (0.95 → 1.959964).
pub fn z_two_sided(confidence: f64) -> f64 {
    normal_quantile(0.5 + confidence / 2.0)
}

/// A closed interval.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// Wilson score interval for `x` successes in `n` trials, without continuity correction
/// (Wilson 1927; Newcombe 1998 "single proportion", method 3):
/// `(p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)`. `n = 0` gives `[0, 1]`.
pub fn wilson_interval(x: u64, n: u64, confidence: f64) -> Interval {
    if n == 0 {
        return Interval {
            low: 0.0,
            high: 1.0,
        };
    }
    let z = z_two_sided(confidence);
    let n = n as f64;
    let p = (x as f64 / n).clamp(0.0, 1.0);
    let z2 = z * z;
    let center = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Interval {
        low: (center - half).max(0.0),
        high: (center + half).min(1.0),
    }
}

/// The comparison of two error rates: group 1 (canary) against group 2 (stable).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TwoProportion {
    pub p1: f64,
    pub p2: f64,
    /// `p1 − p2`.
    pub difference: f64,
    /// Newcombe's hybrid score interval for the difference (method 10).
    pub interval: Interval,
    /// The Wald interval `d ± z·√(p1q1/n1 + p2q2/n2)`, for reference (poor with few errors).
    pub wald: Interval,
    /// The pooled z statistic for H0: p1 = p2.
    pub z: f64,
    /// Two-sided p-value of that test.
    pub p_value: f64,
    pub confidence: f64,
}

/// Two-proportion comparison of `x1/n1` against `x2/n2` at `confidence`.
///
/// * Interval: Newcombe (1998) method 10: with Wilson limits `(l1, u1)`, `(l2, u2)`,
///   `(d − √((p1−l1)² + (u2−p2)²), d + √((u1−p1)² + (p2−l2)²))`. Unlike Wald it stays sensible
///   with zero errors, the usual case for a healthy endpoint.
/// * Test: pooled z-test, `p̄ = (x1+x2)/(n1+n2)`, `z = (p1−p2)/√(p̄(1−p̄)(1/n1+1/n2))`,
///   two-sided `p = erfc(|z|/√2)` (Fleiss et al. 2003 §2.4; z² equals Pearson's χ² without
///   continuity correction).
///
/// An empty group reads as rate 0 with the widest Wilson interval; when neither group has an
/// error (or both only errors) the test has no evidence: z = 0, p = 1.
pub fn two_proportion(x1: u64, n1: u64, x2: u64, n2: u64, confidence: f64) -> TwoProportion {
    let rate = |x: u64, n: u64| {
        if n == 0 {
            0.0
        } else {
            (x as f64 / n as f64).clamp(0.0, 1.0)
        }
    };
    let (p1, p2) = (rate(x1, n1), rate(x2, n2));
    let d = p1 - p2;
    let w1 = wilson_interval(x1, n1, confidence);
    let w2 = wilson_interval(x2, n2, confidence);
    let interval = Interval {
        low: (d - ((p1 - w1.low).powi(2) + (w2.high - p2).powi(2)).sqrt()).max(-1.0),
        high: (d + ((w1.high - p1).powi(2) + (p2 - w2.low).powi(2)).sqrt()).min(1.0),
    };
    let zc = z_two_sided(confidence);
    let wald_se = if n1 == 0 || n2 == 0 {
        f64::INFINITY
    } else {
        (p1 * (1.0 - p1) / n1 as f64 + p2 * (1.0 - p2) / n2 as f64).sqrt()
    };
    let wald = Interval {
        low: (d - zc * wald_se).max(-1.0),
        high: (d + zc * wald_se).min(1.0),
    };
    let (z, p_value) = if n1 == 0 || n2 == 0 {
        (0.0, 1.0)
    } else {
        let pooled = (x1 + x2) as f64 / (n1 + n2) as f64;
        let se = (pooled * (1.0 - pooled) * (1.0 / n1 as f64 + 1.0 / n2 as f64)).sqrt();
        if se > 0.0 {
            let z = d / se;
            (z, erfc(z.abs() / SQRT_2).min(1.0))
        } else {
            (0.0, 1.0)
        }
    };
    TwoProportion {
        p1,
        p2,
        difference: d,
        interval,
        wald,
        z,
        p_value,
        confidence,
    }
}

/// Requests needed in group 1 to detect `p1` against `p2` with a two-sided test at level
/// `alpha` and the given `power`, when group 2 gets `ratio` times as many (Fleiss, Levin & Paik
/// 2003, eq. 4.19; `ratio = 1` is eq. 4.14):
///
/// `m' = [z_{α/2}·√((r+1)·p̄q̄) + z_β·√(r·p1q1 + p2q2)]² / (r·Δ²)`, `p̄ = (p1 + r·p2)/(r+1)`;
///
/// with `continuity`, the Fleiss–Tytun–Ury correction (eq. 4.15/4.20):
/// `m = m'/4 · (1 + √(1 + 2(r+1)/(r·m'·|Δ|)))²`. Rounded up; `None` when `p1 = p2`.
pub fn sample_size(
    p1: f64,
    p2: f64,
    alpha: f64,
    power: f64,
    ratio: f64,
    continuity: bool,
) -> Option<u64> {
    let delta = (p1 - p2).abs();
    if delta == 0.0 || ratio.is_nan() || ratio <= 0.0 || !(0.0..1.0).contains(&alpha) {
        return None;
    }
    let za = normal_quantile(1.0 - alpha / 2.0);
    let zb = normal_quantile(power);
    let r = ratio;
    let pbar = (p1 + r * p2) / (r + 1.0);
    let a = za * ((r + 1.0) * pbar * (1.0 - pbar)).sqrt();
    let b = zb * (r * p1 * (1.0 - p1) + p2 * (1.0 - p2)).sqrt();
    let mut m = (a + b).powi(2) / (r * delta * delta);
    if continuity {
        m = m / 4.0 * (1.0 + (1.0 + 2.0 * (r + 1.0) / (r * m * delta)).sqrt()).powi(2);
    }
    m.is_finite().then(|| m.ceil() as u64)
}

#[cfg(test)]
mod tests;
