//! The A/B comparison of two served entities over the same window, as the view shows it: per
//! side the counts, rates and latency percentiles; between them the error-rate difference with
//! its interval and test, the p99 ratio, and the canary verdict (`canary::verdict::judge`, A as
//! stable, B as canary) put into words.
//!
//! "Error rate" is the 5xx rate, as in the canary guards: 4xx answers are the callers' mistakes.

use crate::ops::canary::plan::Guards;
use crate::ops::canary::verdict::{Judgement, Verdict, judge};
use crate::ops::serving_metrics::EntityWindow;
use crate::ops::stats::{Interval, TwoProportion, two_proportion, wilson_interval};

/// Confidence of every interval and test shown.
pub const CONFIDENCE: f64 = 0.95;

/// One entity over the window.
#[derive(Debug, Clone, PartialEq)]
pub struct SideStats {
    pub entity: String,
    pub requests: u64,
    pub requests_per_s: f64,
    pub errors_4xx: u64,
    pub errors_5xx: u64,
    /// 5xx / requests (0 without requests).
    pub error_rate: f64,
    /// Wilson interval of the error rate.
    pub error_interval: Interval,
    pub p50_ms: Option<f64>,
    pub p90_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub mean_ms: Option<f64>,
}

impl SideStats {
    pub fn of(w: &EntityWindow) -> SideStats {
        let count = |x: f64| {
            if x.is_finite() {
                x.max(0.0).round() as u64
            } else {
                0
            }
        };
        let requests = count(w.requests);
        let errors_5xx = count(w.errors_5xx).min(requests);
        let lat = w.latency;
        SideStats {
            entity: w.entity.clone(),
            requests,
            requests_per_s: w.requests_per_s,
            errors_4xx: count(w.errors_4xx).min(requests),
            errors_5xx,
            error_rate: if requests > 0 {
                errors_5xx as f64 / requests as f64
            } else {
                0.0
            },
            error_interval: wilson_interval(errors_5xx, requests, CONFIDENCE),
            p50_ms: lat.map(|l| l.p50),
            p90_ms: lat.map(|l| l.p90),
            p99_ms: lat.map(|l| l.p99),
            mean_ms: lat.map(|l| l.mean).filter(|m| m.is_finite()),
        }
    }
}

/// How the verdict reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbOutcome {
    NotWorse,
    Worse,
    /// Not decided yet: more requests needed (or undecidable at the rates seen).
    Undecided,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AbComparison {
    pub a: SideStats,
    pub b: SideStats,
    /// Error rate of B minus A, with Newcombe's interval and the pooled test.
    pub difference: TwoProportion,
    /// p99 of B over p99 of A.
    pub p99_ratio: Option<f64>,
    pub judgement: Judgement,
    pub outcome: AbOutcome,
    /// The verdict in words.
    pub verdict: String,
}

/// Compares B against A over the same window with `guards` (the canary plan's defaults unless
/// a plan says otherwise).
pub fn compare(a: &EntityWindow, b: &EntityWindow, guards: &Guards, at_ms: i64) -> AbComparison {
    let (sa, sb) = (SideStats::of(a), SideStats::of(b));
    let difference = two_proportion(
        sb.errors_5xx,
        sb.requests,
        sa.errors_5xx,
        sa.requests,
        CONFIDENCE,
    );
    let judgement = judge(a, b, guards, at_ms);
    let p99_ratio = match (sb.p99_ms, sa.p99_ms) {
        (Some(pb), Some(pa)) if pa > 0.0 => Some(pb / pa),
        _ => None,
    };
    let outcome = match judgement.verdict {
        Verdict::Pass => AbOutcome::NotWorse,
        Verdict::Fail => AbOutcome::Worse,
        Verdict::Inconclusive => AbOutcome::Undecided,
    };
    let evidence = format!(
        "error rate {} ({}% CI {} to {}, {}){}",
        points(difference.difference),
        (CONFIDENCE * 100.0).round(),
        points(difference.interval.low),
        points(difference.interval.high),
        p_value(difference.p_value),
        p99_ratio
            .filter(|r| r.is_finite())
            .map_or_else(String::new, |r| format!(", p99 {r:.2}× A")),
    );
    let verdict = match outcome {
        AbOutcome::NotWorse => format!("B is not worse: {evidence}"),
        AbOutcome::Worse => format!("B is worse: {evidence}"),
        AbOutcome::Undecided => {
            let short = |side: &str, have: u64| {
                (have < guards.min_requests)
                    .then(|| format!("{side} needs ~{} more requests", guards.min_requests - have))
            };
            let a_short = short("A", sa.requests);
            let b_need = judgement
                .requests_needed
                .map(|n| format!("B needs ~{n} more requests"));
            match (a_short, b_need) {
                (Some(a), Some(b)) => format!("not enough data yet: {a}, {b}"),
                (Some(a), None) => format!("not enough data yet: {a}"),
                (None, Some(b)) if sb.requests < guards.min_requests => {
                    format!("not enough data yet: {b}")
                }
                (None, Some(b)) => format!("not decided yet: {evidence}; {b}"),
                (None, None) => {
                    format!("not decided yet: {evidence}; undecidable at these rates")
                }
            }
        }
    };
    AbComparison {
        a: sa,
        b: sb,
        difference,
        p99_ratio,
        judgement,
        outcome,
        verdict,
    }
}

