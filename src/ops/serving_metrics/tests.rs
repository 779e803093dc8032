use super::*;
use crate::ops::prometheus::parse;

fn b(pairs: &[(f64, f64)]) -> Vec<Bucket> {
    pairs
        .iter()
        .map(|&(le, count)| Bucket { le, count })
        .collect()
}

const INF: f64 = f64::INFINITY;

/// Worked by hand with `bucketQuantile`: rank = q·n, linear inside the bucket holding it.
#[test]
fn histogram_quantile_interpolates_like_prometheus() {
    let h = b(&[(10.0, 20.0), (20.0, 60.0), (50.0, 90.0), (INF, 100.0)]);
    assert_eq!(histogram_quantile(0.1, &h), Some(5.0)); // first bucket starts at 0
    assert_eq!(histogram_quantile(0.5, &h), Some(17.5)); // 10 + 10·(50−20)/40
    assert_eq!(histogram_quantile(0.9, &h), Some(50.0)); // 20 + 30·(90−60)/30
    assert_eq!(histogram_quantile(0.99, &h), Some(50.0)); // in +Inf: highest finite bound
    assert_eq!(histogram_quantile(0.0, &h), Some(0.0));
    assert_eq!(histogram_quantile(-1.0, &h), Some(f64::NEG_INFINITY));
    assert_eq!(histogram_quantile(2.0, &h), Some(f64::INFINITY));
}

#[test]
fn histogram_quantile_refuses_what_prometheus_refuses() {
    assert_eq!(
        histogram_quantile(0.5, &b(&[(10.0, 5.0), (20.0, 9.0)])),
        None
    );
    assert_eq!(histogram_quantile(0.5, &b(&[(INF, 5.0)])), None);
    assert_eq!(histogram_quantile(0.5, &b(&[(1.0, 0.0), (INF, 0.0)])), None);
    assert_eq!(
        histogram_quantile(f64::NAN, &b(&[(1.0, 1.0), (INF, 1.0)])),
        None
    );
    // Non-monotonic counts (a torn scrape) are raised, not trusted.
    let torn = b(&[(10.0, 50.0), (20.0, 40.0), (INF, 100.0)]);
    assert_eq!(histogram_quantile(0.5, &torn), Some(10.0));
}

#[test]
fn lower_bound_of_a_quantile_is_below_the_estimate_and_tightens_with_n() {
    let small = b(&[
        (10.0, 60.0),
        (20.0, 95.0),
        (50.0, 99.0),
        (100.0, 100.0),
        (INF, 100.0),
    ]);
    let big: Vec<Bucket> = small
        .iter()
        .map(|x| Bucket {
            le: x.le,
            count: x.count * 100.0,
        })
        .collect();
    let est = histogram_quantile(0.99, &small).unwrap();
    let lo_small = quantile_lower_bound(0.99, &small, 1.96).unwrap();
    let lo_big = quantile_lower_bound(0.99, &big, 1.96).unwrap();
    assert!(
        lo_small < lo_big && lo_big <= est,
        "{lo_small} {lo_big} {est}"
    );
}

const SCRAPE_1: &str = r#"
# TYPE request_count_total counter
request_count_total{served_entity_name="a",replica="1"} 600
request_count_total{served_entity_name="a",replica="2"} 400
request_count_total{served_entity_name="b"} 100
request_4xx_count_total{served_entity_name="a"} 10
request_5xx_count_total{served_entity_name="a"} 2
request_5xx_count_total{served_entity_name="b"} 1
request_latency_ms_bucket{served_entity_name="a",le="10"} 200
request_latency_ms_bucket{served_entity_name="a",le="20"} 900
request_latency_ms_bucket{served_entity_name="a",le="+Inf"} 1000
request_latency_ms_sum{served_entity_name="a"} 15000
request_latency_ms_count{served_entity_name="a"} 1000
cpu_usage_percentage{served_entity_name="a",replica="1"} 40
cpu_usage_percentage{served_entity_name="a",replica="2"} 60
mem_usage_percentage{served_entity_name="a"} NaN
provisioned_concurrent_requests_total 8
"#;

const SCRAPE_2: &str = r#"
request_count_total{served_entity_name="a",replica="1"} 1100
request_count_total{served_entity_name="a",replica="2"} 900
request_count_total{served_entity_name="b"} 30
request_4xx_count_total{served_entity_name="a"} 20
request_5xx_count_total{served_entity_name="a"} 12
request_5xx_count_total{served_entity_name="b"} 0
request_latency_ms_bucket{served_entity_name="a",le="10"} 300
request_latency_ms_bucket{served_entity_name="a",le="20"} 1700
request_latency_ms_bucket{served_entity_name="a",le="+Inf"} 2000
request_latency_ms_sum{served_entity_name="a"} 32000
request_latency_ms_count{served_entity_name="a"} 2000
request_count_total{served_model_name="c"} 5
"#;

