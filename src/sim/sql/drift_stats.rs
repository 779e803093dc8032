//! The statistics a monitor's drift table holds, computed from samples: the two-sample
//! Kolmogorov–Smirnov test, the population stability index, Jensen–Shannon, Wasserstein, total
//! variation and L∞ distances, and Pearson's χ² test of two category distributions.

use std::collections::BTreeMap;

/// Bins of the binned statistics (PSI, JS on numbers).
const BINS: usize = 10;
/// Floor of a bin's share, so an empty bin does not make PSI infinite.
const EPS: f64 = 1e-4;

/// Two-sample KS test of two sorted samples: (statistic D, asymptotic p-value).
pub(crate) fn ks_test(sa: &[f64], sb: &[f64]) -> Option<(f64, f64)> {
    if sa.is_empty() || sb.is_empty() {
        return None;
    }
    let (n, m) = (sa.len() as f64, sb.len() as f64);
    let (mut i, mut j, mut d) = (0, 0, 0.0f64);
    while i < sa.len() && j < sb.len() {
        let x = sa[i].min(sb[j]);
        while i < sa.len() && sa[i] <= x {
            i += 1;
        }
        while j < sb.len() && sb[j] <= x {
            j += 1;
        }
        d = d.max((i as f64 / n - j as f64 / m).abs());
    }
    let ne = (n * m / (n + m)).sqrt();
    let lambda = (ne + 0.12 + 0.11 / ne) * d;
    Some((d, kolmogorov_q(lambda)))
}

/// `Q_KS(λ) = 2 Σ (−1)^{j−1} e^{−2 j² λ²}`.
fn kolmogorov_q(lambda: f64) -> f64 {
    if lambda < 0.2 {
        return 1.0;
    }
    let mut sum = 0.0;
    for j in 1..=100 {
        let j = j as f64;
        let term = (-2.0 * j * j * lambda * lambda).exp();
        sum += if (j as i64) % 2 == 1 { term } else { -term };
        if term < 1e-12 {
            break;
        }
    }
    (2.0 * sum).clamp(0.0, 1.0)
}

/// The finite values of `x`, sorted ascending.
pub(crate) fn sorted(x: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = x.iter().copied().filter(|f| f.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v
}

/// Shares of `x` in the decile bins of the sorted `r`.
fn binned(r: &[f64], x: &[f64]) -> Vec<f64> {
    let edges: Vec<f64> = (1..BINS)
        .map(|k| r[(k * r.len() / BINS).min(r.len() - 1)])
        .collect();
    let mut counts = [0.0; BINS];
    for v in x.iter().filter(|v| v.is_finite()) {
        counts[edges.partition_point(|e| e < v)] += 1.0;
    }
    let total: f64 = counts.iter().sum::<f64>().max(1.0);
    counts.iter().map(|c| (c / total).max(EPS)).collect()
}

/// PSI and JS distance of sorted `actual` against sorted `expected`, over the deciles of
/// `expected`.
pub(crate) fn psi_js(expected: &[f64], actual: &[f64]) -> Option<(f64, f64)> {
    if expected.is_empty() || actual.is_empty() {
        return None;
    }
    let (e, a) = (binned(expected, expected), binned(expected, actual));
    let psi = e.iter().zip(&a).map(|(e, a)| (a - e) * (a / e).ln()).sum();
    Some((psi, js(&e, &a)))
}

/// Jensen–Shannon distance (base 2, in [0, 1]) of two distributions over the same bins.
fn js(p: &[f64], q: &[f64]) -> f64 {
    let kl = |x: &[f64], m: &[f64]| -> f64 {
        x.iter()
            .zip(m)
            .filter(|(a, _)| **a > 0.0)
            .map(|(a, b)| a * (a / b).log2())
            .sum()
    };
    let m: Vec<f64> = p.iter().zip(q).map(|(a, b)| (a + b) / 2.0).collect();
    (0.5 * kl(p, &m) + 0.5 * kl(q, &m)).max(0.0).sqrt()
}

/// Wasserstein-1 distance of two sorted samples, in standard deviations of `a` (the
/// expected one).
pub(crate) fn wasserstein(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    // ∫ |F_a − F_b| over the merged support, walking both samples in order.
    let (mut i, mut j, mut w) = (0, 0, 0.0);
    let mut x = a[0].min(b[0]);
    while i < a.len() || j < b.len() {
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        let next = match (a.get(i), b.get(j)) {
            (Some(p), Some(q)) => p.min(*q),
            (Some(p), None) => *p,
            (None, Some(q)) => *q,
            (None, None) => break,
        };
        w += (i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs() * (next - x);
        x = next;
    }
    let sd = stddev(a).filter(|s| *s > 0.0).unwrap_or(1.0);
    Some(w / sd)
}

pub(crate) fn stddev(x: &[f64]) -> Option<f64> {
    if x.len() < 2 {
        return None;
    }
    let mean = x.iter().sum::<f64>() / x.len() as f64;
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (x.len() - 1) as f64;
    Some(var.sqrt())
}

/// Category counts of a sample.
pub(crate) fn counts<'a>(x: impl Iterator<Item = &'a str>) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for v in x {
        *out.entry(v.to_string()).or_insert(0.0) += 1.0;
    }
    out
}

