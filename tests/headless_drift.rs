//! `drift` and `quality` as the binary against the simulator: exit 7 on the demo's drift, 0
//! with the thresholds raised in `[drift]`, the JSON shape, a read-only profile, and exit 1
//! when the warehouse asked for is stopped (it is never started). Only 127.0.0.1 is contacted.

mod headless_support;

use headless_support::{Env, OK, USAGE};

const TABLE: &str = "main.ml.churn_inference";
const GATE: i32 = 7;
const FAILURE: i32 = 1;
const STOPPED: &str = "8c7d6e5f4a3b2c1d";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_exits_7_on_the_demo_and_ranks_tenure_first() {
    let env = Env::new("").await;
    let out = env.run_as("dev", &["drift", TABLE, "--json"]).await;
    assert_eq!(out.code, GATE, "{}", out.stderr);
    assert!(
        out.stderr.contains("warehouse: Shared serverless"),
        "{}",
        out.stderr
    );
    let v = out.stdout_json();
    assert_eq!(v["state"], "matrix");
    assert_eq!(v["table"], "main.ml.churn_inference_drift_metrics");
    assert_eq!(v["warehouse"]["name"], "Shared serverless");
    assert_eq!(v["drift_type"], "CONSECUTIVE");
    assert_eq!(v["crossed"], true);
    assert_eq!(v["counts"], "profile_count");
    assert!(v["window"]["start"].as_str().is_some());
    let features = v["features"].as_array().unwrap();
    assert_eq!(features[0]["name"], "tenure_months");
    assert!(["warning", "critical"].contains(&features[0]["severity"].as_str().unwrap()));
    assert!(features[0]["stats"]["psi"].as_f64().is_some());
    assert!(features[0]["stats"]["ks_pvalue"].as_f64().is_some());
    assert!(features[0]["count"].as_i64().unwrap() > 0);
    assert!(
        features[0]["thresholds"]["psi"]["warning"]
            .as_f64()
            .is_some()
    );

    let text = env.run_as("dev", &["drift", TABLE, "--baseline"]).await;
    assert_eq!(text.code, GATE, "{}", text.stderr);
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert!(lines[0].contains("baseline drift"), "{}", text.stdout);
    assert!(lines[1].starts_with("FEATURE") && lines[1].contains("SEVERITY"));
    assert!(lines[2].starts_with("tenure_months"), "{}", text.stdout);

    // An early window, before the drift (the fourth day of 30): nothing crossed.
    let latest = v["window"]["start"].as_str().unwrap();
    let latest = chrono::DateTime::parse_from_rfc3339(latest).unwrap();
    let early = (latest - chrono::Duration::days(25))
        .format("%Y-%m-%d")
        .to_string();
    let out = env
        .run_as("dev", &["drift", TABLE, "--json", "--window", &early])
        .await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["crossed"], false);
    assert!(v["window"]["start"].as_str().unwrap().starts_with(&early));
    let out = env
        .run_as("dev", &["drift", TABLE, "--window", "1999-01"])
        .await;
    assert_eq!(out.code, FAILURE, "{}", out.stderr);
    assert!(
        out.stderr.contains("no window starts with"),
        "{}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_exits_0_with_thresholds_raised_in_the_config() {
    let config = r#"
[drift]
psi = 10.0
js = 10.0
wasserstein = 10.0
"#;
    let env = Env::new(config).await;
    let out = env.run_as("dev", &["drift", TABLE, "--json"]).await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["crossed"], false);
    assert_eq!(v["features"][0]["name"], "tenure_months");
    // Significant, but under every threshold: a notice.
    assert_eq!(v["features"][0]["severity"], "notice");

    let bad = Env::new("[drift]\npsi = [0.3, 0.1]\n").await;
    let out = bad.run_as("dev", &["drift", TABLE]).await;
    assert_eq!(out.code, 8, "{}", out.stderr);
    assert!(out.stderr.contains("critical level"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_warehouse_is_not_started_and_bad_names_are_refused() {
    let env = Env::new("").await;
    let out = env
        .run_as("dev", &["drift", TABLE, "--warehouse", STOPPED])
        .await;
    assert_eq!(out.code, FAILURE, "{}", out.stderr);
    assert!(
        out.stderr.contains("not started without asking"),
        "{}",
        out.stderr
    );
    // The profile's warehouse_id is used when no flag is given.
    let cfg = std::fs::read_to_string(env.path("databrickscfg")).unwrap();
    let cfg = cfg.replacen("[dev]\n", &format!("[dev]\nwarehouse_id = {STOPPED}\n"), 1);
    std::fs::write(env.path("databrickscfg"), cfg).unwrap();
    let out = env.run_as("dev", &["quality", TABLE]).await;
    assert_eq!(out.code, FAILURE, "{}", out.stderr);
    assert!(out.stderr.contains("Reporting (classic)"), "{}", out.stderr);
    // Nothing was submitted to the stopped warehouse.
    let posts = env
        .sim
        .request_log()
        .iter()
        .filter(|r| r.method == "POST" && r.path.starts_with("/api/2.0/sql"))
        .count();
    assert_eq!(posts, 0);

    for bad in ["main.ml", "main.ml.t; DROP TABLE x", "main.ml.`x"] {
        let out = env.run_as("analyst", &["drift", bad]).await;
        assert_eq!(out.code, USAGE, "{bad}: {}", out.stderr);
        assert!(out.stderr.contains("not a table name"), "{}", out.stderr);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quality_lists_the_versions_and_read_only_profiles_may_read() {
    let env = Env::new("[profiles.dev]\nreadonly = true\n").await;
    let out = env.run_as("dev", &["quality", TABLE, "--json"]).await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    let v = out.json();
    let versions: Vec<&str> = v["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["4", "5"]);
    let metrics: Vec<&str> = v["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert!(metrics.contains(&"accuracy_score") && metrics.contains(&"f1_score.macro"));
    let text = env.run_as("dev", &["quality", TABLE]).await;
    assert_eq!(text.code, OK, "{}", text.stderr);
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert!(lines[1].starts_with("VERSION") && lines[1].contains("accuracy_score"));
    assert!(lines[2].starts_with('4'), "{}", text.stdout);
    // Drift on the read-only profile too.
    let out = env.run_as("dev", &["drift", TABLE]).await;
    assert_eq!(out.code, GATE, "{}", out.stderr);
}
