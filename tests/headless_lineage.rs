//! `lineage` as the binary against the simulator: a model version's feature tables with the
//! stale one named, an endpoint's tables and the stale one with the version and traffic share
//! it reaches, a feature table's models and endpoints, JSON, and exit codes for what does not
//! exist or is asked wrongly. Only 127.0.0.1 is contacted.

mod headless_support;

use headless_support::{Env, NOT_FOUND, OK, USAGE};

const SUPPORT: &str = "main.features.support_interactions";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lineage_both_ways_as_text_and_json() {
    let env = Env::new("").await;

    let v = env
        .run_as("dev", &["lineage", "main.ml.churn_model", "5"])
        .await;
    assert_eq!(v.code, OK, "{}", v.stderr);
    let line = v
        .stdout
        .lines()
        .find(|l| l.starts_with(SUPPORT))
        .unwrap_or_else(|| panic!("{}", v.stdout));
    assert!(line.contains("stale 52 h"), "{line}");
    assert!(
        line.contains("main.features_online.support_interactions"),
        "{line}"
    );
    assert!(v.stdout.contains("functions: main.ml.churn_feature_spec"));

    let e = env
        .run_as("dev", &["lineage", "--endpoint", "churn-prod", "--json"])
        .await;
    assert_eq!(e.code, OK, "{}", e.stderr);
    let doc = e.json();
    let tables: Vec<&str> = doc["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["table"].as_str().unwrap())
        .collect();
    assert_eq!(tables.len(), 3);
    let stale: Vec<&str> = doc["tables"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["freshness"] == "stale")
        .map(|t| t["table"].as_str().unwrap())
        .collect();
    assert_eq!(stale, [SUPPORT]);
    let text = env
        .run_as("dev", &["lineage", "--endpoint", "churn-prod"])
        .await;
    assert!(
        text.stdout.contains(&format!(
            "stale: {SUPPORT} (stale 52 h) via churn_model v5, 10%"
        )),
        "{}",
        text.stdout
    );
    let fraud = env
        .run_as("dev", &["lineage", "--endpoint", "fraud-scoring"])
        .await;
    assert_eq!(fraud.code, OK, "{}", fraud.stderr);
    assert!(!fraud.stdout.contains("stale:"), "{}", fraud.stdout);

    let t = env
        .run_as("dev", &["lineage", "--table", SUPPORT, "--json"])
        .await;
    assert_eq!(t.code, OK, "{}", t.stderr);
    let doc = t.json();
    assert_eq!(doc["endpoints"][0]["endpoint"], "churn-prod");
    assert_eq!(doc["endpoints"][0]["traffic_percent"], 10);
    assert_eq!(doc["models"][0]["version"], "5");
    let t = env.run_as("dev", &["lineage", "--table", SUPPORT]).await;
    let row = t
        .stdout
        .lines()
        .find(|l| l.starts_with("churn-prod"))
        .unwrap_or_else(|| panic!("{}", t.stdout));
    assert!(
        row.contains("10%") && row.contains("main.ml.churn_model v5"),
        "{row}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_does_not_exist_is_exit_3_and_bad_usage_exit_2() {
    let env = Env::new("").await;
    let cases: [&[&str]; 3] = [
        &["lineage", "--table", "main.features.nope"],
        &["lineage", "--endpoint", "nope"],
        &["lineage", "main.ml.churn_model", "99"],
    ];
    for args in cases {
        let out = env.run_as("dev", args).await;
        assert_eq!(out.code, NOT_FOUND, "{args:?}: {}", out.stderr);
        assert!(out.stderr.starts_with("error:"), "{}", out.stderr);
    }
    let out = env.run_as("dev", &["lineage"]).await;
    assert_eq!(out.code, USAGE, "{}", out.stderr);
    let out = env
        .run_as("dev", &["lineage", "--table", SUPPORT, "--endpoint", "x"])
        .await;
    assert_eq!(out.code, USAGE, "{}", out.stderr);
}
