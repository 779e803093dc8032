use super::*;

fn close(a: f64, b: f64, rel: f64) -> bool {
    if b == 0.0 {
        a.abs() < rel
    } else {
        ((a - b) / b).abs() < rel
    }
}

/// C99 `erfc` (glibc, via Python's `math.erfc`), agreeing with Abramowitz & Stegun Table 7.1
/// where that table has the point.
const ERFC: &[(f64, f64)] = &[
    (-3.0, 1.999_977_909_503_001_5),
    (-1.0, 1.842_700_792_949_715),
    (-0.5, 1.520_499_877_813_046_5),
    (0.0, 1.0),
    (1e-10, 0.999_999_999_887_162),
    (0.1, 0.887_537_083_981_715_2),
    (0.5, 0.479_500_122_186_953_5),
    (1.0, 0.157_299_207_050_285_13),
    (1.5, 0.033_894_853_524_689_274),
    (1.9, 0.007_209_570_764_742_532_5),
    (2.0, 0.004_677_734_981_047_265),
    (2.1, 0.002_979_466_656_332_984),
    (2.5, 0.000_406_952_017_444_958_9),
    (3.0, 2.209_049_699_858_543_8e-5),
    (4.0, 1.541_725_790_028_002e-8),
    (5.0, 1.537_459_794_428_035_1e-12),
    (6.0, 2.151_973_671_249_891_6e-17),
    (8.0, 1.122_429_717_298_292_8e-29),
    (10.0, 2.088_487_583_762_545e-45),
    (15.0, 7.212_994_172_451_206e-100),
    (20.0, 5.395_865_611_607_900_5e-176),
    (26.0, 5.663_192_408_856_143e-296),
];

#[test]
fn erfc_matches_reference_values_to_1e14() {
    for &(x, want) in ERFC {
        let got = erfc(x);
        assert!(
            close(got, want, 1e-14),
            "erfc({x}) = {got:e}, want {want:e}"
        );
    }
    assert_eq!(erfc(30.0), 0.0);
    assert_eq!(erfc(-30.0), 2.0);
    assert!(erfc(f64::NAN).is_nan());
    assert_eq!(erfc(f64::INFINITY), 0.0);
}

#[test]
fn erfc_is_continuous_where_the_methods_meet() {
    let below = erfc(1.0 - 1e-12);
    let above = erfc(1.0);
    assert!(close(below, above, 1e-10), "{below} vs {above}");
}

#[test]
fn normal_cdf_and_quantile_known_values() {
    // Φ(1.96) and Φ(−3.5) from Python's statistics.NormalDist.
    assert!(close(normal_cdf(1.96), 0.975_002_104_851_779_6, 1e-14));
    assert!(close(normal_cdf(-3.5), 2.326_290_790_355_401e-4, 1e-12));
    assert_eq!(normal_cdf(0.0), 0.5);
    // Quantiles (Python's statistics.NormalDist.inv_cdf, Wichura's AS241).
    let q: &[(f64, f64)] = &[
        (0.5, 0.0),
        (0.9, 1.281_551_565_544_600_8),
        (0.95, 1.644_853_626_951_471_5),
        (0.975, 1.959_963_984_540_053_6),
        (0.99, 2.326_347_874_040_840_8),
        (0.995, 2.575_829_303_548_9),
        (0.999, 3.090_232_306_167_813),
        (0.02, -2.053_748_910_631_822_5),
        (0.03, -1.880_793_608_151_250_9),
        (1e-10, -6.361_340_902_404_056),
    ];
    for &(p, want) in q {
        let got = normal_quantile(p);
        assert!(
            (got - want).abs() < 1e-12,
            "quantile({p}) = {got}, want {want}"
        );
    }
    assert_eq!(normal_quantile(0.0), f64::NEG_INFINITY);
    assert!(normal_quantile(1.5).is_nan());
    assert!((z_two_sided(0.95) - 1.959_963_984_540_054).abs() < 1e-12);
}

/// Newcombe (1998, single proportion) Table I, method 3 (Wilson score, no continuity
/// correction), 95%.
#[test]
fn wilson_intervals_match_newcombe_table_1() {
    let cases: &[(u64, u64, f64, f64)] = &[
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ];
    for &(x, n, lo, hi) in cases {
        let w = wilson_interval(x, n, 0.95);
        assert!((w.low - lo).abs() < 5e-5, "{x}/{n}: {w:?}");
        assert!((w.high - hi).abs() < 5e-5, "{x}/{n}: {w:?}");
    }
    assert_eq!(
        wilson_interval(0, 0, 0.95),
        Interval {
            low: 0.0,
            high: 1.0
        }
    );
}