#[test]
fn snapshots_group_by_entity_label_and_aggregate_the_rest() {
    let s = Snapshot::from_exposition(&parse(SCRAPE_1).unwrap(), 0);
    let a = &s.entities["a"];
    assert_eq!(a.requests, 1000.0);
    assert_eq!(a.cpu_percent, Some(50.0));
    assert_eq!(a.mem_percent, None, "NaN gauges read as absent");
    assert_eq!(a.latency_buckets.len(), 3);
    assert!(a.latency_buckets[2].le.is_infinite());
    assert_eq!(s.entities[""].provisioned_concurrency, Some(8.0));
    let json = serde_json::to_string(&s).unwrap();
    assert!(json.contains("\"+Inf\""));
    assert_eq!(serde_json::from_str::<Snapshot>(&json).unwrap(), s);
}

#[test]
fn windows_give_rates_ratios_and_percentiles_from_deltas() {
    let s1 = Snapshot::from_exposition(&parse(SCRAPE_1).unwrap(), 1_000);
    let s2 = Snapshot::from_exposition(&parse(SCRAPE_2).unwrap(), 11_000);
    let w = windows(&s1, &s2);
    let a = w.iter().find(|w| w.entity == "a").unwrap();
    assert_eq!(a.seconds, 10.0);
    assert_eq!((a.requests, a.requests_per_s), (1000.0, 100.0));
    assert_eq!((a.errors_4xx, a.errors_5xx), (10.0, 10.0));
    assert_eq!((a.ratio_4xx, a.ratio_5xx), (0.01, 0.01));
    assert_eq!(a.errors_5xx_per_s, 1.0);
    assert!(!a.reset);
    // Window buckets: ≤10: 100, ≤20: 800, +Inf: 1000.
    let l = a.latency.unwrap();
    assert!((l.p50 - (10.0 + 10.0 * (500.0 - 100.0) / 700.0)).abs() < 1e-12);
    assert_eq!(l.p99, 20.0);
    assert_eq!(l.mean, 17.0);

    // b went from 100 to 30: it restarted, so the window is the 30 since the restart.
    let bw = w.iter().find(|w| w.entity == "b").unwrap();
    assert!(bw.reset);
    assert_eq!((bw.requests, bw.errors_5xx), (30.0, 0.0));
    assert!(bw.latency.is_none());

    // c is new (and named by the legacy label): everything it has counts.
    let c = w.iter().find(|w| w.entity == "c").unwrap();
    assert_eq!((c.requests, c.reset), (5.0, false));
}

#[test]
fn a_window_without_time_or_requests_has_zero_rates() {
    let c = EntityCounters::default();
    let w = window("x", Some(&c), &c, 0.0);
    assert_eq!((w.requests_per_s, w.ratio_5xx), (0.0, 0.0));
    assert!(w.latency.is_none());
}

#[test]
fn a_minus_infinity_bound_is_written_as_minus_inf() {
    let json =
        serde_json::to_string(&b(&[(f64::NEG_INFINITY, 0.0), (1.0, 2.0), (INF, 3.0)])).unwrap();
    assert_eq!(
        json,
        r#"[{"le":"-Inf","count":0.0},{"le":1.0,"count":2.0},{"le":"+Inf","count":3.0}]"#
    );
    let back: Vec<Bucket> = serde_json::from_str(&json).unwrap();
    assert_eq!(back[0].le, f64::NEG_INFINITY);
    assert_eq!(back[2].le, INF);
}

/// Found by the canary_state fuzz check: a `-Inf` bucket bound was saved as `"+Inf"`, so a
/// saved baseline read back different; a NaN bound (never kept from a scrape) is refused.
#[test]
fn bucket_bounds_round_trip_through_saved_json() {
    for le in [f64::NEG_INFINITY, f64::INFINITY, -0.5, 0.0, 10.0, 1e300] {
        let bucket = Bucket { le, count: 3.0 };
        let text = serde_json::to_string(&bucket).unwrap();
        let back: Bucket = serde_json::from_str(&text).unwrap();
        assert_eq!(back, bucket, "{text}");
    }
    assert!(serde_json::from_str::<Bucket>(r#"{"le":"NaN","count":1}"#).is_err());
    assert!(serde_json::from_str::<Bucket>(r#"{"le":"-Inf","count":1}"#).is_ok());
}

/// JSON has no infinity: an infinite counter in a scrape (or a sum that overflows) must not
/// reach saved canary state, where it would be written as `null` and the state would no longer
/// read back.
#[test]
fn infinite_counters_count_as_absent_and_snapshots_read_back() {
    let scrape = "request_count_total{served_entity_name=\"a\"} +Inf\n\
                  request_5xx_count_total{served_entity_name=\"a\"} 1e308\n\
                  request_5xx_count_total{served_entity_name=\"a\",x=\"2\"} 1e308\n\
                  request_latency_ms_sum{served_entity_name=\"a\"} -Inf\n\
                  request_latency_ms_bucket{served_entity_name=\"a\",le=\"+Inf\"} +Inf\n";
    let s = Snapshot::from_exposition(&parse(scrape).unwrap(), 0);
    let a = &s.entities["a"];
    assert_eq!(a.requests, 0.0);
    assert_eq!(a.latency_sum, 0.0);
    assert!(a.errors_5xx.is_finite());
    assert!(a.latency_buckets.iter().all(|b| b.count.is_finite()));
    let json = serde_json::to_string(&s).unwrap();
    assert_eq!(
        serde_json::from_str::<Snapshot>(&json).unwrap(),
        s,
        "{json}"
    );
}
