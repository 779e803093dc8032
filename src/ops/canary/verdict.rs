//! One judgement of a canary against its stable entity over the same window (also the A/B
//! view's comparison).
//!
//! Guards, each PASS / INCONCLUSIVE / FAIL; the verdict is the worst of them:
//! * requests: both entities have `min_requests` (else INCONCLUSIVE: a PASS needs evidence);
//! * error rate (5xx; 4xx are the callers' mistakes): Newcombe's interval for canary − stable
//!   (`stats::two_proportion`). Upper bound ≤ `max_error_rate_delta` → PASS; lower bound above
//!   it → FAIL (worse with confidence); otherwise INCONCLUSIVE, with the canary requests still
//!   needed to decide at the rates seen so far;
//! * p99 (`max_p99_ms`) and p99 ratio (`max_p99_ratio`): the point estimate within the limit →
//!   PASS; FAIL only when even the lower confidence bound of the canary's p99
//!   (`serving_metrics::quantile_lower_bound`) breaks it, so a noisy tail from a few hundred
//!   requests holds the step rather than aborting it; otherwise INCONCLUSIVE.

use serde::{Deserialize, Serialize};

use crate::ops::serving_metrics::{EntityWindow, histogram_quantile, quantile_lower_bound};
use crate::ops::stats::{TwoProportion, two_proportion, z_two_sided};

use super::plan::Guards;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Verdict {
    Pass,
    Inconclusive,
    Fail,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Inconclusive => "INCONCLUSIVE",
            Verdict::Fail => "FAIL",
        }
    }
}

/// One guard's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub guard: String,
    pub verdict: Verdict,
    pub detail: String,
}

/// What one entity did in the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Side {
    pub requests: u64,
    pub errors: u64,
    pub error_rate: f64,
    pub p50_ms: Option<f64>,
    pub p90_ms: Option<f64>,
    pub p99_ms: Option<f64>,
}

