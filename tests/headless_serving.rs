//! The binary's serving twins against the simulator: `endpoints`, `endpoint`, `traffic`,
//! `rollback --endpoint`, `query` and `canary`, with their confirmation rules, journal and exit
//! codes. The simulator runs on the real clock with a short update delay; nothing asserts on
//! how long anything takes.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

use mlops_console::api::{Client, ClientOptions, Credentials, Secret};
use mlops_console::ops::traffic::Split;
use mlops_console::sim::{self, SimHandle, SimOptions};

const OK: i32 = 0;
const USAGE: i32 = 2;
const NOT_FOUND: i32 = 3;
const CONFLICT_OR_PERMISSION: i32 = 4;
const CONFIG: i32 = 8;

/// Config and data dirs that persist across runs (the journal and canary state live there),
/// and profiles `dev` and `prod` (production) pointing at the simulator.
struct Env {
    dir: tempfile::TempDir,
    sim: SimHandle,
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }
}

impl Env {
    async fn new() -> Env {
        let sim = sim::start(SimOptions {
            serving_update_delay: Duration::from_millis(300),
            ..SimOptions::default()
        })
        .await
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        std::fs::write(
            dir.path().join("config/config.toml"),
            "[profiles.prod]\nproduction = true\n",
        )
        .unwrap();
        let cfg = format!(
            "[dev]\nhost = {url}\ntoken = {tok}\n\n[prod]\nhost = {url}\ntoken = {tok}\n",
            url = sim.base_url,
            tok = sim.token
        );
        std::fs::write(dir.path().join("databrickscfg"), cfg).unwrap();
        Env { dir, sim }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    async fn run(&self, args: &[&str]) -> Out {
        let root = self.dir.path().to_path_buf();
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let out = tokio::task::spawn_blocking(move || {
            let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_mlops-console"));
            for (k, _) in std::env::vars() {
                if k.starts_with("DATABRICKS_") {
                    cmd.env_remove(k);
                }
            }
            cmd.env("DATABRICKS_CONFIG_FILE", root.join("databrickscfg"))
                .env("MLOPS_CONSOLE_CONFIG_DIR", root.join("config"))
                .env("MLOPS_CONSOLE_DATA_DIR", root.join("data"))
                .env("HOME", &root)
                .args(&args)
                .output()
                .expect("binary runs")
        })
        .await
        .unwrap();
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn client(&self) -> Client {
        Client::new(ClientOptions::new(
            self.sim.base_url.clone(),
            Credentials::Pat(Secret::new(self.sim.token.clone())),
        ))
        .unwrap()
    }

    async fn split(&self) -> Split {
        Split::of_endpoint(
            &self
                .client()
                .get_serving_endpoint("churn-prod")
                .await
                .unwrap(),
        )
    }

    fn puts(&self) -> usize {
        self.sim
            .request_log()
            .iter()
            .filter(|r| r.method == "PUT")
            .count()
    }
}

#[tokio::test]
async fn endpoints_and_endpoint_read_as_tables_and_json() {
    let env = Env::new().await;
    let out = env.run(&["--profile", "dev", "endpoints"]).await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines[0].starts_with("NAME") && lines[0].contains("TRAFFIC"));
    assert!(
        lines[1].contains("churn_model-4=90, churn_model-5=10"),
        "{}",
        lines[1]
    );
    assert!(
        lines[3].contains("NOT_READY, update failed"),
        "{}",
        lines[3]
    );
    let json = env
        .run(&["--profile", "dev", "endpoints", "--json"])
        .await
        .json();
    assert_eq!(json.as_array().unwrap().len(), 3);
    assert_eq!(
        json[0]["config"]["traffic_config"]["routes"][1]["traffic_percentage"],
        10
    );

    let out = env
        .run(&["--profile", "dev", "endpoint", "churn-prod"])
        .await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    assert!(out.stdout.contains("config    version 7"), "{}", out.stdout);
    assert!(out.stdout.contains("P50/P99"));
    let json = env
        .run(&["--profile", "dev", "endpoint", "churn-prod", "--json"])
        .await
        .json();
    assert_eq!(json["endpoint"]["name"], "churn-prod");
    assert!(json["since_start"].is_array());
    let missing = env.run(&["--profile", "dev", "endpoint", "nope"]).await;
    assert_eq!(missing.code, NOT_FOUND);
}

#[tokio::test]
async fn traffic_needs_yes_and_on_production_confirm_then_rolls_back_from_the_journal() {
    let env = Env::new().await;
    let dry = env
        .run(&[
            "--profile",
            "dev",
            "traffic",
            "churn-prod",
            "--set",
            "churn_model-4=80,churn_model-5=20",
        ])
        .await;
    // Printing the plan is what was asked for: a success.
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        dry.stdout
            .contains("After:    churn_model-4=80, churn_model-5=20")
    );
    assert!(dry.stderr.contains("add --yes"));
    let prod = env
        .run(&[
            "--profile",
            "prod",
            "traffic",
            "churn-prod",
            "--shift",
            "churn_model-5=+10",
            "--yes",
        ])
        .await;
    assert_eq!(prod.code, USAGE);
    assert!(
        prod.stderr.contains("--confirm churn-prod"),
        "{}",
        prod.stderr
    );
    let wrong = env
        .run(&[
            "--profile",
            "prod",
            "traffic",
            "churn-prod",
            "--shift",
            "churn_model-5=+10",
            "--yes",
            "--confirm",
            "churn-dev",
        ])
        .await;
    assert_eq!(wrong.code, USAGE);
    assert_eq!(env.puts(), 0, "nothing was sent");
    for bad in [
        "churn_model-4=80,churn_model-5=10",
        "churn_model-9=100",
        "x",
    ] {
        let out = env
            .run(&[
                "--profile",
                "dev",
                "traffic",
                "churn-prod",
                "--set",
                bad,
                "--yes",
            ])
            .await;
        assert_eq!(out.code, USAGE, "{bad}: {}", out.stderr);
    }

