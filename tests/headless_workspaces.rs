//! Local state belongs to one workspace: two simulated workspaces (each on its own port, the
//! way a demo restarted or a `sim --host` next to a demo is) share one data dir and the same
//! endpoint names. A canary plan or a journal entry of one is never shown as current, driven
//! or rolled back on the other; a plan file of an earlier version is placed by the journal.

use std::path::PathBuf;
use std::time::Duration;

use mlops_console::api::{Client, ClientOptions, Credentials, Secret};
use mlops_console::ops::traffic::Split;
use mlops_console::sim::{self, SimHandle, SimOptions};

const OK: i32 = 0;
const NOT_FOUND: i32 = 3;

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Profiles `dev` (workspace A) and `staging` (workspace B), one data dir.
struct Env {
    dir: tempfile::TempDir,
    a: SimHandle,
    b: SimHandle,
}

async fn start_sim() -> SimHandle {
    sim::start(SimOptions {
        serving_update_delay: Duration::from_millis(300),
        ..SimOptions::default()
    })
    .await
    .unwrap()
}

impl Env {
    async fn new() -> Env {
        let (a, b) = (start_sim().await, start_sim().await);
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        let cfg = format!(
            "[dev]\nhost = {}\ntoken = {}\n\n[staging]\nhost = {}\ntoken = {}\n",
            a.base_url, a.token, b.base_url, b.token
        );
        std::fs::write(dir.path().join("databrickscfg"), cfg).unwrap();
        Env { dir, a, b }
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

    async fn split(sim: &SimHandle) -> Split {
        let client = Client::new(ClientOptions::new(
            sim.base_url.clone(),
            Credentials::Pat(Secret::new(sim.token.clone())),
        ))
        .unwrap();
        Split::of_endpoint(&client.get_serving_endpoint("churn-prod").await.unwrap())
    }

    /// Runs a quick plan to 100% on workspace A.
    async fn promote_on_a(&self) {
        let plan = self.path("plan.toml");
        std::fs::write(
            &plan,
            "endpoint = \"churn-prod\"\nstable = \"churn_model-4\"\ncanary = \"churn_model-5\"\n\
             steps = [50, 100]\nhold = \"1s\"\ninterval = \"1s\"\n[guards]\nmin_requests = 10\n\
             max_error_rate_delta = 0.2\nconfidence = 0.9\n",
        )
        .unwrap();
        let p = plan.to_str().unwrap();
        let run = self
            .run(&[
                "--profile",
                "dev",
                "canary",
                "churn-prod",
                "--plan",
                p,
                "--wait",
                "--yes",
            ])
            .await;
        assert_eq!(run.code, OK, "{}\n{}", run.stdout, run.stderr);
        assert_eq!(Env::split(&self.a).await.percent("churn_model-5"), 100);
    }
}

#[tokio::test]
async fn a_plan_finished_on_one_workspace_is_not_the_other_workspaces() {
    let env = Env::new().await;
    env.promote_on_a().await;
    let here = env
        .run(&["--profile", "dev", "canary", "churn-prod", "--status"])
        .await;
    assert_eq!(here.code, OK, "{}", here.stderr);
    assert!(here.stdout.contains("completed"), "{}", here.stdout);

    let there = env
        .run(&["--profile", "staging", "canary", "churn-prod", "--status"])
        .await;
    assert_eq!(there.code, NOT_FOUND, "{}\n{}", there.stdout, there.stderr);
    assert!(!there.stdout.contains("completed"), "{}", there.stdout);
    assert!(there.stderr.contains(&env.b.base_url), "{}", there.stderr);
    // The same through the global --host flag, as with `sim` beside a demo.
    let flag = env
        .run(&[
            "--host",
            &env.b.base_url,
            "--token",
            &env.b.token,
            "canary",
            "churn-prod",
            "--status",
        ])
        .await;
    assert_eq!(flag.code, NOT_FOUND, "{}\n{}", flag.stdout, flag.stderr);
    let abort = env
        .run(&[
            "--profile",
            "staging",
            "canary",
            "churn-prod",
            "--abort",
            "--yes",
        ])
        .await;
    assert_eq!(abort.code, NOT_FOUND, "{}", abort.stderr);
    assert_eq!(Env::split(&env.b).await.percent("churn_model-5"), 10);
}

#[tokio::test]
async fn a_plan_file_of_an_earlier_version_is_read_as_the_workspace_the_journal_names() {
    let env = Env::new().await;
    env.promote_on_a().await;
    // Put the plan where an earlier version kept it, without the workspace it names now.
    let canaries = env.path("data/canaries");
    let saved = std::fs::read_dir(&canaries)
        .unwrap()
        .flatten()
        .map(|e| e.path().join("churn-prod.json"))
        .find(|p| p.exists())
        .expect("the plan is saved in the workspace's directory");
    let mut state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&saved).unwrap()).unwrap();
    assert!(state["host"].as_str().is_some(), "{state}");
    let obj = state.as_object_mut().unwrap();
    obj.remove("host");
    obj.remove("workspace_id");
    std::fs::remove_file(&saved).unwrap();
    let legacy = canaries.join("churn-prod.json");
    std::fs::write(&legacy, serde_json::to_vec(&state).unwrap()).unwrap();

    let there = env
        .run(&["--profile", "staging", "canary", "churn-prod", "--status"])
        .await;
    assert_eq!(there.code, NOT_FOUND, "{}\n{}", there.stdout, there.stderr);
    assert!(legacy.exists(), "another workspace leaves it alone");
    let here = env
        .run(&["--profile", "dev", "canary", "churn-prod", "--status"])
        .await;
    assert_eq!(here.code, OK, "{}", here.stderr);
    assert!(here.stdout.contains("completed"), "{}", here.stdout);
    assert!(here.stderr.contains("moved"), "{}", here.stderr);
    assert!(!legacy.exists() && saved.exists());
}

#[tokio::test]
async fn an_endpoint_change_on_one_workspace_is_not_rolled_back_on_the_other() {
    let env = Env::new().await;
    let shift = env
        .run(&[
            "--profile",
            "dev",
            "traffic",
            "churn-prod",
            "--shift",
            "churn_model-5=+10",
            "--yes",
        ])
        .await;
    assert_eq!(shift.code, OK, "{}", shift.stderr);
    let back = env
        .run(&[
            "--profile",
            "staging",
            "rollback",
            "--endpoint",
            "churn-prod",
            "--yes",
        ])
        .await;
    assert_eq!(back.code, NOT_FOUND, "{}\n{}", back.stdout, back.stderr);
    assert_eq!(Env::split(&env.b).await.percent("churn_model-5"), 10);
    let here = env
        .run(&[
            "--profile",
            "dev",
            "rollback",
            "--endpoint",
            "churn-prod",
            "--yes",
        ])
        .await;
    assert_eq!(here.code, OK, "{}", here.stderr);
}