/// Newcombe (1998, difference of proportions) Table II: method 10 (hybrid score) and method 1
/// (Wald), 95%, examples (a)–(h).
#[test]
fn difference_intervals_match_newcombe_table_2() {
    type Case = (u64, u64, u64, u64, (f64, f64));
    let cases: &[Case] = &[
        (56, 70, 48, 80, (0.0524, 0.3339)),
        (9, 10, 3, 10, (0.1705, 0.8090)),
        (6, 7, 2, 7, (0.0582, 0.8062)),
        (5, 56, 0, 29, (-0.0381, 0.1926)),
        (0, 10, 0, 20, (-0.1611, 0.2775)),
        (0, 10, 0, 10, (-0.2775, 0.2775)),
        (10, 10, 0, 20, (0.6791, 1.0)),
        (10, 10, 0, 10, (0.6075, 1.0)),
    ];
    for &(x1, n1, x2, n2, (lo, hi)) in cases {
        let t = two_proportion(x1, n1, x2, n2, 0.95);
        assert!(
            (t.interval.low - lo).abs() < 5e-5 && (t.interval.high - hi).abs() < 5e-5,
            "{x1}/{n1} vs {x2}/{n2}: {:?}",
            t.interval
        );
    }
    let a = two_proportion(56, 70, 48, 80, 0.95);
    assert!((a.wald.low - 0.0575).abs() < 5e-5 && (a.wald.high - 0.3425).abs() < 5e-5);
    assert!((a.difference - 0.2).abs() < 1e-12);
}

/// z² of the pooled test equals Pearson's χ² (no continuity correction) of the 2×2 table,
/// computed here independently from observed and expected counts; the p-value is the χ²(1)
/// tail, i.e. 2·(1 − Φ(|z|)).
#[test]
fn pooled_z_test_equals_pearson_chi_square() {
    let (x1, n1, x2, n2): (f64, f64, f64, f64) = (56.0, 70.0, 48.0, 80.0);
    let t = two_proportion(56, 70, 48, 80, 0.95);
    let total = n1 + n2;
    let succ = x1 + x2;
    let cells = [
        (x1, n1 * succ / total),
        (n1 - x1, n1 * (total - succ) / total),
        (x2, n2 * succ / total),
        (n2 - x2, n2 * (total - succ) / total),
    ];
    let chi2: f64 = cells.iter().map(|(o, e)| (o - e).powi(2) / e).sum();
    assert!(close(t.z * t.z, chi2, 1e-12), "{} vs {chi2}", t.z * t.z);
    assert!(close(t.p_value, 2.0 * (1.0 - normal_cdf(t.z.abs())), 1e-9));
    // z = 2.65017..., p = 0.0080451... for this table (also Python statistics.NormalDist).
    assert!((t.z - 2.650_172).abs() < 1e-6, "{}", t.z);
    assert!((t.p_value - 0.008_045_08).abs() < 1e-8, "{}", t.p_value);
}

#[test]
fn two_proportion_edge_cases() {
    let none = two_proportion(0, 500, 0, 5000, 0.95);
    assert_eq!((none.z, none.p_value, none.difference), (0.0, 1.0, 0.0));
    assert!(none.interval.high > 0.0 && none.interval.high < 0.01);
    let empty = two_proportion(0, 0, 3, 100, 0.95);
    assert_eq!(empty.p_value, 1.0);
    assert!(empty.interval.low >= -1.0 && empty.interval.high <= 1.0);
}

/// Fleiss, Levin & Paik (2003) §4.2 / Table A.4: p1 = 0.05, p2 = 0.10, two-sided α = 0.05,
/// power 0.80: 474 per group with the continuity correction (435 without, eq. 4.14).
#[test]
fn sample_size_matches_fleiss() {
    assert_eq!(sample_size(0.05, 0.10, 0.05, 0.80, 1.0, true), Some(474));
    assert_eq!(sample_size(0.05, 0.10, 0.05, 0.80, 1.0, false), Some(435));
    assert_eq!(sample_size(0.10, 0.05, 0.05, 0.80, 1.0, true), Some(474));
    // A canary at 10% of traffic (stable gets 9×): fewer canary requests are needed than with
    // equal groups, but more than half as many.
    let unequal = sample_size(0.05, 0.10, 0.05, 0.80, 9.0, false).unwrap();
    assert!(unequal < 435 && unequal > 217, "{unequal}");
    assert_eq!(sample_size(0.1, 0.1, 0.05, 0.8, 1.0, false), None);
}
