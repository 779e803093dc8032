use crate::ops::canary::plan::*;

const PRODUCT_EXAMPLE: &str = r#"
endpoint = "churn-prod"
stable   = "churn_model-4"          # served entity name on the endpoint
canary   = "churn_model-5"          # served entity name; or, for a version not served yet:
# canary_model = "main.ml.churn_model"  and  canary_version = "6"  (added at 0% first)
steps    = [5, 25, 50, 100]         # canary traffic percentages, in order
hold     = "2m"                     # minimum time at each step before it may advance
interval = "15s"                    # how often metrics are read and judged
[guards]
min_requests         = 200          # per entity per judgement, else INCONCLUSIVE
max_error_rate_delta = 0.01         # canary minus stable error rate (upper confidence bound)
max_p99_ms           = 100
max_p99_ratio        = 1.2          # canary p99 / stable p99
confidence           = 0.95
"#;

#[test]
fn the_product_example_parses_as_written() {
    let p = CanaryPlan::parse(PRODUCT_EXAMPLE).unwrap();
    assert_eq!(p.endpoint, "churn-prod");
    assert_eq!(p.stable, "churn_model-4");
    assert_eq!(
        p.canary,
        Canary::Served {
            name: "churn_model-5".into()
        }
    );
    assert_eq!(p.steps, [5, 25, 50, 100]);
    assert_eq!((p.hold_ms, p.interval_ms), (120_000, 15_000));
    assert_eq!(
        p.guards,
        Guards {
            min_requests: 200,
            max_error_rate_delta: 0.01,
            max_p99_ms: Some(100.0),
            max_p99_ratio: Some(1.2),
            confidence: 0.95,
        }
    );
    assert!(p.is_last(3) && !p.is_last(2));
}

#[test]
fn a_version_not_served_yet_and_default_guards() {
    for version in ["\"6\"", "6"] {
        let text = format!(
            "endpoint = \"churn-prod\"\nstable = \"churn_model-4\"\ncanary_model = \
             \"main.ml.churn_model\"\ncanary_version = {version}\nsteps = [10, 100]\nhold = \
             \"1m30s\"\ninterval = \"500ms\"\n"
        );
        let err = CanaryPlan::parse(&text).unwrap_err();
        assert!(
            err.to_string()
                .contains("interval: must be at least 1000 ms"),
            "{err}"
        );
        let p = CanaryPlan::parse(&text.replace("500ms", "10s")).unwrap();
        assert_eq!(
            p.canary,
            Canary::New {
                model: "main.ml.churn_model".into(),
                version: "6".into()
            }
        );
        assert_eq!(p.canary_name(), "churn_model-6");
        assert_eq!(p.hold_ms, 90_000);
        assert_eq!(p.guards, Guards::default());
    }
}

#[test]
fn durations() {
    for (text, ms) in [
        ("500ms", 500),
        ("15s", 15_000),
        ("2m", 120_000),
        ("1h", 3_600_000),
        ("1m30s", 90_000),
        ("0.5s", 500),
        (" 0s ", 0),
    ] {
        assert_eq!(parse_duration(text), Ok(ms), "{text}");
    }
    for bad in ["15", "2x", "", "m", "1m30", "-5s", "s15"] {
        assert!(parse_duration(bad).is_err(), "{bad}");
    }
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = r#"
stable = "a"
canary_model = "m"
steps = [5, 5, 120]
hold = "soon"
[guards]
confidence = 1.5
min_requests = 0
max_error_rate_delta = 2
max_p99_ms = -1
"#;
    let err = CanaryPlan::parse(text).unwrap_err();
    let all = err.to_string();
    for needle in [
        "endpoint: required",
        "canary_version: required with canary_model",
        "steps: 120 is not a percentage",
        "steps: must increase strictly",
        "hold: \"soon\" is not a duration",
        "interval: required",
        "guards.confidence",
        "guards.min_requests",
        "guards.max_error_rate_delta",
        "guards.max_p99_ms",
    ] {
        assert!(all.contains(needle), "missing {needle:?} in:\n{all}");
    }
    assert!(err.to_string().starts_with("invalid canary plan:\n  "));
}