/// A difference of rates in percentage points: "+0.20 pts".
pub fn points(d: f64) -> String {
    crate::safe_text::number(d, |d| format!("{:+.2} pts", d * 100.0))
}

/// "p = 0.41", or "p < 0.001" for the tiny ones; n/a for no number.
pub fn p_value(p: f64) -> String {
    if !p.is_finite() {
        crate::safe_text::NOT_A_NUMBER.to_string()
    } else if p < 0.001 {
        "p < 0.001".to_string()
    } else {
        format!("p = {p:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::serving_metrics::{Bucket, EntityCounters, window};

    /// `requests` over 60 s with `errors` 5xx; latencies scaled by `slow`.
    fn side(entity: &str, requests: f64, errors: f64, slow: f64) -> EntityWindow {
        let shape = [
            (10.0, 0.5),
            (50.0, 0.9),
            (100.0, 0.99),
            (f64::INFINITY, 1.0),
        ];
        let c = EntityCounters {
            requests,
            errors_5xx: errors,
            errors_4xx: requests * 0.01,
            latency_buckets: shape
                .iter()
                .map(|(le, f)| Bucket {
                    le: le * slow,
                    count: requests * f,
                })
                .collect(),
            latency_count: requests,
            latency_sum: requests * 20.0 * slow,
            ..EntityCounters::default()
        };
        window(entity, None, &c, 60.0)
    }

    #[test]
    fn differences_and_p_values_that_are_no_number_show_n_a() {
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(points(v), "n/a");
            assert_eq!(p_value(v), "n/a");
        }
        assert_eq!(points(0.002), "+0.20 pts");
        assert_eq!(p_value(0.41), "p = 0.410");
        assert_eq!(p_value(0.0001), "p < 0.001");
    }

    #[test]
    fn a_clearly_higher_error_rate_is_worse() {
        let a = side("v4", 20_000.0, 20.0, 1.0);
        let b = side("v5", 20_000.0, 1_000.0, 1.0);
        let c = compare(&a, &b, &Guards::default(), 0);
        assert_eq!(c.outcome, AbOutcome::Worse);
        assert!(
            c.verdict.starts_with("B is worse: error rate +4.90 pts"),
            "{}",
            c.verdict
        );
        assert!(c.verdict.contains("p < 0.001"), "{}", c.verdict);
        assert!(c.difference.interval.low > 0.04);
        assert_eq!((c.a.requests, c.b.errors_5xx), (20_000, 1_000));
        assert!((c.b.error_rate - 0.05).abs() < 1e-12);
        assert!(c.b.error_interval.low < 0.05 && c.b.error_interval.high > 0.05);
        assert!((c.a.requests_per_s - 20_000.0 / 60.0).abs() < 1e-9);
    }

    #[test]
    fn a_similar_error_rate_is_not_worse_and_reports_the_latency_ratio() {
        let a = side("v4", 20_000.0, 40.0, 1.0);
        let b = side("v5", 20_000.0, 44.0, 1.15);
        let c = compare(&a, &b, &Guards::default(), 0);
        assert_eq!(c.outcome, AbOutcome::NotWorse, "{}", c.verdict);
        assert!(
            c.verdict
                .starts_with("B is not worse: error rate +0.02 pts (95% CI ")
        );
        let ratio = c.p99_ratio.unwrap();
        assert!((ratio - 1.15).abs() < 1e-6, "{ratio}");
        assert!(c.verdict.ends_with("p99 1.15× A"), "{}", c.verdict);
        assert!(c.difference.p_value > 0.5);
        assert!(c.a.p50_ms.unwrap() < c.a.p90_ms.unwrap());
        assert!(c.a.p90_ms.unwrap() < c.a.p99_ms.unwrap());
        assert_eq!(c.a.mean_ms, Some(20.0));
    }

    #[test]
    fn too_few_requests_say_how_many_more_are_needed() {
        let a = side("v4", 5_000.0, 5.0, 1.0);
        let b = side("v5", 50.0, 0.0, 1.0);
        let c = compare(&a, &b, &Guards::default(), 0);
        assert_eq!(c.outcome, AbOutcome::Undecided);
        assert!(
            c.verdict.starts_with("not enough data yet: B needs ~"),
            "{}",
            c.verdict
        );
        let n = c.judgement.requests_needed.unwrap();
        assert!(n >= 150, "at least up to min_requests: {n}");
        assert!(c.verdict.contains(&format!("~{n} more requests")));

        let none = side("v5", 0.0, 0.0, 1.0);
        let c = compare(&none, &none, &Guards::default(), 0);
        assert_eq!(c.outcome, AbOutcome::Undecided);
        assert!(
            c.verdict.contains("A needs ~200 more requests"),
            "{}",
            c.verdict
        );
        assert_eq!(c.a.p99_ms, None);
        assert_eq!(c.p99_ratio, None);
    }
}
