//! `alerts` as the binary against the simulator: exit 7 on the demo (a critical fires), the
//! JSON shape (firing, unknown rules, the workspace's SQL alerts), alerts.toml honoured and
//! refused with its line, exit 1 when nothing can be read, `--watch` printing one fired line
//! and then nothing while unchanged, and `alerts save` (plan, production refusal, journaled
//! create). Only 127.0.0.1 is contacted.

mod headless_support;

use serde_json::Value;

use headless_support::{AUTH, CONFIG, Env, FAILURE, OK, PRODUCTION, USAGE, cli, sim};

const GATE: i32 = 7;
const WAREHOUSE: &str = "4b9f0e1c2a3d5e6f";

fn ids(v: &Value, key: &str, field: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} in {v}"))
        .iter()
        .map(|x| x[field].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_the_demo_a_critical_fires_and_alerts_exits_7_with_the_sql_alerts_beside() {
    let env = Env::new("").await;
    let out = env.run_as("dev", &["alerts", "--json"]).await;
    assert_eq!(out.code, GATE, "{}\n{}", out.stdout, out.stderr);
    let v = out.stdout_json();
    let firing = ids(&v, "firing", "id");
    assert!(
        firing.contains(&"endpoint-update-failed/recsys-staging".to_string()),
        "{firing:?}"
    );
    let failed = v["firing"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["object"]["name"] == "recsys-staging")
        .unwrap();
    assert_eq!(failed["severity"], "critical");
    assert_eq!(failed["rule"], "endpoint-update-failed");
    assert_eq!(failed["object"]["kind"], "endpoint");
    assert!(failed["since_ms"].as_i64().is_some());
    let detail = failed["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("config update failed: Container image build failed"),
        "the failed entity's message, read from the endpoint: {detail}"
    );
    // The demo's monitors are discovered and their drift read: tenure_months has drifted for
    // the last windows, so the built-in drift rule fires; so does the feature table's spend
    // feature (the feature store's monitor).
    let mut drift: Vec<&Value> = v["firing"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["rule"] == "feature-drift")
        .collect();
    assert_eq!(drift.len(), 2, "{drift:?}");
    let spend = drift.remove(
        drift
            .iter()
            .position(|a| a["object"]["keys"]["feature"] == "avg_basket_value")
            .expect("the feature table's spend feature drifts"),
    );
    assert_eq!(
        spend["object"]["keys"]["table"],
        "main.features.customer_features"
    );
    assert_eq!(drift[0]["object"]["kind"], "feature");
    assert!(
        drift[0]["object"]["name"]
            .as_str()
            .unwrap()
            .contains("tenure_months"),
        "{}",
        drift[0]
    );
    assert_eq!(drift[0]["severity"], "critical");
    let unknown = ids(&v, "unknown", "rule");
    assert!(
        !unknown.contains(&"feature-drift".to_string()),
        "{unknown:?}"
    );
    assert!(
        !unknown.contains(&"model-quality".to_string()),
        "{unknown:?}"
    );
    assert!(
        !unknown.contains(&"feature-table-stale".to_string()),
        "{unknown:?}"
    );
    // The stale feature table (last written 52 h ago), and only it.
    let stale: Vec<&Value> = v["firing"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["rule"] == "feature-table-stale")
        .collect();
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert_eq!(stale[0]["object"]["kind"], "feature_table");
    assert_eq!(
        stale[0]["object"]["name"],
        "main.features.support_interactions"
    );
    assert!(!unknown.contains(&"endpoint-update-failed".to_string()));
    assert_eq!(v["rules"], 8);
    let states = ids(&v, "sql_alerts", "state");
    assert_eq!(states, ["TRIGGERED", "OK"]);
    assert!(v["sql_alerts"][0]["last_evaluated_at"].as_str().is_some());
    assert_eq!(v["sql_alerts_error"], Value::Null);

    let out = env.run_as("dev", &["alerts", "--once"]).await;
    assert_eq!(out.code, GATE, "{}", out.stderr);
    let first = out.stdout.lines().next().unwrap();
    assert!(first.starts_with("SEVERITY  RULE"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("critical  endpoint-update-failed  recsys-staging")
    );
    // Every built-in rule is judged on the demo (freshness too): nothing is unknown.
    assert!(
        !out.stdout.contains("not evaluated (unknown, not OK):"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("feature-table-stale"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("TRIGGERED  churn tenure_months drift (PSI)")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rules_file_is_honoured_and_a_bad_one_is_refused_with_its_line() {
    let env = Env::new("").await;
    env.file(
        "config/alerts.toml",
        "defaults = false\n[[rule]]\nname = \"updates\"\nkind = \"endpoint_update_failed\"\nseverity = \"warning\"\n",
    );
    let out = env.run_as("dev", &["alerts", "--json"]).await;
    assert_eq!(out.code, OK, "a warning does not gate: {}", out.stderr);
    let v = out.stdout_json();
    assert_eq!(ids(&v, "firing", "id"), ["updates/recsys-staging"]);
    assert_eq!(v["rules"], 1);
    assert!(v["rules_file"].as_str().unwrap().ends_with("alerts.toml"));

    env.file(
        "config/alerts.toml",
        "[[rule]]\nname = \"x\"\nkind = \"job_run_failed\"\nwindows = 3\n",
    );
    let out = env.run_as("dev", &["alerts"]).await;
    assert_eq!(out.code, CONFIG);
    assert!(out.stderr.contains("alerts.toml:1:"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("windows is not a parameter of kind job_run_failed")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_readable_is_exit_1_not_a_clean_bill() {
    let s = sim().await;
    let (url, token) = (s.base_url.clone(), s.token.clone());
    s.shutdown().await;
    let out = cli(&url, &token, &["alerts"]).await;
    assert_eq!(out.code, FAILURE, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("could not evaluate"), "{}", out.stderr);
    assert!(out.stdout.is_empty());

    let s = sim().await;
    let out = cli(&s.base_url, "wrong", &["alerts", "--json"]).await;
    assert_eq!(
        out.code, AUTH,
        "a refused token is an auth failure: {}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_prints_one_fired_line_then_nothing_while_unchanged() {
    let env = Env::new("").await;
    env.file(
        "config/alerts.toml",
        "defaults = false\n[[rule]]\nname = \"updates\"\nkind = \"endpoint_update_failed\"\n",
    );
    let out = env
        .run_as(
            "dev",
            &["alerts", "--watch", "--interval", "1", "--cycles", "3"],
        )
        .await;
    assert_eq!(out.code, GATE, "still firing at the end: {}", out.stderr);
    let lines: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len(), 1, "{}", out.stdout);
    assert_eq!(lines[0]["change"], "fired");
    assert_eq!(lines[0]["alert"]["id"], "updates/recsys-staging");
    assert_eq!(lines[0]["alert"]["severity"], "critical");
    assert!(lines[0]["at_ms"].as_i64().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn save_prints_the_alert_refuses_production_without_confirm_and_journals_the_create() {
    let env = Env::new(PRODUCTION).await;
    env.file(
        "config/alerts.toml",
        "[[rule]]\nname = \"tenure\"\nkind = \"feature_drift\"\nfeature = \"tenure_months\"\ntarget = \"main.ml.churn_inference\"\n",
    );
    let save = ["alerts", "save", "tenure", "--warehouse", WAREHOUSE];
    let out = env.run_as("dev", &save).await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("FROM `main`.`ml`.`churn_inference_drift_metrics`"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("add --yes"));
    let posts = || {
        env.sim
            .request_log()
            .iter()
            .filter(|r| r.method == "POST" && r.path == "/api/2.0/alerts")
            .count()
    };
    assert_eq!(posts(), 0);
    let out = env.run_as("prod", &[&save[..], &["--yes"]].concat()).await;
    assert_eq!(out.code, USAGE, "{}", out.stderr);
    assert!(out.stderr.contains("--confirm tenure"), "{}", out.stderr);
    assert_eq!(posts(), 0);

    let out = env
        .run_as(
            "prod",
            &[&save[..], &["--yes", "--confirm", "tenure"]].concat(),
        )
        .await;
    assert_eq!(out.code, OK, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("ok: done and verified"),
        "{}",
        out.stdout
    );
    assert_eq!(posts(), 1);
    assert!(
        env.journal().contains("\"save_sql_alert\""),
        "{}",
        env.journal()
    );
    let out = env.run_as("dev", &["alerts", "--json"]).await;
    let names = ids(&out.stdout_json(), "sql_alerts", "display_name");
    assert!(
        names.contains(&"mlops-console: tenure".to_string()),
        "{names:?}"
    );

    let out = env
        .run_as(
            "dev",
            &["alerts", "save", "job-run-failed", "--warehouse", WAREHOUSE],
        )
        .await;
    assert_eq!(out.code, USAGE);
    assert!(
        out.stderr.contains("only feature_drift rules"),
        "{}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_reads_the_monitor_backed_facts_once_per_monitoring_interval_not_every_cycle() {
    let executions = |env: &Env| {
        let log = env.sim.request_log();
        log.iter()
            .filter(|r| r.method == "POST" && r.path == "/api/2.0/sql/statements")
            .count()
    };
    let endpoint_lists = |env: &Env| {
        let log = env.sim.request_log();
        log.iter()
            .filter(|r| r.path == "/api/2.0/serving-endpoints")
            .count()
    };
    let config = "[alerts]\nmonitoring_interval = \"10m\"\n";
    let watch = |cycles: &'static str| ["alerts", "--watch", "--interval", "1", "--cycles", cycles];
    let once = Env::new(config).await;
    once.run_as("dev", &watch("1")).await;
    let thrice = Env::new(config).await;
    thrice.run_as("dev", &watch("3")).await;
    assert!(executions(&once) > 0, "the first cycle reads them");
    assert_eq!(
        executions(&thrice),
        executions(&once),
        "three cycles within the interval: one reading"
    );
    assert!(
        endpoint_lists(&thrice) >= endpoint_lists(&once) + 2,
        "the endpoints are read every cycle"
    );
}
