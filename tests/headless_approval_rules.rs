//! The approval rules of headless changes against the simulator: promoting a version whose
//! approval is pending or rejected is flagged, and refused on production profiles without
//! `--allow-unapproved`; approving one's own request is flagged, or refused under
//! `[approvals] self_approval = "refuse"`; `approvals MODEL VERSION` shows what an approver
//! reads before deciding.

use std::path::PathBuf;
use std::process::Output;

use mlops_console::api::{Client, ClientOptions, Credentials, Secret};
use mlops_console::sim::{self, SimHandle, SimOptions};
use serde_json::Value;

const OK: i32 = 0;
const USAGE: i32 = 2;
const CONFLICT_OR_PERMISSION: i32 = 4;

/// Config and data directories, and a `.databrickscfg` with `dev`, `prod` (production in
/// `config.toml`) and `analyst` (the simulator's other user) pointing at the simulator.
struct Env {
    dir: tempfile::TempDir,
    sim: SimHandle,
}

impl Env {
    async fn new(app_config: &str) -> Env {
        let sim = sim::start(SimOptions::default()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        let config = format!("[profiles.prod]\nproduction = true\n{app_config}");
        std::fs::write(dir.path().join("config/config.toml"), config).unwrap();
        let cfg = format!(
            "[dev]\nhost = {url}\ntoken = {tok}\n\n[prod]\nhost = {url}\ntoken = {tok}\n\n\
             [analyst]\nhost = {url}\ntoken = {other}\n",
            url = sim.base_url,
            tok = sim.token,
            other = sim.nonowner_token
        );
        std::fs::write(dir.path().join("databrickscfg"), cfg).unwrap();
        Env { dir, sim }
    }

    fn journal(&self) -> String {
        std::fs::read_to_string(self.data().join("audit.jsonl")).unwrap_or_default()
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    async fn run(&self, args: &[&str]) -> Output {
        let root = self.dir.path().to_path_buf();
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        tokio::task::spawn_blocking(move || {
            let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_mlops-console"));
            for (k, _) in std::env::vars() {
                if k.starts_with("DATABRICKS_") || k.starts_with("MLOPS_CONSOLE_") {
                    cmd.env_remove(k);
                }
            }
            cmd.env("DATABRICKS_CONFIG_FILE", root.join("databrickscfg"))
                .env("MLOPS_CONSOLE_CONFIG_DIR", root.join("config"))
                .env("MLOPS_CONSOLE_DATA_DIR", root.join("data"))
                .env("NO_COLOR", "1")
                .args(&args)
                .output()
                .unwrap()
        })
        .await
        .unwrap()
    }

    fn client(&self) -> Client {
        Client::new(ClientOptions::new(
            self.sim.base_url.clone(),
            Credentials::Pat(Secret::new(self.sim.token.clone())),
        ))
        .unwrap()
    }

    async fn champion(&self) -> i64 {
        let m = self.client().get_uc_model("main.ml.churn_model").await;
        m.unwrap().alias_version("champion").unwrap()
    }

    async fn fraud_stage(&self, version: &str) -> String {
        let v = self
            .client()
            .get_model_version("fraud_model", version)
            .await;
        v.unwrap().current_stage.unwrap().to_string()
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_uc_version_needs_the_override_on_production() {
    let env = Env::new("").await;
    let base = [
        "--profile",
        "prod",
        "promote",
        "main.ml.churn_model",
        "5",
        "--yes",
        "--confirm",
        "main.ml.churn_model",
    ];
    let out = env.run(&base).await;
    assert_eq!(code(&out), USAGE, "{}", text(&out.stderr));
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        stdout.contains("Approval: NOT APPROVED: approval pending (approval = pending)"),
        "{stdout}"
    );
    assert!(stderr.contains("--allow-unapproved"), "{stderr}");
    assert!(stderr.contains("nothing was sent"), "{stderr}");
    assert_eq!(env.champion().await, 4);
    assert_eq!(env.journal(), "", "nothing journaled");

    let json = [&base[..], &["--json"]].concat();
    let out = env.run(&json).await;
    assert_eq!(code(&out), USAGE);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["executed"], false);
    assert_eq!(
        doc["plan"]["unapproved"],
        "approval pending (approval = pending)"
    );

    let allowed = [&base[..], &["--allow-unapproved"]].concat();
    let out = env.run(&allowed).await;
    assert_eq!(code(&out), OK, "{}", text(&out.stderr));
    assert_eq!(env.champion().await, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_version_is_flagged_off_production_and_refused_on_it() {
    let env = Env::new("").await;
    let out = env
        .run(&["--profile", "dev", "promote", "main.ml.churn_model", "3"])
        .await;
    assert_eq!(code(&out), OK, "no --yes: the plan is printed");
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(
            "Approval: NOT APPROVED: approval rejected (approval = rejected) by \
             priya.natarajan@acme.com: Calibration is off"
        ),
        "{stdout}"
    );
    let out = env
        .run(&[
            "--profile",
            "prod",
            "promote",
            "main.ml.churn_model",
            "3",
            "--yes",
            "--confirm",
            "main.ml.churn_model",
        ])
        .await;
    assert_eq!(code(&out), USAGE, "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("v3 is not approved (approval rejected"));
    assert_eq!(env.champion().await, 4);

    // Off production the flag is a warning: the promotion goes ahead.
    let out = env
        .run(&[
            "--profile",
            "dev",
            "promote",
            "main.ml.churn_model",
            "3",
            "--yes",
        ])
        .await;
    assert_eq!(code(&out), OK, "{}", text(&out.stderr));
    assert_eq!(env.champion().await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workspace_version_with_an_open_request_needs_the_override_on_production() {
    let env = Env::new("").await;
    let args = [
        "--profile",
        "prod",
        "promote",
        "fraud_model",
        "4",
        "--yes",
        "--confirm",
        "fraud_model",
    ];
    let out = env.run(&args).await;
    assert_eq!(code(&out), USAGE, "{}", text(&out.stderr));
    assert!(
        text(&out.stdout)
            .contains("open transition request to Production by priya.natarajan@acme.com"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(env.fraud_stage("4").await, "Staging");
    // An approved (or never requested) version is not held back.
    let out = env
        .run(&[
            "--profile",
            "prod",
            "promote",
            "fraud_model",
            "2",
            "--yes",
            "--confirm",
            "fraud_model",
        ])
        .await;
    assert_eq!(code(&out), OK, "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains("NOT APPROVED"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_approval_is_flagged_by_default() {
    let env = Env::new("").await;
    // ml-eng@acme.com (the `dev` token) created main.ml.churn_model v5.
    let out = env
        .run(&["--profile", "dev", "approve", "main.ml.churn_model", "5"])
        .await;
    assert_eq!(code(&out), OK, "no --yes: the plan is printed");
    assert!(
        text(&out.stdout)
            .contains("Warning:  self-approval: ml-eng@acme.com approves what they asked for"),
        "{}",
        text(&out.stdout)
    );
    // analyst@acme.com asked for fraud_model v5 to go to Staging.
    let out = env
        .run(&["--profile", "analyst", "approve", "fraud_model", "5"])
        .await;
    assert!(
        text(&out.stdout).contains("self-approval: analyst@acme.com"),
        "{}",
        text(&out.stdout)
    );
    // Someone else's request is not flagged.
    let out = env
        .run(&["--profile", "dev", "approve", "fraud_model", "5"])
        .await;
    assert!(!text(&out.stdout).contains("self-approval"));
    let out = env
        .run(&[
            "--profile",
            "dev",
            "approve",
            "main.ml.churn_model",
            "5",
            "--yes",
        ])
        .await;
    assert_eq!(
        code(&out),
        OK,
        "warn lets it through: {}",
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_approval_is_refused_when_configured() {
    let env = Env::new("[approvals]\nself_approval = \"refuse\"\n").await;
    let out = env
        .run(&[
            "--profile",
            "dev",
            "approve",
            "main.ml.churn_model",
            "5",
            "--yes",
        ])
        .await;
    assert_eq!(code(&out), CONFLICT_OR_PERMISSION, "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("self_approval = \"refuse\""), "{stderr}");
    assert!(stderr.contains("nothing was sent"), "{stderr}");
    assert_eq!(env.journal(), "", "nothing journaled");
    let tags = env
        .client()
        .get_uc_version_tags("main.ml.churn_model", "5")
        .await
        .unwrap();
    assert!(
        tags.iter()
            .any(|t| t.key == "approval" && t.value == "pending")
    );

    let out = env
        .run(&[
            "--profile",
            "analyst",
            "approve",
            "fraud_model",
            "5",
            "--yes",
        ])
        .await;
    assert_eq!(code(&out), CONFLICT_OR_PERMISSION, "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("self-approval: analyst@acme.com"));
    assert_eq!(env.fraud_stage("5").await, "None");

    // Rejecting one's own request is not an approval.
    let out = env
        .run(&[
            "--profile",
            "dev",
            "reject",
            "main.ml.churn_model",
            "5",
            "--yes",
        ])
        .await;
    assert_eq!(code(&out), OK, "{}", text(&out.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_request_reads_in_full() {
    let env = Env::new("").await;
    let out = env
        .run(&["--profile", "dev", "approvals", "fraud_model", "v4"])
        .await;
    assert_eq!(code(&out), OK, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for want in [
        "fraud_model v4 (workspace, → Production)",
        "asked by priya.natarajan@acme.com",
        "AUC +1.2 pts on the Q3 holdout",
        "V3 (CHAMPION)",
        "lineage:",
        "v4 <- run",
        "v3 <- run",
    ] {
        assert!(stdout.contains(want), "{want}: {stdout}");
    }
    let out = env
        .run(&[
            "--profile",
            "dev",
            "approvals",
            "main.ml.churn_model",
            "5",
            "--json",
        ])
        .await;
    assert_eq!(code(&out), OK);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["champion"], "4");
    assert_eq!(doc["lineage"][0]["version"], "5");
    assert!(!doc["metrics"].as_array().unwrap().is_empty());
    let out = env
        .run(&["--profile", "dev", "approvals", "fraud_model", "3"])
        .await;
    assert_eq!(code(&out), 3, "not waiting: {}", text(&out.stderr));
}
