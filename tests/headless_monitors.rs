//! The monitor commands as the binary against the simulator: `monitors` (discovery, JSON and
//! table, `[monitoring] tables`), `monitor TABLE` (detail with refresh history, exit 3 without
//! a monitor), `monitor refresh TABLE` (plan without --yes, read-only and production refusals,
//! --wait to SUCCESS, journaled). Only 127.0.0.1 is contacted.

mod headless_support;

use serde_json::Value;

use headless_support::{CONFLICT_OR_PERMISSION, Env, NOT_FOUND, OK, PRODUCTION, USAGE};

const CHURN: &str = "main.ml.churn_inference";
const CONFIG: &str = "[monitoring]\ntables = [\"main.ml.churn_baseline\"]\n";

fn refresh_posts(env: &Env) -> usize {
    env.sim
        .request_log()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/refreshes"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monitors_lists_what_discovery_finds_and_says_what_is_not_there_yet() {
    let env = Env::new(CONFIG).await;
    let out = env.run_as("dev", &["monitors", "--json"]).await;
    let doc = out.json();
    let rows = doc["rows"].as_array().expect("rows");
    let tables: Vec<&str> = rows.iter().map(|r| r["table"].as_str().unwrap()).collect();
    assert_eq!(
        tables,
        [
            "main.ml.churn_baseline",
            "main.ml.churn_prod_payload",
            "main.features.customer_features",
            CHURN
        ]
    );
    assert_eq!(rows[0]["monitor"], Value::Null);
    assert_eq!(rows[1]["monitor"]["status"], "PENDING");
    // The feature store's monitor on a feature table.
    assert_eq!(rows[2]["monitor"]["kind"]["type"], "time_series");
    assert_eq!(rows[3]["monitor"]["kind"]["type"], "inference_log");
    assert_eq!(rows[3]["monitor"]["kind"]["model_id_column"], "model_id");
    assert_eq!(doc["api"], "data_quality");

    let table = env.run_as("dev", &["monitors"]).await;
    assert_eq!(table.code, OK, "{}", table.stderr);
    let line = |t: &str| {
        table
            .stdout
            .lines()
            .find(|l| l.starts_with(t))
            .unwrap_or_else(|| panic!("{t} in {}", table.stdout))
            .to_string()
    };
    assert!(line("main.ml.churn_baseline").contains("no monitor"));
    let payload = line("main.ml.churn_prod_payload");
    assert!(
        payload.contains("metric tables not created yet"),
        "{payload}"
    );
    assert!(payload.contains("no schedule") && payload.contains("endpoint churn-prod"));
    assert!(line(CHURN).contains("ACTIVE") && line(CHURN).contains("0 0 6 * * ? (UTC)"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monitor_shows_one_monitor_with_its_refresh_history() {
    let env = Env::new("").await;
    let out = env.run_as("dev", &["monitor", CHURN, "--json"]).await;
    let d = out.json();
    assert_eq!(d["monitor"]["table"], CHURN);
    assert_eq!(
        d["monitor"]["drift_metrics_table"],
        "main.ml.churn_inference_drift_metrics"
    );
    let refreshes = d["refreshes"].as_array().unwrap();
    assert_eq!(refreshes.len(), 5);
    assert_eq!(
        refreshes.iter().filter(|r| r["state"] == "FAILED").count(),
        1
    );
    let text = env.run_as("dev", &["monitor", CHURN]).await;
    assert_eq!(text.code, OK, "{}", text.stderr);
    for want in [
        "inference log",
        "model id",
        "model_id",
        "1 day",
        "REFRESH",
        "SCHEDULE",
        "FAILED",
    ] {
        assert!(text.stdout.contains(want), "{want} in {}", text.stdout);
    }
    let none = env
        .run_as("dev", &["monitor", "main.ml.churn_baseline"])
        .await;
    assert_eq!(none.code, NOT_FOUND, "{}", none.stderr);
    assert!(none.stderr.contains("has no monitor"));
    let missing = env.run_as("dev", &["monitor", "main.ml.nope"]).await;
    assert_eq!(missing.code, NOT_FOUND, "{}", missing.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monitor_refresh_follows_the_change_rules_and_waits_for_the_end() {
    let env = Env::new(PRODUCTION).await;
    let plan = env.run_as("dev", &["monitor", "refresh", CHURN]).await;
    assert_eq!(plan.code, OK, "{}", plan.stderr);
    assert!(
        plan.stdout
            .contains("refresh the monitor of main.ml.churn_inference")
    );
    assert!(plan.stderr.contains("add --yes"));
    let ro = env
        .run_as("dev", &["--readonly", "monitor", "refresh", CHURN, "--yes"])
        .await;
    assert_eq!(ro.code, CONFLICT_OR_PERMISSION, "{}", ro.stderr);
    let prod = env
        .run_as("prod", &["monitor", "refresh", CHURN, "--yes"])
        .await;
    assert_eq!(prod.code, USAGE, "{}", prod.stderr);
    assert!(prod.stderr.contains("--confirm main.ml.churn_inference"));
    assert_eq!(refresh_posts(&env), 0, "nothing sent so far");
    assert_eq!(env.journal_lines(), 0);

    let args = [
        "monitor",
        "refresh",
        CHURN,
        "--yes",
        "--confirm",
        CHURN,
        "--wait",
        "--json",
    ];
    let done = env.run_as("prod", &args).await;
    assert_eq!(done.code, OK, "{}\n{}", done.stdout, done.stderr);
    let doc = done.json();
    assert_eq!(doc["executed"], true);
    assert_eq!(doc["outcome"]["outcome"], "ok");
    assert_eq!(doc["ended"]["state"], "SUCCESS");
    assert!(done.stderr.contains("RUNNING") || done.stderr.contains("PENDING"));
    assert_eq!(refresh_posts(&env), 1);
    let journal = env.journal();
    assert!(journal.contains("\"refresh_monitor\""), "{journal}");
    assert_eq!(env.journal_lines(), 2, "attempt and result");
}