    let done = env
        .run(&[
            "--profile",
            "prod",
            "traffic",
            "churn-prod",
            "--shift",
            "churn_model-5=+10",
            "--yes",
            "--confirm",
            "churn-prod",
            "--json",
        ])
        .await;
    assert_eq!(done.code, OK, "{}", done.stderr);
    let doc = done.json();
    assert_eq!(doc["executed"], true);
    assert_eq!(doc["outcome"]["outcome"], "ok");
    assert_eq!(env.split().await.percent("churn_model-5"), 20);

    let back = env
        .run(&[
            "--profile",
            "dev",
            "rollback",
            "--endpoint",
            "churn-prod",
            "--yes",
        ])
        .await;
    assert_eq!(back.code, OK, "{}", back.stderr);
    assert!(
        back.stdout.contains("Reverts:  journal entry"),
        "{}",
        back.stdout
    );
    assert_eq!(env.split().await.percent("churn_model-5"), 10);
    let audit = env.run(&["--profile", "dev", "audit", "--json"]).await;
    assert_eq!(audit.code, OK);
    assert!(audit.stdout.contains("\"rollback\"") && audit.stdout.contains("\"traffic\""));

    let ro = env
        .run(&[
            "--profile",
            "dev",
            "--readonly",
            "rollback",
            "--endpoint",
            "churn-prod",
            "--yes",
        ])
        .await;
    assert_eq!(ro.code, CONFLICT_OR_PERMISSION);
}

