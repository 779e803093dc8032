//! `mlops-console run RUN_ID`: one run's info, params, latest metrics and tags, with the system
//! tags said in words; `--json` prints the wire's `Run` as the server sent it.

use crate::api::Client;
use crate::api::models::mlflow::{KeyValue, Run};

use super::runview::{self as view, one_line};
use super::system_tags::{self, TagKind};
use super::{exit, output, report, table};

pub async fn run(client: &Client, run_id: &str, json: bool) -> i32 {
    match client.get_run(run_id).await {
        Ok(r) if json => {
            output::json(&r);
            exit::OK
        }
        Ok(r) => {
            output::print(&render(&r, chrono::Utc::now().timestamp_millis()));
            exit::OK
        }
        Err(e) => report::failed(&format!("run '{run_id}'"), &e),
    }
}

fn section(out: &mut String, title: &str, body: String) {
    out.push('\n');
    out.push_str(title);
    out.push('\n');
    out.push_str(&body);
}

fn pairs(items: &[(&str, String)]) -> String {
    let width = items.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    items
        .iter()
        .map(|(k, v)| format!("{k:width$}  {v}\n"))
        .collect()
}

fn key_values(items: &[&KeyValue]) -> String {
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|kv| vec![kv.key.clone(), one_line(&kv.value)])
        .collect();
    table::render(&["KEY", "VALUE"], &rows)
}

/// The detail as text. `now_ms` is the end of a run still going.
pub fn render(r: &Run, now_ms: i64) -> String {
    let info = &r.info;
    let lifecycle = info
        .lifecycle_stage
        .as_ref()
        .map_or("-", |l| l.as_str())
        .to_string();
    let mut head = vec![
        ("run", info.run_id.clone()),
        ("name", view::one_line(&view::run_name(r))),
        ("experiment", info.experiment_id.clone()),
        ("status", view::run_status(r)),
        ("user", view::run_user(r)),
        ("start", table::timestamp(info.start_time)),
        ("end", table::timestamp(info.end_time)),
        ("duration", view::run_duration(r, now_ms)),
        ("lifecycle", lifecycle),
    ];
    if let Some(a) = &info.artifact_uri {
        head.push(("artifacts", a.clone()));
    }
    head.extend(system_tags::readable(&r.data.tags));
    let mut out = pairs(&head);

    let mut params: Vec<&KeyValue> = r.data.params.iter().collect();
    params.sort_by(|a, b| a.key.cmp(&b.key));
    if !params.is_empty() {
        section(&mut out, "PARAMS", key_values(&params));
    }

    let mut metrics: Vec<_> = r.data.metrics.iter().collect();
    metrics.sort_by(|a, b| a.key.cmp(&b.key));
    if !metrics.is_empty() {
        let rows: Vec<Vec<String>> = metrics
            .iter()
            .map(|m| {
                vec![
                    m.key.clone(),
                    view::exact(m.value),
                    m.step.to_string(),
                    table::timestamp(Some(m.timestamp)),
                ]
            })
            .collect();
        section(
            &mut out,
            "METRICS (latest)",
            table::render(&["KEY", "VALUE", "STEP", "TIME"], &rows),
        );
    }

    let mut tags: Vec<&KeyValue> = r.data.tags.iter().collect();
    tags.sort_by(|a, b| a.key.cmp(&b.key));
    let of_kind = |k: TagKind| -> Vec<&KeyValue> {
        tags.iter()
            .copied()
            .filter(|t| system_tags::kind(&t.key) == k)
            .collect()
    };
    let user = of_kind(TagKind::User);
    if !user.is_empty() {
        section(&mut out, "TAGS", key_values(&user));
    }
    let other = of_kind(TagKind::OtherSystem);
    if !other.is_empty() {
        section(&mut out, "OTHER SYSTEM TAGS", key_values(&other));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::mlflow::{LifecycleStage, Metric, RunStatus};

    #[test]
    fn detail_has_info_system_tags_params_metrics_and_tags() {
        let mut r = Run::default();
        r.info.run_id = "abc".into();
        r.info.experiment_id = "7".into();
        r.info.status = Some(RunStatus::Finished);
        r.info.start_time = Some(1_000);
        r.info.end_time = Some(61_000);
        r.info.lifecycle_stage = Some(LifecycleStage::Active);
        r.data.params = vec![KeyValue::new("max_depth", "6")];
        r.data.metrics = vec![Metric {
            key: "loss".into(),
            value: 0.3,
            timestamp: 61_000,
            step: 29,
        }];
        r.data.tags = vec![
            KeyValue::new("mlflow.runName", "trial-7"),
            KeyValue::new("mlflow.parentRunId", "parent-1"),
            KeyValue::new("mlflow.source.git.commit", "deadbeef"),
            KeyValue::new("mlflow.databricks.workspaceURL", "dbc.example"),
            KeyValue::new("team", "churn"),
        ];
        let out = render(&r, 0);
        for want in [
            "run         abc\n",
            "name        trial-7\n",
            "duration    1m 00s\n",
            "parent run  parent-1\n",
            "git commit  deadbeef\n",
            "PARAMS\nKEY        VALUE\nmax_depth  6\n",
            "loss  0.3    29    1970-01-01 00:01\n",
            "TAGS\nKEY   VALUE\nteam  churn\n",
            "OTHER SYSTEM TAGS\n",
            "mlflow.databricks.workspaceURL  dbc.example",
        ] {
            assert!(out.contains(want), "missing {want:?} in\n{out}");
        }
        assert!(!out.contains("mlflow.runName"), "{out}");
    }
}
