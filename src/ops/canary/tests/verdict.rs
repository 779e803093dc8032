use crate::ops::canary::plan::Guards;
use crate::ops::canary::verdict::{Verdict, judge};
use crate::ops::serving_metrics::{Bucket, EntityCounters, EntityWindow, window};

/// Counters of `n` requests with `errors` 5xx whose latencies spread like the seeded v4:
/// a fifth ≤ 10 ms, most ≤ 20 ms, `slow` of them in (20, `tail`] ms.
pub(super) fn counters(n: u64, errors: u64, slow: f64, tail: f64) -> EntityCounters {
    let n = n as f64;
    let b = |le: f64, count: f64| Bucket { le, count };
    let mut buckets = vec![b(10.0, 0.2 * n), b(20.0, (1.0 - slow) * n)];
    if tail > 20.0 {
        buckets.push(b(tail, n));
    }
    buckets.push(b(f64::INFINITY, n));
    EntityCounters {
        requests: n,
        errors_5xx: errors as f64,
        latency_buckets: buckets,
        latency_count: n,
        latency_sum: 15.0 * n,
        ..Default::default()
    }
}

fn w(c: EntityCounters) -> EntityWindow {
    window("x", None, &c, 60.0)
}

fn guards() -> Guards {
    Guards {
        max_p99_ms: Some(100.0),
        max_p99_ratio: Some(1.2),
        ..Guards::default()
    }
}

#[test]
fn a_healthy_canary_passes() {
    let j = judge(
        &w(counters(20_000, 10, 0.02, 30.0)),
        &w(counters(2_000, 1, 0.02, 31.0)),
        &guards(),
        7,
    );
    assert_eq!(j.verdict, Verdict::Pass, "{}", j.summary);
    assert_eq!(j.at_ms, 7);
    assert!(
        j.summary
            .starts_with("PASS: canary 5xx 0.05% vs stable 0.05%"),
        "{}",
        j.summary
    );
    assert!(j.checks.iter().all(|c| c.verdict == Verdict::Pass));
    assert!(j.requests_needed.is_none());
    assert!(j.p99_ratio.unwrap() < 1.1);
}

#[test]
fn many_errors_fail_even_before_min_requests() {
    let j = judge(
        &w(counters(20_000, 10, 0.02, 30.0)),
        &w(counters(150, 15, 0.02, 30.0)),
        &guards(),
        0,
    );
    assert_eq!(j.verdict, Verdict::Fail, "{}", j.summary);
    let errors = j
        .checks
        .iter()
        .find(|c| c.guard == "max_error_rate_delta")
        .unwrap();
    assert_eq!(errors.verdict, Verdict::Fail);
    assert!(j.errors.interval.low > 0.01);
    assert!(j.errors.p_value < 1e-6);
    assert!(j.summary.contains("max_error_rate_delta"), "{}", j.summary);
}

#[test]
fn too_few_requests_or_too_wide_an_interval_hold_with_a_count() {
    let few = judge(
        &w(counters(20_000, 10, 0.02, 30.0)),
        &w(counters(80, 0, 0.02, 30.0)),
        &guards(),
        0,
    );
    assert_eq!(few.verdict, Verdict::Inconclusive);
    assert!(few.requests_needed.unwrap() >= 120, "{few:?}");
    // 2 errors in 400 (0.5%) against 0.05%: the interval reaches past one point, yet the
    // difference is not surely over it — more requests will tell.
    let wide = judge(
        &w(counters(20_000, 10, 0.02, 30.0)),
        &w(counters(400, 2, 0.02, 30.0)),
        &guards(),
        0,
    );
    assert_eq!(wide.verdict, Verdict::Inconclusive, "{}", wide.summary);
    let n = wide.requests_needed.unwrap();
    assert!(n > 0 && n < 100_000, "{n}");
    assert!(wide.summary.contains("more canary requests needed"));
    // With that many more at the same rates, the verdict is decided.
    let more = 400 + n;
    let decided = judge(
        &w(counters(20_000 + 50 * n, 10 + n / 40, 0.02, 30.0)),
        &w(counters(
            more,
            (more as f64 * 0.005).round() as u64,
            0.02,
            30.0,
        )),
        &guards(),
        0,
    );
    assert_ne!(
        decided.verdict,
        Verdict::Inconclusive,
        "{}",
        decided.summary
    );
}

#[test]
fn latency_fails_only_when_even_the_lower_bound_breaks_the_limit() {
    // 3% of the canary's requests take up to 500 ms: p99 ≈ 335 ms, and surely over 100.
    let slow = judge(
        &w(counters(20_000, 10, 0.02, 30.0)),
        &w(counters(1_000, 0, 0.03, 500.0)),
        &guards(),
        0,
    );
    assert_eq!(slow.verdict, Verdict::Fail, "{}", slow.summary);
    let p99 = slow
        .checks
        .iter()
        .find(|c| c.guard == "max_p99_ms")
        .unwrap();
    assert_eq!(p99.verdict, Verdict::Fail, "{}", p99.detail);
    // 2% slow (up to 300 ms) among 300: the p99 estimate is over the limit, its lower
    // bound is not.
    let noisy = judge(
        &w(counters(20_000, 10, 0.02, 30.0)),
        &w(counters(300, 0, 0.02, 300.0)),
        &guards(),
        0,
    );
    let p99 = noisy
        .checks
        .iter()
        .find(|c| c.guard == "max_p99_ms")
        .unwrap();
    assert_eq!(p99.verdict, Verdict::Inconclusive, "{}", p99.detail);
    assert_eq!(noisy.verdict, Verdict::Inconclusive);
}

#[test]
fn the_p99_ratio_compares_with_the_stable_entity() {
    let g = Guards {
        max_p99_ms: None,
        ..guards()
    };
    // Stable p99 in (20, 30]; canary p99 in (20, 60] with 5% slow: ratio well over 1.2.
    let j = judge(
        &w(counters(20_000, 10, 0.02, 30.0)),
        &w(counters(5_000, 2, 0.05, 60.0)),
        &g,
        0,
    );
    let ratio = j
        .checks
        .iter()
        .find(|c| c.guard == "max_p99_ratio")
        .unwrap();
    assert_eq!(ratio.verdict, Verdict::Fail, "{}", ratio.detail);
    assert!(j.p99_ratio.unwrap() > 1.5);
    assert!(j.checks.iter().all(|c| c.guard != "max_p99_ms"));
}