#[tokio::test]
async fn query_shows_the_answer_and_who_answered_even_read_only() {
    let env = Env::new().await;
    let data = env.path("payload.json");
    std::fs::write(
        &data,
        r#"{"dataframe_records": [{"tenure_months": 3, "monthly_charges": 89.5,
            "support_tickets": 4, "contract_type": "month-to-month", "num_products": 1}]}"#,
    )
    .unwrap();
    let out = env
        .run(&[
            "--profile",
            "dev",
            "--readonly",
            "query",
            "churn-prod",
            "--data",
            data.to_str().unwrap(),
            "--json",
        ])
        .await;
    if out.code == OK {
        let q = out.json();
        let served = q["served_model_name"].as_str().unwrap();
        assert!(served.starts_with("churn_model-"), "{served}");
        assert!(q["predictions"][0].as_f64().unwrap() > 0.5);
        assert!(q["latency"].as_f64().unwrap() > 0.0);
    } else {
        // The simulated model fails now and then, as a real one does.
        assert!(out.stderr.contains("INTERNAL_ERROR"), "{}", out.stderr);
    }
    let missing = env
        .run(&[
            "--profile",
            "dev",
            "query",
            "churn-prod",
            "--data",
            "/nonexistent.json",
        ])
        .await;
    assert_eq!(missing.code, USAGE);
}

#[tokio::test]
async fn query_without_data_sends_the_endpoints_example() {
    let env = Env::new().await;
    // The simulated model fails now and then: a few tries find an answer.
    for _ in 0..10 {
        let out = env
            .run(&["--profile", "dev", "query", "churn-prod", "--json"])
            .await;
        if out.code == OK {
            let q = out.json();
            assert!(
                q["served_model_name"]
                    .as_str()
                    .unwrap()
                    .starts_with("churn_model-")
            );
            let p = q["predictions"][0].as_f64().unwrap();
            assert!(p > 0.0 && p < 1.0, "{p}");
            return;
        }
        assert!(out.stderr.contains("INTERNAL_ERROR"), "{}", out.stderr);
    }
    panic!("no answer in 10 tries");
}

#[tokio::test]
async fn canary_runs_a_plan_to_promotion_and_reports_its_state() {
    let env = Env::new().await;
    let plan = env.path("plan.toml");
    std::fs::write(
        &plan,
        "endpoint = \"churn-prod\"\nstable = \"churn_model-4\"\ncanary = \"churn_model-5\"\n\
         steps = [50, 100]\nhold = \"1s\"\ninterval = \"1s\"\n[guards]\nmin_requests = 10\n\
         max_error_rate_delta = 0.2\nconfidence = 0.9\n",
    )
    .unwrap();
    let p = plan.to_str().unwrap();
    let no = env
        .run(&["--profile", "dev", "canary", "churn-prod", "--plan", p])
        .await;
    assert_eq!(no.code, 0, "without --yes the plan is shown: {}", no.stderr);
    let wrong = env
        .run(&[
            "--profile",
            "dev",
            "canary",
            "fraud-scoring",
            "--plan",
            p,
            "--yes",
        ])
        .await;
    assert_eq!(wrong.code, USAGE, "the plan names another endpoint");
    let bad = env.path("bad.toml");
    std::fs::write(&bad, "endpoint = \"churn-prod\"\nsteps = [50, 10]\n").unwrap();
    let invalid = env
        .run(&[
            "--profile",
            "dev",
            "canary",
            "churn-prod",
            "--plan",
            bad.to_str().unwrap(),
            "--yes",
        ])
        .await;
    assert_eq!(invalid.code, CONFIG);
    assert!(
        invalid.stderr.contains("steps: must increase strictly"),
        "{}",
        invalid.stderr
    );

    let run = env
        .run(&[
            "--profile",
            "dev",
            "canary",
            "churn-prod",
            "--plan",
            p,
            "--wait",
            "--yes",
            "--json",
        ])
        .await;
    assert_eq!(run.code, OK, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.json()["phase"], "completed");
    assert_eq!(env.split().await.percent("churn_model-5"), 100);
    let status = env
        .run(&["--profile", "dev", "canary", "churn-prod", "--status"])
        .await;
    assert_eq!(status.code, OK);
    assert!(status.stdout.contains("completed"), "{}", status.stdout);
    let none = env
        .run(&["--profile", "dev", "canary", "fraud-scoring", "--status"])
        .await;
    assert_eq!(none.code, NOT_FOUND);
}

