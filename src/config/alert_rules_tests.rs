use super::*;

fn parse(text: &str) -> Result<AlertRules, ConfigError> {
    AlertRules::parse(Path::new("/c/alerts.toml"), text)
}

fn err(text: &str) -> String {
    parse(text).expect_err("should be refused").to_string()
}

#[test]
fn a_missing_file_means_the_built_in_rules() {
    let dir = tempfile::tempdir().unwrap();
    let rules = AlertRules::load(&dir.path().join("alerts.toml")).unwrap();
    assert_eq!(rules.rules, default_rules());
    assert!(rules.file.is_none());
    let kinds: BTreeSet<&str> = rules.rules.iter().map(|r| r.kind.name()).collect();
    assert_eq!(kinds.len(), 8, "every kind has a default rule: {kinds:?}");
}

#[test]
fn file_rules_replace_defaults_of_the_same_name_and_keep_the_others() {
    let rules = parse(
        r#"
[[rule]]
name = "job-run-failed"
kind = "job_run_failed"
severity = "critical"
target = "churn-retrain"
bell = true

[[rule]]
name = "tenure"
kind = "feature_drift"
statistic = "js_distance"
threshold = 0.1
windows = 5
feature = "tenure_months"
enabled = false
"#,
    )
    .unwrap();
    assert_eq!(rules.rules.len(), default_rules().len() + 1);
    let job = rules.get("job-run-failed").unwrap();
    assert_eq!(job.severity, Severity::Critical);
    assert_eq!(job.target.as_deref(), Some("churn-retrain"));
    assert!(job.bell);
    let t = rules.get("tenure").unwrap();
    assert!(!t.enabled);
    assert_eq!(
        t.kind,
        RuleKind::FeatureDrift {
            statistic: "js_distance".into(),
            threshold: 0.1,
            windows: 5,
            feature: Some("tenure_months".into()),
        }
    );
    assert_eq!(
        t.severity,
        Severity::Critical,
        "the kind's default severity"
    );
}

#[test]
fn defaults_false_keeps_only_the_file_rules() {
    let rules = parse(
        "defaults = false\n[[rule]]\nname = \"a\"\nkind = \"approval_pending\"\nmax_age = \"2h\"\n",
    )
    .unwrap();
    assert_eq!(rules.rules.len(), 1);
    assert_eq!(
        rules.rules[0].kind,
        RuleKind::ApprovalPending {
            max_age_ms: 7_200_000
        }
    );
    assert_eq!(rules.rules[0].severity, Severity::Info);
}

#[test]
fn unknown_keys_are_errors_with_file_and_line() {
    let e = err("[[rule]]\nname = \"a\"\nkind = \"job_run_failed\"\nseverty = \"info\"\n");
    assert!(e.starts_with("/c/alerts.toml:4:"), "{e}");
    assert!(e.contains("severty"), "{e}");
    let e = err("defualts = true\n");
    assert!(e.starts_with("/c/alerts.toml:1:"), "{e}");
}

#[test]
fn a_parameter_of_another_kind_is_an_error_naming_the_rule_and_line() {
    let e = err(
        "\n\n[[rule]]\nname = \"x\"\nkind = \"job_run_failed\"\n\n[[rule]]\nname = \"y\"\nkind = \"endpoint_update_failed\"\nthreshold = 0.3\n",
    );
    assert!(e.starts_with("/c/alerts.toml:"), "{e}");
    assert!(
        e.contains("rule \"y\": threshold is not a parameter of kind endpoint_update_failed"),
        "{e}"
    );
    let line: usize = e.split(':').nth(1).unwrap().parse().unwrap();
    assert!((7..=10).contains(&line), "points at rule y: {e}");
}

#[test]
fn bad_values_are_refused_clearly() {
    for (text, says) in [
        ("kind = \"nope\"", "unknown kind \"nope\""),
        (
            "kind = \"feature_drift\"\nwindows = 0",
            "windows must be from 1",
        ),
        ("kind = \"model_quality\"", "needs floor, drop or both"),
        (
            "kind = \"endpoint_errors\"",
            "needs max_5xx_rate, max_p99_ms",
        ),
        (
            "kind = \"endpoint_errors\"\nmax_5xx_rate = 5.0",
            "fraction from 0 to 1",
        ),
        (
            "kind = \"feature_drift\"\nthreshold = -1.0",
            "must not be negative",
        ),
        (
            "kind = \"approval_pending\"\nmax_age = \"3 days\"",
            "max_age:",
        ),
        ("kind = \"job_run_failed\"\nseverity = \"loud\"", "loud"),
    ] {
        let e = err(&format!("[[rule]]\nname = \"r\"\n{text}\n"));
        assert!(e.contains(says), "{text}: {e}");
    }
    let e = err(
        "[[rule]]\nname = \"r\"\nkind = \"job_run_failed\"\n[[rule]]\nname = \"r\"\nkind = \"job_run_failed\"\n",
    );
    assert!(e.contains("defined twice"), "{e}");
}

#[test]
fn retrain_is_off_by_default_and_only_on_drift_and_quality_rules() {
    for r in default_rules() {
        assert!(!r.retrain, "{} retrains by default", r.name);
    }
    let rules = parse(
        "defaults = false\n[[rule]]\nname = \"d\"\nkind = \"feature_drift\"\nretrain = true\n\
         [[rule]]\nname = \"q\"\nkind = \"model_quality\"\nfloor = 0.8\nretrain = true\n\
         model = \"main.ml.churn_model\"\n[[rule]]\nname = \"off\"\nkind = \"feature_drift\"\n",
    )
    .unwrap();
    let (d, q, off) = (&rules.rules[0], &rules.rules[1], &rules.rules[2]);
    assert!(d.retrain && d.retrain_model.is_none());
    assert!(q.retrain);
    assert_eq!(q.retrain_model.as_deref(), Some("main.ml.churn_model"));
    assert!(!off.retrain);

    for (text, says) in [
        (
            "kind = \"job_run_failed\"\nretrain = true",
            "retrain is not a parameter of kind job_run_failed",
        ),
        (
            "kind = \"endpoint_errors\"\nmax_p99_ms = 9.0\nretrain = false",
            "retrain is not a parameter of kind endpoint_errors",
        ),
        (
            "kind = \"feature_drift\"\nmodel = \"main.ml.m\"",
            "add retrain = true or remove it",
        ),
        (
            "kind = \"feature_drift\"\nretrain = true\nmodel = \"churn_model\"",
            "not a model full name",
        ),
        (
            "kind = \"feature_drift\"\nretrain = \"yes\"",
            "expected a boolean",
        ),
    ] {
        let e = err(&format!("[[rule]]\nname = \"r\"\n{text}\n"));
        assert!(e.starts_with("/c/alerts.toml:"), "{e}");
        assert!(e.contains(says), "{text}: {e}");
    }
}
