//! Logs fixtures: the server and build logs of `churn_model-4` as the API returns them (with a
//! tab, an escape sequence and a long line, as real model servers print), and a driver step
//! that answers log fetches.

use mlops_console::api::ApiResult;
use mlops_console::app::screens::logs::{LogKind, LogSource};
use mlops_console::app::{Effect, Fetch, Payload};

use super::Driver;

/// Recent model-server lines: 40 of them, every 7th a WARN, one long, one with control bytes.
pub fn server_log(extra: usize) -> String {
    let mut out = String::new();
    for i in 0..40 + extra {
        let (level, msg) = match i {
            5 => (
                "INFO",
                "loaded model main.ml.churn_model/4 in 2.31s".to_string(),
            ),
            12 => (
                "INFO",
                format!(
                    "request batch stats: {}",
                    (0..30)
                        .map(|k| format!("b{k}=ok"))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            ),
            18 => ("INFO", "colour\x1b[31m escape and\ttab".to_string()),
            _ if i % 7 == 3 => ("WARN", format!("slow request {i}: 182 ms > 100 ms budget")),
            _ => ("INFO", format!("POST /invocations 200 {} ms", 9 + i % 5)),
        };
        out.push_str(&format!(
            "2024-06-01T11:{:02}:{:02}Z {level} {msg}\n",
            i / 60,
            i % 60
        ));
    }
    out
}

pub fn build_log() -> String {
    [
        "#1 [internal] load build definition from Dockerfile",
        "#2 FROM docker.io/library/python:3.11-slim",
        "#3 RUN pip install mlflow==2.14.1 scikit-learn==1.5.0",
        "#3 DONE 41.2s",
        "#4 COPY model /model",
        "#5 exporting to image",
        "Build succeeded: container image ready",
    ]
    .join("\n")
}

impl Driver {
    /// Answers every log fetch of the last effects with `server` / `build` (or the errors).
    pub fn answer_logs(&mut self, server: ApiResult<String>, build: ApiResult<String>) {
        let fx = self.effects.clone();
        for e in fx {
            let Effect::Fetch {
                req,
                fetch: Fetch::EntityLogs { name, entity, kind },
            } = e
            else {
                continue;
            };
            let text = match kind {
                LogKind::Server => server.clone(),
                LogKind::Build => build.clone(),
            };
            self.answer(
                req,
                Payload::EntityLogs(LogSource { name, entity, kind }, text),
            );
        }
    }
}
