//! The feature commands as the binary against the simulator: `features` (table and JSON, the
//! list as the default of the `features` group), `feature TABLE` (detail, `--max-age` as a
//! pipeline gate: exit 7 when stale, 0 when fresh enough), not a feature table (exit 3), a bad
//! `[features]` section (exit 8). Only 127.0.0.1 is contacted.

mod headless_support;

use serde_json::Value;

use headless_support::{CONFIG, Env, NOT_FOUND, OK};

/// A pipeline gate failed (`exit::GATE_FAILED`).
const GATE_FAILED: i32 = 7;
const FEATURES: &str = "[features]\nschemas = [\"main.features\", \"main.ml\"]\n";
const SUPPORT: &str = "main.features.support_interactions";
const TXN: &str = "main.features.txn_agg_30d";

fn rows(doc: &Value) -> Vec<&str> {
    doc["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["table"].as_str().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn features_lists_the_feature_tables_as_json_and_as_a_table() {
    let env = Env::new(FEATURES).await;
    let doc = env.run_as("dev", &["features", "--json"]).await.json();
    assert_eq!(
        rows(&doc),
        ["main.features.customer_features", SUPPORT, TXN]
    );
    assert_eq!(
        doc["schemas"],
        serde_json::json!(["main.features", "main.ml"])
    );
    assert!(
        doc["notes"].as_array().unwrap().is_empty(),
        "{}",
        doc["notes"]
    );
    let support = &doc["rows"][1];
    assert_eq!(support["freshness"]["stale"], true);
    assert_eq!(support["freshness"]["sla_ms"], 86_400_000);
    assert_eq!(support["entity_keys"], serde_json::json!(["customer_id"]));
    assert_eq!(support["models"]["models"], 1);
    assert!(
        support.get("lineage").is_none(),
        "lineage is left to its reader"
    );
    let txn = &doc["rows"][2];
    assert_eq!(txn["timeseries_keys"], serde_json::json!(["ts"]));
    assert_eq!(txn["online"][0]["uc_state"], "ACTIVE");
    assert_eq!(txn["online"][0]["first_sync_done"], false);

    // `features list` is the same list.
    let again = env
        .run_as("dev", &["features", "list", "--json"])
        .await
        .json();
    assert_eq!(rows(&again), rows(&doc));

    let table = env.run_as("dev", &["features"]).await;
    assert_eq!(table.code, OK, "{}", table.stderr);
    let line = table
        .stdout
        .lines()
        .find(|l| l.starts_with(SUPPORT))
        .unwrap_or_else(|| panic!("{}", table.stdout));
    assert!(line.contains("STALE"), "{line}");
    let txn_line = table.stdout.lines().find(|l| l.starts_with(TXN)).unwrap();
    assert!(txn_line.contains("ts (time)") && txn_line.contains("first sync running"));
    assert!(!txn_line.contains("STALE"), "{txn_line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feature_max_age_is_a_pipeline_gate() {
    let env = Env::new(FEATURES).await;
    // Last written 52 h ago.
    let stale = env
        .run_as("dev", &["feature", SUPPORT, "--max-age", "24h"])
        .await;
    assert_eq!(stale.code, GATE_FAILED, "{}", stale.stderr);
    assert!(stale.stderr.contains("older than 24h"), "{}", stale.stderr);
    let lenient = env
        .run_as("dev", &["feature", SUPPORT, "--max-age", "72h", "--json"])
        .await;
    assert_eq!(lenient.code, OK, "{}", lenient.stderr);
    assert_eq!(lenient.stdout_json()["gate"]["passed"], true);
    let gated = env
        .run_as("dev", &["feature", SUPPORT, "--max-age", "24h", "--json"])
        .await;
    assert_eq!(gated.code, GATE_FAILED);
    let doc = gated.stdout_json();
    assert_eq!(
        doc["gate"],
        serde_json::json!({"max_age_ms": 86_400_000, "passed": false})
    );
    // Without --max-age: no gate, exit 0 even when stale.
    let plain = env.run_as("dev", &["feature", SUPPORT]).await;
    assert_eq!(plain.code, OK, "{}", plain.stderr);
    assert!(plain.stdout.contains("STALE"), "{}", plain.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feature_json_has_keys_freshness_versions_and_online_status() {
    let env = Env::new(FEATURES).await;
    let out = env
        .run_as("dev", &["feature", TXN, "--json", "--max-age", "2h"])
        .await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    let d = out.stdout_json();
    assert_eq!(d["table"], TXN);
    assert_eq!(d["entity_keys"], serde_json::json!(["customer_id"]));
    assert_eq!(d["timeseries_keys"], serde_json::json!(["ts"]));
    assert_eq!(d["freshness"]["source"], "delta_history");
    assert_eq!(d["freshness"]["stale"], false);
    let versions = d["versions"].as_array().expect("versions");
    assert!(versions[0]["version"].as_i64() > versions[1]["version"].as_i64());
    assert_eq!(versions[0]["operation"], "MERGE");
    assert_eq!(d["trained"][0]["how"], "logged");
    assert_eq!(d["online"][0]["uc_state"], "ACTIVE");
    assert_eq!(d["online"][0]["first_sync_done"], false);
    assert_eq!(d["producing_job"]["name"], "feature-refresh");
    assert_eq!(d["gate"]["passed"], true);
    assert!(d.get("lineage").is_none());
    assert_eq!(d["tags"]["status"], "read");
    assert_eq!(d["tags"]["tags"][1]["key"], "refresh");
    let text = env.run_as("dev", &["feature", TXN]).await;
    assert!(
        text.stdout.contains("team=payments, refresh=hourly, pii"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("UC STATE") && text.stdout.contains("SYNC STATE"));
    assert!(
        text.stdout.contains("feature-refresh (by delta history)"),
        "{}",
        text.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_a_feature_table_and_a_bad_config_are_refused() {
    let env = Env::new(FEATURES).await;
    let plain = env
        .run_as("dev", &["feature", "main.ml.churn_inference"])
        .await;
    assert_eq!(plain.code, NOT_FOUND, "{}", plain.stderr);
    assert!(
        plain.stderr.contains("not a feature table"),
        "{}",
        plain.stderr
    );
    let missing = env
        .run_as("dev", &["feature", "main.features.nope", "--max-age", "1h"])
        .await;
    assert_eq!(missing.code, NOT_FOUND, "{}", missing.stderr);

    let bad = Env::new("[features]\nsla = \"soon\"\n").await;
    let out = bad.run_as("dev", &["features"]).await;
    assert_eq!(out.code, CONFIG, "{}", out.stderr);
    assert!(out.stderr.contains("features.sla"), "{}", out.stderr);
}
