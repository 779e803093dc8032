//! In-process tests: start the simulator on 127.0.0.1:0 and talk raw HTTP to it with reqwest
//! (deliberately not through `api::Client`, which is built and tested separately).

mod artifacts;
mod basics;
mod faults;
mod job_runs;
mod job_tasks;
mod jobs;
mod models;
mod oauth;
mod registry_shapes;
mod scale;
mod serving_config;
mod serving_data;
mod shapes;
mod tracking;
mod uc_writes;
mod writes;
mod ws_writes;

use serde_json::Value;

use super::{SimClock, SimHandle, SimOptions, start};

/// A fixed "now" for tests that compare timestamps or whole answers.
pub(super) const START_MS: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

pub(super) fn manual(seed: u64) -> SimOptions {
    SimOptions {
        seed,
        clock: SimClock::manual(START_MS),
        ..SimOptions::default()
    }
}

pub(super) struct TestSim {
    pub sim: SimHandle,
    pub http: reqwest::Client,
}

pub(super) async fn sim_with(opts: SimOptions) -> TestSim {
    // reqwest is built with `rustls-no-provider`: a provider must exist before any Client.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .expect("reqwest client");
    TestSim {
        sim: start(opts).await.expect("sim starts"),
        http,
    }
}

pub(super) async fn sim() -> TestSim {
    sim_with(manual(42)).await
}

impl TestSim {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sim.base_url)
    }

    /// GET with the owner token; returns status and JSON body (`Null` when not JSON).
    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> (u16, Value) {
        let resp = self
            .http
            .get(self.url(path))
            .bearer_auth(&self.sim.token)
            .query(query)
            .send()
            .await
            .expect("request");
        decode(resp).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let resp = self
            .http
            .post(self.url(path))
            .bearer_auth(&self.sim.token)
            .json(&body)
            .send()
            .await
            .expect("request");
        decode(resp).await
    }

    /// Any method, optional JSON body, with the owner token (or `token`): status, headers and
    /// the raw body.
    pub async fn raw(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        token: Option<&str>,
    ) -> (u16, reqwest::header::HeaderMap, String) {
        let mut req = self
            .http
            .request(method, self.url(path))
            .bearer_auth(token.unwrap_or(&self.sim.token));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        (status, headers, resp.text().await.expect("body"))
    }

    /// Like [`TestSim::raw`], the body parsed as JSON (`Null` when not JSON).
    pub async fn json_call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let (status, _, text) = self.raw(method, path, body, None).await;
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// An OK answer's body; panics with the body otherwise.
    pub async fn ok_get(&self, path: &str, query: &[(&str, &str)]) -> Value {
        let (status, body) = self.get(path, query).await;
        assert_eq!(status, 200, "GET {path} {query:?}: {body}");
        body
    }

    pub async fn ok_post(&self, path: &str, body: Value) -> Value {
        let (status, answer) = self.post(path, body.clone()).await;
        assert_eq!(status, 200, "POST {path} {body}: {answer}");
        answer
    }

    pub async fn churn_experiment_id(&self) -> String {
        let body = self
            .ok_get(
                "/api/2.0/mlflow/experiments/get-by-name",
                &[("experiment_name", "/Shared/churn/training")],
            )
            .await;
        body["experiment"]["experiment_id"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

pub(super) async fn decode(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Asserts a Databricks error body: exactly `error_code` and `message`.
pub(super) fn assert_error(body: &Value, code: &str) {
    let obj = body
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {body}"));
    assert_eq!(
        obj.get("error_code").and_then(Value::as_str),
        Some(code),
        "{body}"
    );
    assert!(
        obj.get("message")
            .and_then(Value::as_str)
            .is_some_and(|m| !m.is_empty())
    );
    assert_eq!(obj.len(), 2, "only error_code and message: {body}");
}

pub(super) fn strings(v: &Value, field: &str) -> Vec<String> {
    v.as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i[field].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Manual aid for trying external clients (the official Python SDK, curl):
/// `SIM_PORT=8765 cargo test --lib sim::tests::standalone -- --ignored --nocapture`
/// prints `base_url=…` and the tokens, then serves until Ctrl-C.
#[tokio::test]
#[ignore = "serves until Ctrl-C"]
async fn standalone() {
    let port = std::env::var("SIM_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let faults = std::env::var("SIM_FAULTS").unwrap_or_default();
    let opts = SimOptions {
        port,
        faults: super::FaultSpec::parse(&faults).expect("SIM_FAULTS"),
        ..SimOptions::default()
    };
    super::run_standalone(opts).await.expect("standalone sim");
}
