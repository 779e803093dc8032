//! Running the real binary against a server on 127.0.0.1, isolated from the machine's settings
//! (no Databricks or console env vars, a config file of its own, config and data dirs in a temp
//! dir): once with `--host`/`--token` ([`cli`], [`on`]), or again and again in one [`Sandbox`],
//! with profiles pointing at a simulator in an [`Env`].
#![allow(dead_code, unused_imports)] // each test crate uses a different part of this

mod env;
mod jobs;
mod sandbox;

pub use env::{Env, PRODUCTION, canary_plan, promote_confirmed};
pub use jobs::{job_id, posts, runs_of};
pub use sandbox::Sandbox;

use serde_json::Value;

use mlops_console::api::models::mlflow::Run;
use mlops_console::api::{Client, ClientOptions, Credentials, Secret};
use mlops_console::ops::traffic::Split;
use mlops_console::sim::{self, SimHandle, SimOptions};

/// The exit codes of the README's table, written out rather than taken from the binary's own
/// constants: a documented code that changes fails the tests.
pub const OK: i32 = 0;
pub const FAILURE: i32 = 1;
pub const USAGE: i32 = 2;
pub const NOT_FOUND: i32 = 3;
pub const CONFLICT_OR_PERMISSION: i32 = 4;
pub const AUTH: i32 = 5;
pub const CONFIG: i32 = 8;

pub const CHURN: &str = "/Shared/churn/training";
pub const RUNS_SEARCH: &str = "/api/2.0/mlflow/runs/search";
pub const HISTORY: &str = "/api/2.0/mlflow/metrics/get-history";

pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// The stdout of a successful run as JSON.
    pub fn json(&self) -> Value {
        assert_eq!(self.code, 0, "stderr: {}", self.stderr);
        self.stdout_json()
    }

    /// The stdout as JSON, whatever the exit code.
    pub fn stdout_json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }

    pub fn runs(&self) -> Vec<Run> {
        serde_json::from_value(self.json()).expect("an array of runs")
    }
}

/// Runs the binary against `host` with `token`, isolated from the machine's settings.
pub async fn cli(host: &str, token: &str, args: &[&str]) -> Out {
    let argv: Vec<&str> = ["--host", host, "--token", token]
        .iter()
        .chain(args)
        .copied()
        .collect();
    Sandbox::new().run(&argv).await
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

/// The traffic split of churn-prod on `sim`.
pub async fn split_of(sim: &SimHandle) -> Split {
    let endpoint = client(sim).get_serving_endpoint("churn-prod").await;
    Split::of_endpoint(&endpoint.unwrap())
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