#[test]
fn typos_and_contradictions_are_errors() {
    let typo = PRODUCT_EXAMPLE.replace("max_error_rate_delta", "max_error_rate_detla");
    let err = CanaryPlan::parse(&typo).unwrap_err().to_string();
    assert!(
        err.contains("max_error_rate_detla") && err.contains("line 11"),
        "{err}"
    );
    let same = PRODUCT_EXAMPLE.replace("churn_model-5", "churn_model-4");
    let err = CanaryPlan::parse(&same).unwrap_err().to_string();
    assert!(err.contains("the same entity as stable"), "{err}");
    let both = PRODUCT_EXAMPLE.replace(
        "steps    =",
        "canary_model = \"m\"\ncanary_version = 6\nsteps =",
    );
    let err = CanaryPlan::parse(&both).unwrap_err().to_string();
    assert!(err.contains("not both"), "{err}");
    let empty = PRODUCT_EXAMPLE.replace("[5, 25, 50, 100]", "[]");
    assert!(CanaryPlan::parse(&empty).is_err());
    assert!(CanaryPlan::parse("endpoint = ").is_err());
}

#[test]
fn overflowing_and_absurd_durations_are_refused_naming_the_field() {
    for bad in [
        "99999999999999999h",
        "9223372036854775807ms",
        "9223372036854775s",
        "1e400s",
        "1h1h1h99999999999999999999m",
    ] {
        assert!(parse_duration(bad).is_err(), "{bad}");
    }
    let hold = PRODUCT_EXAMPLE.replace("\"2m\"", "\"99999999999999999h\"");
    let err = CanaryPlan::parse(&hold).unwrap_err().to_string();
    assert!(err.contains("hold:") && err.contains("line 7"), "{err}");
    let week = PRODUCT_EXAMPLE.replace("\"2m\"", "\"169h\"");
    let err = CanaryPlan::parse(&week).unwrap_err().to_string();
    assert!(err.contains("hold: at most 7 days"), "{err}");
    let p = CanaryPlan::parse(&PRODUCT_EXAMPLE.replace("\"2m\"", "\"168h\"")).unwrap();
    assert_eq!(p.hold_ms, 7 * 24 * 3_600_000);
    let slow = PRODUCT_EXAMPLE.replace("\"15s\"", "\"61m\"");
    let err = CanaryPlan::parse(&slow).unwrap_err().to_string();
    assert!(err.contains("interval: at most 1 hour"), "{err}");
}

#[test]
fn problems_carry_line_and_column() {
    let err = CanaryPlan::parse(&PRODUCT_EXAMPLE.replace("[5, 25, 50, 100]", "[5, 25, 50, 10]"))
        .unwrap_err();
    assert_eq!(err.0[0].line, Some((6, 12)), "{err}");
    assert!(err.to_string().contains("line 6:12: steps"), "{err}");
    let syntax = CanaryPlan::parse("endpoint = \"a\"\nsteps = [5,\n").unwrap_err();
    assert!(syntax.0[0].line.is_some_and(|(l, _)| l >= 2), "{syntax}");
    let missing = CanaryPlan::parse("endpoint = \"a\"\n").unwrap_err();
    assert!(missing.0.iter().any(|p| p.line.is_none()), "{missing}");
}

/// Found by the canary_plan fuzz check: an infinite latency guard was accepted (and would be
/// saved as `null`, silently turning the guard off).
#[test]
fn infinite_latency_guards_are_refused() {
    for (key, value) in [("max_p99_ms", "100"), ("max_p99_ratio", "1.2")] {
        for bad in ["inf", "+inf", "nan"] {
            let text =
                PRODUCT_EXAMPLE.replace(&format!("{key:<21}= {value}"), &format!("{key} = {bad}"));
            assert_ne!(text, PRODUCT_EXAMPLE);
            let err = CanaryPlan::parse(&text).unwrap_err().to_string();
            assert!(err.contains(&format!("guards.{key}")), "{bad}: {err}");
        }
    }
}
