//! Local state belongs to one workspace: two simulated workspaces (each on its own port, the
//! way a demo restarted or a `sim --host` next to a demo is) share one data dir and the same
//! endpoint names. A canary plan or a journal entry of one is never shown as current, driven
//! or rolled back on the other; a plan file of an earlier version is placed by the journal.

mod headless_support;

use std::ops::Deref;
use std::time::Duration;

use mlops_console::sim::{self, SimHandle, SimOptions};

use headless_support::*;

/// Profiles `dev` (workspace A) and `staging` (workspace B), one data dir.
struct Env {
    sandbox: Sandbox,
    a: SimHandle,
    b: SimHandle,
}

impl Deref for Env {
    type Target = Sandbox;

    fn deref(&self) -> &Sandbox {
        &self.sandbox
    }
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
        let sandbox = Sandbox::new();
        sandbox.write_profiles(&[
            ("dev", &a.base_url, &a.token),
            ("staging", &b.base_url, &b.token),
        ]);
        Env { sandbox, a, b }
    }

    /// Runs a quick plan to 100% on workspace A.
    async fn promote_on_a(&self) {
        self.canary_to_end("dev", "[50, 100]", &[]).await;
        assert_eq!(split_of(&self.a).await.percent("churn_model-5"), 100);
    }
}

#[tokio::test]
async fn a_plan_finished_on_one_workspace_is_not_the_other_workspaces() {
    let env = Env::new().await;
    env.promote_on_a().await;
    let here = env
        .run_as("dev", &["canary", "churn-prod", "--status"])
        .await;
    assert_eq!(here.code, OK, "{}", here.stderr);
    assert!(here.stdout.contains("completed"), "{}", here.stdout);

    let there = env
        .run_as("staging", &["canary", "churn-prod", "--status"])
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
        .run_as("staging", &["canary", "churn-prod", "--abort", "--yes"])
        .await;
    assert_eq!(abort.code, NOT_FOUND, "{}", abort.stderr);
    assert_eq!(split_of(&env.b).await.percent("churn_model-5"), 10);
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
        .run_as("staging", &["canary", "churn-prod", "--status"])
        .await;
    assert_eq!(there.code, NOT_FOUND, "{}\n{}", there.stdout, there.stderr);
    assert!(legacy.exists(), "another workspace leaves it alone");
    let here = env
        .run_as("dev", &["canary", "churn-prod", "--status"])
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
        .run_as(
            "dev",
            &[
                "traffic",
                "churn-prod",
                "--shift",
                "churn_model-5=+10",
                "--yes",
            ],
        )
        .await;
    assert_eq!(shift.code, OK, "{}", shift.stderr);
    let back = env
        .run_as(
            "staging",
            &["rollback", "--endpoint", "churn-prod", "--yes"],
        )
        .await;
    assert_eq!(back.code, NOT_FOUND, "{}\n{}", back.stdout, back.stderr);
    assert_eq!(split_of(&env.b).await.percent("churn_model-5"), 10);
    let here = env
        .run_as("dev", &["rollback", "--endpoint", "churn-prod", "--yes"])
        .await;
    assert_eq!(here.code, OK, "{}", here.stderr);
}
