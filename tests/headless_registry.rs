//! The binary's registry changes against the simulator: `--yes` required, `--confirm NAME` on
//! production profiles, read-only refusal, JSON output, the journal, and the exit codes.

use std::path::{Path, PathBuf};
use std::process::Output;

use mlops_console::api::{Client, ClientOptions, Credentials, Secret};
use mlops_console::sim::{self, SimHandle, SimOptions};
use serde_json::Value;

const OK: i32 = 0;
const USAGE: i32 = 2;
const NOT_FOUND: i32 = 3;
const CONFLICT_OR_PERMISSION: i32 = 4;

/// A sandbox: config and data directories, and a `.databrickscfg` with two profiles pointing
/// at the simulator (`dev`, and `prod` marked production in `config.toml`).
struct Env {
    dir: tempfile::TempDir,
    sim: SimHandle,
}

impl Env {
    async fn new(app_config: &str) -> Env {
        let sim = sim::start(SimOptions::default()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        std::fs::write(dir.path().join("config/config.toml"), app_config).unwrap();
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

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Runs the binary with `args` (on the blocking pool: the simulator runs on this runtime).
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

    async fn champion(&self) -> i64 {
        let client = Client::new(ClientOptions::new(
            self.sim.base_url.clone(),
            Credentials::Pat(Secret::new(self.sim.token.clone())),
        ))
        .unwrap();
        client
            .get_uc_model("main.ml.churn_model")
            .await
            .unwrap()
            .alias_version("champion")
            .unwrap()
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn journal_lines(data: &Path) -> usize {
    std::fs::read_to_string(data.join("audit.jsonl"))
        .map(|t| t.lines().count())
        .unwrap_or(0)
}

const PRODUCTION: &str = "[profiles.prod]\nproduction = true\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_yes_the_plan_is_printed_and_nothing_is_sent() {
    let env = Env::new(PRODUCTION).await;
    let out = env
        .run(&["--profile", "dev", "promote", "main.ml.churn_model", "5"])
        .await;
    // Printing the plan is what was asked for: a success.
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("promote main.ml.churn_model@champion: v4 → v5"),
        "{stdout}"
    );
    assert!(stdout.contains("churn-prod: v4 90% (churn_model-4), v5 10% (churn_model-5)"));
    assert!(text(&out.stderr).contains("--yes"));
    assert_eq!(journal_lines(&env.data()), 0);
    assert_eq!(env.champion().await, 4);

    let out = env
        .run(&[
            "--profile",
            "dev",
            "promote",
            "main.ml.churn_model",
            "5",
            "--json",
        ])
        .await;
    assert_eq!(code(&out), 0);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["executed"], false);
    assert_eq!(
        doc["plan"]["before"],
        serde_json::json!({"kind": "alias", "version": "4"})
    );
    assert_eq!(
        doc["plan"]["blast_radius"]["endpoints"][0]["endpoint"],
        "churn-prod"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yes_applies_and_json_reports_the_outcome() {
    let env = Env::new("").await;
    let out = env
        .run(&[
            "--profile",
            "dev",
            "promote",
            "main.ml.churn_model",
            "v5",
            "--yes",
            "--json",
        ])
        .await;
    assert_eq!(code(&out), OK, "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["executed"], true);
    assert_eq!(doc["outcome"]["outcome"], "ok");
    assert_eq!(doc["outcome"]["verified"]["version"], "5");
    assert_eq!(env.champion().await, 5);
    assert_eq!(journal_lines(&env.data()), 2);
    let journal = std::fs::read_to_string(env.data().join("audit.jsonl")).unwrap();
    assert!(!journal.contains(&env.sim.token));
    assert!(journal.contains(r#""actor":"ml-eng@acme.com""#));

    // Roll back from the journal, then again (which undoes the roll back).
    let out = env
        .run(&[
            "--profile",
            "dev",
            "rollback",
            "main.ml.churn_model",
            "--yes",
        ])
        .await;
    assert_eq!(code(&out), OK, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("rollback main.ml.churn_model@champion: v5 → v4"));
    assert_eq!(env.champion().await, 4);

    let out = env
        .run(&["--profile", "dev", "audit", "--filter", "rollback"])
        .await;
    assert_eq!(code(&out), OK);
    let table = text(&out.stdout);
    assert_eq!(
        table.lines().count(),
        2,
        "header and the roll back: {table}"
    );
    assert!(
        table.contains("v5 → v4") && table.contains(" ok"),
        "{table}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_profiles_need_the_model_name_typed_out() {
    let env = Env::new(PRODUCTION).await;
    let base = [
        "--profile",
        "prod",
        "promote",
        "main.ml.churn_model",
        "5",
        "--yes",
    ];
    let out = env.run(&base).await;
    assert_eq!(code(&out), USAGE);
    assert!(
        text(&out.stderr).contains("add --confirm main.ml.churn_model"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("Profile:  prod (PRODUCTION)"));
    let wrong = [&base[..], &["--confirm", "main.ml.churn"]].concat();
    let out = env.run(&wrong).await;
    assert_eq!(code(&out), USAGE);
    assert!(text(&out.stderr).contains("does not match"));
    assert_eq!(env.champion().await, 4);
    assert_eq!(journal_lines(&env.data()), 0);

    // v5's approval is pending: production also needs the override.
    let right = [
        &base[..],
        &["--confirm", "main.ml.churn_model", "--allow-unapproved"],
    ]
    .concat();
    let out = env.run(&right).await;
    assert_eq!(code(&out), OK, "{}", text(&out.stderr));
    assert_eq!(env.champion().await, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_profiles_refuse_every_change() {
    let env = Env::new("[profiles.dev]\nreadonly = true\n").await;
    let before = env.sim.request_log().len();
    for args in [
        vec![
            "--profile",
            "dev",
            "promote",
            "main.ml.churn_model",
            "5",
            "--yes",
        ],
        vec![
            "--profile",
            "dev",
            "rollback",
            "main.ml.churn_model",
            "--yes",
        ],
        vec!["--profile", "dev", "approve", "fraud_model", "4", "--yes"],
        vec![
            "--profile",
            "prod",
            "--readonly",
            "reject",
            "fraud_model",
            "5",
            "--yes",
        ],
    ] {
        let out = env.run(&args).await;
        assert_eq!(code(&out), CONFLICT_OR_PERMISSION, "{args:?}");
        assert!(
            text(&out.stderr).contains("read-only"),
            "{}",
            text(&out.stderr)
        );
    }
    let writes = env.sim.request_log()[before..]
        .iter()
        .filter(|r| r.method != "GET")
        .count();
    assert_eq!(writes, 0, "no write reached the server");
    assert_eq!(journal_lines(&env.data()), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_codes_tell_failures_apart() {
    let env = Env::new("").await;
    let run = |args: &'static [&'static str]| env.run(args);
    let out = run(&[
        "--profile",
        "analyst",
        "promote",
        "main.ml.churn_model",
        "5",
        "--yes",
    ])
    .await;
    assert_eq!(code(&out), CONFLICT_OR_PERMISSION);
    assert!(
        text(&out.stderr).contains("PERMISSION_DENIED"),
        "{}",
        text(&out.stderr)
    );
    let out = run(&["--profile", "dev", "audit", "--json"]).await;
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["entries"][0]["standing"], "failed");

    let out = run(&[
        "--profile",
        "dev",
        "promote",
        "main.ml.churn_model",
        "99",
        "--yes",
    ])
    .await;
    assert_eq!(code(&out), NOT_FOUND, "{}", text(&out.stderr));
    let out = run(&[
        "--profile",
        "dev",
        "promote",
        "main.ml.churn_model",
        "five",
        "--yes",
    ])
    .await;
    assert_eq!(code(&out), USAGE);
    let out = run(&["--profile", "dev", "approve", "fraud_model", "3", "--yes"]).await;
    assert_eq!(
        code(&out),
        NOT_FOUND,
        "no open request: {}",
        text(&out.stderr)
    );
    let out = run(&["--profile", "dev", "rollback", "fraud_model"]).await;
    assert_eq!(code(&out), NOT_FOUND, "no history: candidates instead");
    assert!(text(&out.stderr).contains("--to VERSION"));
    assert!(text(&out.stdout).contains("VERSION"));
    let out = run(&[
        "--profile",
        "dev",
        "rollback",
        "fraud_model",
        "--to",
        "4",
        "--yes",
    ])
    .await;
    assert_eq!(code(&out), OK, "{}", text(&out.stderr));
    let out = run(&["--profile", "dev", "promote", "fraud_model", "4", "--yes"]).await;
    assert_eq!(code(&out), OK, "already there: {}", text(&out.stderr));
    assert!(text(&out.stderr).contains("nothing to do"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approvals_listed_decided_and_verified() {
    let env = Env::new("").await;
    let out = env.run(&["--profile", "dev", "approvals", "--json"]).await;
    assert_eq!(code(&out), OK);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["items"].as_array().unwrap().len(), 3);

    let out = env
        .run(&[
            "--profile",
            "dev",
            "approve",
            "main.ml.churn_model",
            "5",
            "--comment",
            "holdout ok",
            "--yes",
        ])
        .await;
    assert_eq!(code(&out), OK, "{}", text(&out.stderr));
    let out = env
        .run(&[
            "--profile",
            "dev",
            "reject",
            "fraud_model",
            "5",
            "--comment",
            "no",
            "--yes",
        ])
        .await;
    assert_eq!(code(&out), OK, "{}", text(&out.stderr));
    let out = env.run(&["--profile", "dev", "approvals"]).await;
    let table = text(&out.stdout);
    assert!(
        table.contains("fraud_model") && table.contains("→ Production"),
        "{table}"
    );
    assert!(!table.contains("main.ml.churn_model"), "{table}");

    // A crash after the attempt of a change: audit --verify settles it.
    let attempt = serde_json::json!({
        "type": "attempt", "id": "crashed-1", "time": "2026-01-01T00:00:00.000Z", "ts_ms": 0,
        "profile": "dev", "host": env.sim.base_url, "action": "promote",
        "target": {"kind": "uc_alias", "model": "main.ml.churn_model", "alias": "champion"},
        "before": {"kind": "alias", "version": "4"}, "after": {"kind": "alias", "version": "2"},
        "requests": []
    });
    let path = env.data().join("audit.jsonl");
    let mut journal = std::fs::read_to_string(&path).unwrap();
    journal.push_str(&format!("{attempt}\n"));
    std::fs::write(&path, journal).unwrap();
    let out = env.run(&["--profile", "dev", "audit"]).await;
    assert!(text(&out.stdout).contains("unknown — verify"));
    assert!(text(&out.stderr).contains("audit --verify"));
    let out = env
        .run(&["--profile", "dev", "audit", "--verify", "--json"])
        .await;
    assert_eq!(code(&out), OK, "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("verified crashed-1: failed"));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let crashed = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["attempt"]["id"] == "crashed-1")
        .unwrap();
    assert_eq!(crashed["standing"], "failed");
    assert_eq!(crashed["results"][0]["via"], "verify");
}
