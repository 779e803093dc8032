//! `quality TABLE` links each model version to the registered model version and the served
//! entity serving it (text and JSON): through the table property `mlops.endpoint` in the demo,
//! through `[monitoring] endpoints` in the config, or nothing (said on stderr and in the JSON).
//! Only 127.0.0.1 is contacted.

mod headless_support;

use headless_support::{Env, OK};

const TABLE: &str = "main.ml.churn_inference";
const PROFILE: &str = "main.ml.churn_inference_profile_metrics";
const BASELINE: &str = "main.ml.churn_inference_baseline";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quality_links_versions_to_the_registry_and_the_endpoint() {
    let env = Env::new("").await;
    let out = env.run_as("dev", &["quality", TABLE, "--json"]).await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    let v = out.json();
    let link = &v["versions"][0]["link"];
    assert_eq!(link["model_id"], "4");
    assert_eq!(link["model"], "main.ml.churn_model");
    assert_eq!(link["version"], "4");
    assert_eq!(link["endpoint"], "churn-prod");
    assert_eq!(link["entity"], "churn_model-4");
    assert_eq!(link["traffic"], 90);
    assert_eq!(v["versions"][1]["link"]["traffic"], 10);
    assert_eq!(v["endpoints"][0]["endpoint"], "churn-prod");
    assert_eq!(v["endpoints"][0]["source"], "table_property");
    assert!(v.get("unlinked").is_none());

    let text = env.run_as("dev", &["quality", TABLE]).await;
    assert_eq!(text.code, OK, "{}", text.stderr);
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert!(lines[1].contains("MODEL · SERVED BY"), "{}", text.stdout);
    assert!(
        lines[2].starts_with('4') && lines[2].contains("churn_model v4 · churn-prod 90%"),
        "{}",
        text.stdout
    );
    assert!(
        !text.stderr.contains("no endpoint found"),
        "{}",
        text.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unlinked_table_says_how_to_link_it_and_the_config_links_it() {
    let env = Env::new("").await;
    let args = ["quality", BASELINE, "--metrics-table", PROFILE];
    let out = env.run_as("dev", &args).await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "no endpoint found for this table: set [monitoring] endpoints or the table property mlops.endpoint"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("not linked"), "{}", out.stdout);
    let json = env.run_as("dev", &[&args[..], &["--json"]].concat()).await;
    let v = json.json();
    assert!(
        v["unlinked"]
            .as_str()
            .unwrap()
            .starts_with("no endpoint found")
    );
    assert_eq!(v["versions"][0]["link"]["model"], serde_json::Value::Null);

    let env = Env::new(&format!(
        "[monitoring]\nendpoints = {{ \"{BASELINE}\" = \"churn-prod\" }}\n"
    ))
    .await;
    let out = env.run_as("dev", &[&args[..], &["--json"]].concat()).await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["endpoints"][0]["source"], "config");
    assert_eq!(v["versions"][1]["link"]["entity"], "churn_model-5");
}