#[tokio::test]
async fn traffic_refuses_shifts_and_shares_out_of_range_without_sending() {
    let env = Env::new().await;
    // The simulator starts churn-prod at churn_model-4=90, churn_model-5=10.
    for (flag, value, needle) in [
        ("--shift", "churn_model-5=+1000", "at most 100 points"),
        ("--shift", "churn_model-5=-1000", "at most 100 points"),
        ("--shift", "churn_model-5=+91", "up by at most 90 points"),
        ("--shift", "churn_model-5=-11", "down by at most 10 points"),
        ("--shift", "churn_model-5=+99999999999", "whole number"),
        (
            "--set",
            "churn_model-4=101,churn_model-5=-1",
            "from 0 to 100",
        ),
    ] {
        let out = env
            .run(&[
                "--profile",
                "dev",
                "traffic",
                "churn-prod",
                flag,
                value,
                "--yes",
            ])
            .await;
        assert_eq!(out.code, USAGE, "{value}: {}", out.stderr);
        assert!(out.stderr.contains(needle), "{value}: {}", out.stderr);
        assert!(!out.stdout.contains("After:"), "{value}: no plan printed");
    }
    assert_eq!(env.puts(), 0, "nothing was sent");
    assert_eq!(env.split().await.percent("churn_model-5"), 10);
}

#[tokio::test]
async fn bad_canary_plans_are_configuration_errors_naming_file_line_and_field() {
    let env = Env::new().await;
    let good = "endpoint = \"churn-prod\"\nstable = \"churn_model-4\"\ncanary = \
                \"churn_model-5\"\nsteps = [50, 100]\nhold = \"1m\"\ninterval = \"15s\"\n";
    for (name, text, needles) in [
        (
            "syntax.toml",
            good.replace("steps = [50, 100]", "steps = [50, 100"),
            vec!["syntax.toml:5:", "missing comma"],
        ),
        (
            "order.toml",
            good.replace("[50, 100]", "[50, 10]"),
            vec!["order.toml:4:", "steps: must increase strictly"],
        ),
        (
            "hold.toml",
            good.replace("\"1m\"", "\"99999999999999999h\""),
            vec!["hold.toml:5:", "hold:", "too long"],
        ),
    ] {
        let path = env.path(name);
        std::fs::write(&path, text).unwrap();
        let out = env
            .run(&[
                "--profile",
                "dev",
                "canary",
                "churn-prod",
                "--plan",
                path.to_str().unwrap(),
                "--yes",
            ])
            .await;
        assert_eq!(out.code, CONFIG, "{name}: {}", out.stderr);
        for needle in needles {
            assert!(out.stderr.contains(needle), "{name}: {}", out.stderr);
        }
    }
    let missing = env
        .run(&[
            "--profile",
            "dev",
            "canary",
            "churn-prod",
            "--plan",
            env.path("nope.toml").to_str().unwrap(),
            "--yes",
        ])
        .await;
    assert_eq!(missing.code, CONFIG, "{}", missing.stderr);
    assert!(missing.stderr.contains("nope.toml"), "{}", missing.stderr);
    assert_eq!(env.puts(), 0, "nothing was sent");
}
#[tokio::test]
async fn a_corrupt_saved_plan_is_named_and_the_other_plans_still_read() {
    let env = Env::new().await;
    let dir = env.path("data/canaries");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("churn-prod.json"), b"{\"version\": 1, \xff\xfe}").unwrap();
    let out = env
        .run(&["--profile", "dev", "canary", "churn-prod", "--status"])
        .await;
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("canaries/churn-prod.json") && out.stderr.contains("UTF-8"),
        "{}",
        out.stderr
    );
    let other = env
        .run(&["--profile", "dev", "canary", "fraud-scoring", "--status"])
        .await;
    assert_eq!(other.code, NOT_FOUND, "{}", other.stderr);
}