/// The category statistics of `actual` against `expected`: (χ² statistic, χ² p-value, JS
/// distance, TV distance, L∞ distance).
pub(crate) fn categorical(
    expected: &BTreeMap<String, f64>,
    actual: &BTreeMap<String, f64>,
) -> Option<(f64, f64, f64, f64, f64)> {
    let (ne, na) = (expected.values().sum::<f64>(), actual.values().sum::<f64>());
    if ne == 0.0 || na == 0.0 {
        return None;
    }
    let mut keys: Vec<&String> = expected.keys().chain(actual.keys()).collect();
    keys.sort();
    keys.dedup();
    let share =
        |m: &BTreeMap<String, f64>, k: &String, n: f64| m.get(k).copied().unwrap_or(0.0) / n;
    let p: Vec<f64> = keys.iter().map(|k| share(expected, k, ne)).collect();
    let q: Vec<f64> = keys.iter().map(|k| share(actual, k, na)).collect();
    // Pearson's χ² on the 2 × k table.
    let total = ne + na;
    let mut chi2 = 0.0;
    for k in &keys {
        let col = expected.get(*k).copied().unwrap_or(0.0) + actual.get(*k).copied().unwrap_or(0.0);
        for (row, n) in [(expected, ne), (actual, na)] {
            let exp = col * n / total;
            if exp > 0.0 {
                chi2 += (row.get(*k).copied().unwrap_or(0.0) - exp).powi(2) / exp;
            }
        }
    }
    let dof = keys.len().saturating_sub(1).max(1) as f64;
    let pvalue = gamma_q(dof / 2.0, chi2 / 2.0);
    let tv = 0.5 * p.iter().zip(&q).map(|(a, b)| (a - b).abs()).sum::<f64>();
    let linf = p
        .iter()
        .zip(&q)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    Some((chi2, pvalue, js(&p, &q), tv, linf))
}

/// ln Γ(x) (Lanczos).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 6] = [
        76.180_091_729_471_46,
        -86.505_320_329_416_77,
        24.014_098_240_830_91,
        -1.231_739_572_450_155,
        0.120_865_097_386_617_9e-2,
        -0.539_523_938_495_3e-5,
    ];
    let mut y = x;
    let tmp = x + 5.5 - (x + 0.5) * (x + 5.5).ln();
    let mut ser = 1.000_000_000_190_015;
    for g in G {
        y += 1.0;
        ser += g / y;
    }
    -tmp + (2.506_628_274_631_000_5 * ser / x).ln()
}

/// The regularised upper incomplete gamma function Q(a, x).
pub(crate) fn gamma_q(a: f64, x: f64) -> f64 {
    if x <= 0.0 || a <= 0.0 {
        return 1.0;
    }
    let gln = ln_gamma(a);
    if x < a + 1.0 {
        let (mut ap, mut sum) = (a, 1.0 / a);
        let mut del = sum;
        for _ in 0..500 {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if del.abs() < sum.abs() * 1e-14 {
                break;
            }
        }
        (1.0 - sum * (-x + a * x.ln() - gln).exp()).clamp(0.0, 1.0)
    } else {
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..500 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-14 {
                break;
            }
        }
        ((-x + a * x.ln() - gln).exp() * h).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_samples_do_not_drift_and_shifted_ones_do() {
        let a = sorted(&(0..500).map(|i| (i % 100) as f64).collect::<Vec<_>>());
        let (d, p) = ks_test(&a, &a).unwrap();
        assert!(d < 1e-9 && p > 0.99, "{d} {p}");
        let (psi, js) = psi_js(&a, &a).unwrap();
        assert!(psi.abs() < 1e-9 && js.abs() < 1e-6, "{psi} {js}");
        assert!(wasserstein(&a, &a).unwrap().abs() < 1e-12);
        let b: Vec<f64> = a.iter().map(|x| x + 30.0).collect();
        let (d, p) = ks_test(&a, &b).unwrap();
        assert!(d > 0.29 && p < 1e-6, "{d} {p}");
        let (psi, js) = psi_js(&a, &b).unwrap();
        assert!(psi > 0.25 && js > 0.1, "{psi} {js}");
        // Shifted by 30 on a spread of sd ≈ 29: about one standard deviation.
        let w = wasserstein(&a, &b).unwrap();
        assert!((w - 30.0 / stddev(&a).unwrap()).abs() < 0.05, "{w}");
    }

    #[test]
    fn chi_squared_matches_known_values() {
        // Q(1, 1.9207) = P(χ²₂ > 3.8415) = 0.1465; P(χ²₁ > 3.8415) = 0.05.
        assert!((gamma_q(0.5, 3.841_459 / 2.0) - 0.05).abs() < 1e-4);
        assert!((gamma_q(1.0, 1.920_73) - (-1.920_73f64).exp()).abs() < 1e-9);
        let e = counts(["a", "a", "b", "b"].into_iter());
        let (chi2, p, js, tv, linf) = categorical(&e, &e).unwrap();
        assert!(chi2.abs() < 1e-12 && p > 0.99 && js < 1e-9 && tv < 1e-12 && linf < 1e-12);
        let a = counts(["a", "a", "a", "c"].into_iter());
        let (_, _, _, tv, linf) = categorical(&e, &a).unwrap();
        assert!((tv - 0.5).abs() < 1e-12 && (linf - 0.5).abs() < 1e-12);
        assert!(categorical(&e, &BTreeMap::new()).is_none());
    }
}