impl Side {
    fn of(w: &EntityWindow) -> Side {
        let requests = w.requests.max(0.0).round() as u64;
        let errors = (w.errors_5xx.max(0.0).round() as u64).min(requests);
        Side {
            requests,
            errors,
            error_rate: if requests > 0 {
                errors as f64 / requests as f64
            } else {
                0.0
            },
            p50_ms: w.latency.map(|l| l.p50),
            p90_ms: w.latency.map(|l| l.p90),
            p99_ms: w.latency.map(|l| l.p99),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Judgement {
    pub at_ms: i64,
    pub verdict: Verdict,
    pub stable: Side,
    pub canary: Side,
    pub errors: TwoProportion,
    pub p99_ratio: Option<f64>,
    pub checks: Vec<Check>,
    /// More canary requests needed before the verdict can be decided (INCONCLUSIVE).
    pub requests_needed: Option<u64>,
    /// The verdict in words.
    pub summary: String,
}

fn pct(x: f64) -> String {
    crate::safe_text::percent(x, 2)
}

fn ms(x: Option<f64>) -> String {
    x.map_or_else(
        || "-".to_string(),
        |v| crate::safe_text::number(v, |v| format!("{v:.0} ms")),
    )
}

/// Canary requests needed for the interval of the difference to clear `max` on one side, if
/// the rates stay as observed and traffic keeps its ratio: doubling then bisection on the
/// projected counts, with the same interval the verdict uses. `None` when not decidable within
/// a billion requests (e.g. the observed difference sits on the limit).
fn needed(s: &Side, c: &Side, max: f64, confidence: f64) -> Option<u64> {
    let ratio = if c.requests > 0 {
        (s.requests as f64 / c.requests as f64).max(1e-3)
    } else {
        1.0
    };
    let (pc, ps) = (c.error_rate, s.error_rate);
    let decided = |n: u64| {
        let nc = n as f64;
        let ns = (nc * ratio).max(1.0);
        let t = two_proportion(
            (pc * nc).round() as u64,
            n,
            (ps * ns).round() as u64,
            ns as u64,
            confidence,
        );
        t.interval.high <= max || t.interval.low > max
    };
    // `lo` is known undecided (the current count); `hi` doubles until decided.
    let mut lo = c.requests;
    let mut hi = (lo * 2).max(16);
    while !decided(hi) {
        if hi > 1_000_000_000 {
            return None;
        }
        lo = hi;
        hi *= 2;
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if decided(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi.saturating_sub(c.requests))
}

/// Judges `canary` against `stable` over the same window.
pub fn judge(stable: &EntityWindow, canary: &EntityWindow, g: &Guards, at_ms: i64) -> Judgement {
    let (s, c) = (Side::of(stable), Side::of(canary));
    let mut checks = Vec::new();
    let mut requests_needed: Option<u64> = None;
    let mut need = |n: u64| requests_needed = Some(requests_needed.map_or(n, |m: u64| m.max(n)));

    let enough = s.requests >= g.min_requests && c.requests >= g.min_requests;
    checks.push(Check {
        guard: "min_requests".into(),
        verdict: if enough {
            Verdict::Pass
        } else {
            Verdict::Inconclusive
        },
        detail: format!(
            "canary {} / stable {} requests (need {} each)",
            c.requests, s.requests, g.min_requests
        ),
    });
    if c.requests < g.min_requests {
        need(g.min_requests - c.requests);
    }

    let t = two_proportion(c.errors, c.requests, s.errors, s.requests, g.confidence);
    let level = (g.confidence * 100.0).round();
    let err_verdict = if t.interval.low > g.max_error_rate_delta {
        Verdict::Fail
    } else if t.interval.high <= g.max_error_rate_delta {
        Verdict::Pass
    } else {
        if let Some(n) = needed(&s, &c, g.max_error_rate_delta, g.confidence) {
            need(n);
        }
        Verdict::Inconclusive
    };
    checks.push(Check {
        guard: "max_error_rate_delta".into(),
        verdict: err_verdict,
        detail: format!(
            "5xx {} vs {}: difference {:+.2} pp, {level}% CI {:+.2} to {:+.2} pp (limit {:+.2} pp), \
             p = {:.3}",
            pct(c.error_rate),
            pct(s.error_rate),
            t.difference * 100.0,
            t.interval.low * 100.0,
            t.interval.high * 100.0,
            g.max_error_rate_delta * 100.0,
            t.p_value
        ),
    });

    let z = z_two_sided(g.confidence);
    let lower_p99 = quantile_lower_bound(0.99, &canary.latency_buckets, z);
    if let Some(max) = g.max_p99_ms {
        let verdict = match (c.p99_ms, lower_p99) {
            (Some(p), _) if p <= max => Verdict::Pass,
            (Some(_), Some(lo)) if lo > max => Verdict::Fail,
            _ => Verdict::Inconclusive,
        };
        checks.push(Check {
            guard: "max_p99_ms".into(),
            verdict,
            detail: format!(
                "canary p99 {} (lower bound {}), limit {max:.0} ms",
                ms(c.p99_ms),
                ms(lower_p99)
            ),
        });
    }
    let stable_p99 = histogram_quantile(0.99, &stable.latency_buckets);
    let p99_ratio = match (c.p99_ms, stable_p99) {
        (Some(cp), Some(sp)) if sp > 0.0 => Some(cp / sp),
        _ => None,
    };
    if let Some(max) = g.max_p99_ratio {
        let lower_ratio = match (lower_p99, stable_p99) {
            (Some(lo), Some(sp)) if sp > 0.0 => Some(lo / sp),
            _ => None,
        };
        let verdict = match (p99_ratio, lower_ratio) {
            (Some(r), _) if r <= max => Verdict::Pass,
            (Some(_), Some(lo)) if lo > max => Verdict::Fail,
            _ => Verdict::Inconclusive,
        };
        checks.push(Check {
            guard: "max_p99_ratio".into(),
            verdict,
            detail: format!(
                "p99 {} vs {}: ×{} (limit ×{max:.2})",
                ms(c.p99_ms),
                ms(s.p99_ms),
                p99_ratio.map_or_else(|| "-".to_string(), |r| format!("{r:.2}"))
            ),
        });
    }

    let verdict = if checks.iter().any(|c| c.verdict == Verdict::Fail) {
        Verdict::Fail
    } else if checks.iter().any(|c| c.verdict == Verdict::Inconclusive) {
        Verdict::Inconclusive
    } else {
        Verdict::Pass
    };
    if verdict != Verdict::Inconclusive {
        requests_needed = None;
    }
    let failing: Vec<&str> = checks
        .iter()
        .filter(|c| c.verdict == verdict && verdict != Verdict::Pass)
        .map(|c| c.guard.as_str())
        .collect();
    let mut summary = format!(
        "{}: canary 5xx {} vs stable {} (diff {:+.2} pp, {level}% CI {:+.2} to {:+.2}, p = {:.3}); \
         p99 {} vs {}",
        verdict.as_str(),
        pct(c.error_rate),
        pct(s.error_rate),
        t.difference * 100.0,
        t.interval.low * 100.0,
        t.interval.high * 100.0,
        t.p_value,
        ms(c.p99_ms),
        ms(s.p99_ms),
    );
    if !failing.is_empty() {
        summary.push_str(&format!(" — {}", failing.join(", ")));
    }
    if let Some(n) = requests_needed {
        summary.push_str(&format!(" — about {n} more canary requests needed"));
    }
    Judgement {
        at_ms,
        verdict,
        stable: s,
        canary: c,
        errors: t,
        p99_ratio,
        checks,
        requests_needed,
        summary,
    }
}
