//! Canary safety against the simulator: a plan whose first step is below the canary's share
//! says so before anything is sent; `rollback --endpoint` after a finished plan puts back the
//! config from before the plan; a promotion says the stable entity is left at 0%, and
//! `traffic --remove` takes it away (only at 0%).

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

use mlops_console::api::{Client, ClientOptions, Credentials, Secret};
use mlops_console::ops::traffic::Split;
use mlops_console::sim::{self, SimHandle, SimOptions};

const OK: i32 = 0;
const USAGE: i32 = 2;

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

const PLAN_TAIL: &str = "hold = \"1s\"\ninterval = \"1s\"\n[guards]\nmin_requests = 10\n\
                         max_error_rate_delta = 0.2\nconfidence = 0.9\n";

fn plan_text(steps: &str) -> String {
    format!(
        "endpoint = \"churn-prod\"\nstable = \"churn_model-4\"\ncanary = \"churn_model-5\"\n\
         steps = {steps}\n{PLAN_TAIL}"
    )
}

#[tokio::test]
async fn a_first_step_below_the_canarys_share_is_named_before_anything_is_sent() {
    let env = Env::new().await;
    assert_eq!(env.split().await.percent("churn_model-5"), 10);
    let cut = env.path("cut.toml");
    std::fs::write(&cut, plan_text("[5, 100]")).unwrap();
    let out = env
        .run(&[
            "--profile",
            "dev",
            "canary",
            "churn-prod",
            "--plan",
            cut.to_str().unwrap(),
        ])
        .await;
    assert_eq!(
        out.code, OK,
        "no --yes: the plan is printed: {}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("warning: the first step cuts churn_model-5 from 10% to 5% of the traffic"),
        "{}",
        out.stderr
    );
    assert_eq!(env.puts(), 0, "nothing sent");

    let from_share = env.path("share.toml");
    std::fs::write(&from_share, plan_text("[10, 100]")).unwrap();
    let out = env
        .run(&[
            "--profile",
            "dev",
            "canary",
            "churn-prod",
            "--plan",
            from_share.to_str().unwrap(),
        ])
        .await;
    assert!(!out.stderr.contains("cuts"), "{}", out.stderr);
}

#[tokio::test]
async fn rolling_back_after_a_finished_plan_puts_back_the_config_from_before_it() {
    let env = Env::new().await;
    let plan = env.path("plan.toml");
    std::fs::write(&plan, plan_text("[50, 100]")).unwrap();
    let run = env
        .run(&[
            "--profile",
            "dev",
            "canary",
            "churn-prod",
            "--plan",
            plan.to_str().unwrap(),
            "--wait",
            "--yes",
            "--json",
        ])
        .await;
    assert_eq!(run.code, OK, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.json()["phase"], "completed");
    assert_eq!(env.split().await.percent("churn_model-5"), 100);

    let out = env
        .run(&["--profile", "dev", "rollback", "--endpoint", "churn-prod"])
        .await;
    assert_eq!(out.code, OK, "no --yes: the plan is printed");
    assert!(
        out.stdout.contains("before the canary plan")
            || out.stderr.contains("before the canary plan"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    let out = env
        .run(&[
            "--profile",
            "dev",
            "rollback",
            "--endpoint",
            "churn-prod",
            "--yes",
        ])
        .await;
    assert_eq!(out.code, OK, "{}\n{}", out.stdout, out.stderr);
    let split = env.split().await;
    assert_eq!(
        (
            split.percent("churn_model-4"),
            split.percent("churn_model-5")
        ),
        (90, 10),
        "the split from before the plan, not its 50% step"
    );
}

#[tokio::test]
async fn after_a_promotion_the_entity_left_at_zero_can_be_removed() {
    let env = Env::new().await;
    // Only an entity at 0% is removed.
    let out = env
        .run(&[
            "--profile",
            "dev",
            "traffic",
            "churn-prod",
            "--remove",
            "churn_model-4",
            "--yes",
        ])
        .await;
    assert_eq!(out.code, USAGE, "{}", out.stderr);
    assert!(out.stderr.contains("move it to 0% first"), "{}", out.stderr);
    assert_eq!(env.puts(), 0);

    let plan = env.path("plan.toml");
    std::fs::write(&plan, plan_text("[100]")).unwrap();
    let run = env
        .run(&[
            "--profile",
            "dev",
            "canary",
            "churn-prod",
            "--plan",
            plan.to_str().unwrap(),
            "--wait",
            "--yes",
        ])
        .await;
    assert_eq!(run.code, OK, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("churn_model-4 is left at 0%")
            && run
                .stderr
                .contains("traffic churn-prod --remove churn_model-4"),
        "{}",
        run.stderr
    );
    let out = env
        .run(&[
            "--profile",
            "dev",
            "traffic",
            "churn-prod",
            "--remove",
            "churn_model-4",
            "--yes",
        ])
        .await;
    assert_eq!(out.code, OK, "{}\n{}", out.stdout, out.stderr);
    let ep = env
        .client()
        .get_serving_endpoint("churn-prod")
        .await
        .unwrap();
    let names: Vec<String> = ep
        .config
        .iter()
        .flat_map(|c| c.served_entities.iter().map(|e| e.name.clone()))
        .collect();
    assert_eq!(names, ["churn_model-5"]);
    assert_eq!(env.split().await.percent("churn_model-5"), 100);
}
