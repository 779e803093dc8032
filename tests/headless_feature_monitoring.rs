//! `feature TABLE` with the table's monitor: per feature the latest null rate and drift, in
//! the text and in `--json`; a table without a monitor says so (and how to create one) and
//! still exits 0. The binary against the simulator; only 127.0.0.1 is contacted.

mod headless_support;

use serde_json::Value;

use headless_support::{Env, OK};

const CUSTOMER: &str = "main.features.customer_features";
const TXN: &str = "main.features.txn_agg_30d";

fn feature<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["monitoring"]["features"]
        .as_array()
        .expect("features")
        .iter()
        .find(|f| f["feature"] == name)
        .unwrap_or_else(|| panic!("{name} in {doc}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feature_shows_each_features_null_rate_and_drift_from_the_monitor() {
    let env = Env::new("").await;
    let out = env.run_as("dev", &["feature", CUSTOMER, "--json"]).await;
    assert_eq!(out.code, OK, "{}\n{}", out.stdout, out.stderr);
    let doc = out.json();
    let m = &doc["monitoring"];
    assert_eq!(m["state"], "monitored", "{m}");
    assert_eq!(m["kind"], "time series");
    let features = m["features"].as_array().unwrap();
    assert_eq!(features.len(), 5, "{m}");
    assert!(features.iter().all(|f| f["feature"] != "customer_id"));
    // Worst first: the spend feature drifts.
    assert_eq!(features[0]["feature"], "avg_basket_value");
    assert_eq!(
        feature(&doc, "avg_basket_value")["drift"]["severity"],
        "critical"
    );
    assert_eq!(feature(&doc, "tenure_months")["drift"]["severity"], "ok");
    let login = feature(&doc, "days_since_last_login");
    assert!(login["null_rate"].as_f64().unwrap() > 20.0, "{login}");
    assert!(login["null_rate_before"].as_f64().unwrap() < 5.0, "{login}");

    let text = env.run_as("dev", &["feature", CUSTOMER]).await;
    assert_eq!(text.code, OK, "{}", text.stderr);
    let at = text
        .stdout
        .find("feature monitoring: time series monitor")
        .unwrap_or_else(|| panic!("{}", text.stdout));
    // The section, after the columns (which name the features too).
    let s = &text.stdout[at..];
    assert!(s.contains("1 drifting, 1 with rising nulls"), "{s}");
    let spend = s
        .lines()
        .find(|l| l.starts_with("avg_basket_value"))
        .unwrap_or_else(|| panic!("{s}"));
    assert!(spend.contains("critical (psi"), "{spend}");
    let login = s
        .lines()
        .find(|l| l.starts_with("days_since_last_login"))
        .unwrap();
    assert!(login.contains("rising"), "{login}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_table_without_a_monitor_says_so_and_the_detail_still_answers() {
    let env = Env::new("").await;
    let out = env.run_as("dev", &["feature", TXN, "--json"]).await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    let doc = out.json();
    assert_eq!(doc["monitoring"]["state"], "no_monitor");
    assert!(
        doc["monitoring"]["hint"]
            .as_str()
            .unwrap()
            .contains("/api/data-quality/v1/monitors")
    );
    assert_eq!(doc["table"], TXN, "the detail is there");
    let text = env.run_as("dev", &["feature", TXN]).await;
    assert!(
        text.stdout
            .contains("feature monitoring: no monitor on this table; create one"),
        "{}",
        text.stdout
    );
}
