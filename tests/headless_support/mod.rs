//! Running the real binary against a server on 127.0.0.1, isolated from the machine's settings
//! (no Databricks env vars, a config file that does not exist, config and data dirs in a temp dir).
#![allow(dead_code)] // each test crate uses a different part of this

use std::process::Command;

use serde_json::Value;

use mlops_console::api::models::mlflow::Run;
use mlops_console::api::{Client, ClientOptions, Credentials, Secret};
use mlops_console::sim::{self, SimHandle, SimOptions};

pub const CHURN: &str = "/Shared/churn/training";
pub const RUNS_SEARCH: &str = "/api/2.0/mlflow/runs/search";
pub const HISTORY: &str = "/api/2.0/mlflow/metrics/get-history";

pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    pub fn json(&self) -> Value {
        assert_eq!(self.code, 0, "stderr: {}", self.stderr);
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }

    pub fn runs(&self) -> Vec<Run> {
        serde_json::from_value(self.json()).expect("an array of runs")
    }
}

/// Runs the binary against `host` with `token`, isolated from the machine's settings.
pub async fn cli(host: &str, token: &str, args: &[&str]) -> Out {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mlops-console"));
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("DATABRICKS_") {
            cmd.env_remove(k);
        }
    }
    cmd.env(
        "DATABRICKS_CONFIG_FILE",
        dir.path().join("no-databrickscfg"),
    )
    .env("MLOPS_CONSOLE_CONFIG_DIR", dir.path().join("config"))
    .env("MLOPS_CONSOLE_DATA_DIR", dir.path().join("data"))
    .env("HOME", dir.path())
    .args(["--host", host, "--token", token])
    .args(args);
    let out = tokio::task::spawn_blocking(move || cmd.output().expect("binary runs"))
        .await
        .unwrap();
    drop(dir);
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub async fn sim() -> SimHandle {
    sim::start(SimOptions::default()).await.expect("simulator")
}

pub async fn on(sim: &SimHandle, args: &[&str]) -> Out {
    cli(&sim.base_url, &sim.token, args).await
}

pub fn client(sim: &SimHandle) -> Client {
    Client::new(ClientOptions::new(
        sim.base_url.clone(),
        Credentials::Pat(Secret::new(sim.token.clone())),
    ))
    .unwrap()
}

pub fn requests_to(sim: &SimHandle, path: &str) -> usize {
    sim.request_log().iter().filter(|r| r.path == path).count()
}

pub fn metric(r: &Run, key: &str) -> f64 {
    r.data.metrics.iter().find(|m| m.key == key).unwrap().value
}

pub fn names(runs: &[Run]) -> Vec<String> {
    runs.iter()
        .map(|r| r.info.run_name.clone().unwrap_or_default())
        .collect()
}
