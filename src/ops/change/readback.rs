//! Reading an object's current state, in the shape of an expected [`ObjectState`]: the same
//! kind and the same keys (versions, tags). Used to plan (the "before"), to verify right after
//! a change, and to settle unknown outcomes later.

use std::collections::BTreeMap;

use crate::api::models::job_runs::{JobRun, ListRunsRequest, RepairType};
use crate::api::models::mlflow::lookup;
use crate::api::models::registry::Stage;
use crate::api::{ApiResult, Client};

use super::target::{ObjectState, Target};
use crate::ops::traffic::EndpointConfigState;

/// The stage of each version in `versions` (`None` stage for a version the server lacks).
pub async fn read_stages(
    client: &Client,
    model: &str,
    versions: impl IntoIterator<Item = &String>,
) -> ApiResult<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for v in versions {
        let mv = client.get_model_version(model, v).await?;
        let stage = mv.current_stage.unwrap_or(Stage::None);
        out.insert(v.clone(), stage.to_string());
    }
    Ok(out)
}

/// The version a UC alias points at.
pub async fn read_uc_alias(client: &Client, model: &str, alias: &str) -> ApiResult<Option<String>> {
    let info = client.get_uc_model(model).await?;
    Ok(info.alias_version(alias).map(|v| v.to_string()))
}

/// The version an open-source MLflow alias points at.
pub async fn read_registry_alias(
    client: &Client,
    model: &str,
    alias: &str,
) -> ApiResult<Option<String>> {
    let m = client.get_registered_model(model).await?;
    Ok(m.aliases
        .iter()
        .find(|a| a.alias == alias)
        .map(|a| a.version.clone()))
}

/// Whether `version` has an open request to `stage`, and when it was made.
pub async fn read_request(
    client: &Client,
    model: &str,
    version: &str,
    stage: &str,
) -> ApiResult<(bool, Option<i64>)> {
    let open = client.list_transition_requests(model, version).await?;
    let found = open.iter().find(|a| {
        a.to_stage
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case(stage))
    });
    Ok((found.is_some(), found.and_then(|a| a.creation_timestamp)))
}

/// Whether `version` has an open request to `stage`.
pub async fn read_request_open(
    client: &Client,
    model: &str,
    version: &str,
    stage: &str,
) -> ApiResult<bool> {
    Ok(read_request(client, model, version, stage).await?.0)
}

/// Reads `target` now, with the keys of `shape`.
pub async fn read_state(
    client: &Client,
    target: &Target,
    shape: &ObjectState,
) -> ApiResult<ObjectState> {
    let keys = |s: &ObjectState| -> Vec<String> {
        s.stages()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    Ok(match target {
        Target::UcAlias { model, alias } => ObjectState::Alias {
            version: read_uc_alias(client, model, alias).await?,
        },
        Target::RegistryAlias { model, alias } => ObjectState::Alias {
            version: read_registry_alias(client, model, alias).await?,
        },
        Target::Stages { model } => ObjectState::Stages {
            stages: read_stages(client, model, keys(shape).iter()).await?,
        },
        Target::UcApproval { model, version } => {
            let tags = client.get_uc_version_tags(model, version).await?;
            let wanted: Vec<String> = match shape {
                ObjectState::Tags { tags } => tags.keys().cloned().collect(),
                _ => Vec::new(),
            };
            ObjectState::Tags {
                tags: wanted
                    .into_iter()
                    .map(|k| {
                        let v = lookup(&tags, &k).map(str::to_string);
                        (k, v)
                    })
                    .collect(),
            }
        }
        Target::TransitionRequest {
            model,
            version,
            stage,
        } => {
            let (open, opened) = read_request(client, model, version, stage).await?;
            ObjectState::Request {
                open,
                stages: read_stages(client, model, keys(shape).iter()).await?,
                opened,
            }
        }
        Target::Endpoint { name } => ObjectState::Endpoint(EndpointConfigState::of(
            &client.get_serving_endpoint(name).await?,
        )),
        Target::JobRun {
            job_id, since_ms, ..
        } => read_job_run(client, *job_id, *since_ms, shape).await?,
        Target::Run { run_id, .. } => {
            let run = client.get_job_run(*run_id).await?;
            match shape {
                ObjectState::RunRepairs { .. } => run_repairs(&run),
                _ => run_life(&run),
            }
        }
        Target::SqlAlert { name } => {
            crate::ops::alerts::sql_alert::read_state(client, name).await?
        }
        Target::MonitorRefreshes {
            table,
            table_id,
            api,
            since_ms,
        } => {
            let m = crate::api::models::monitors::MonitorRef {
                table: table.clone(),
                table_id: table_id.clone(),
                api: *api,
            };
            let known = match shape {
                ObjectState::MonitorRefresh { refresh_id, .. } => *refresh_id,
                _ => None,
            };
            crate::ops::monitors::refresh::read_started(client, &m, known, *since_ms, &[]).await?
        }
        Target::MonitorRefresh {
            table,
            table_id,
            api,
            refresh_id,
        } => {
            let m = crate::api::models::monitors::MonitorRef {
                table: table.clone(),
                table_id: table_id.clone(),
                api: *api,
            };
            crate::ops::monitors::refresh::refresh_life(
                &client.get_monitor_refresh(&m, *refresh_id).await?,
            )
        }
        Target::OnlineTable { name, .. } => {
            crate::ops::feature_changes::read_online_state(client, name).await?
        }
        Target::OnlineTableSync { name, since_ms, .. } => {
            crate::ops::feature_changes::read_sync_update(client, name, *since_ms).await?
        }
        Target::Unknown => ObjectState::Unknown,
    })
}

/// How many times `run` was repaired, as a journal state.
pub fn run_repairs(run: &JobRun) -> ObjectState {
    let repairs = run
        .repair_history
        .iter()
        .filter(|r| r.kind == Some(RepairType::Repair))
        .count();
    ObjectState::RunRepairs {
        repairs,
        state: Some(run.state_label()),
    }
}

/// Whether `run` has ended, as a journal state.
pub fn run_life(run: &JobRun) -> ObjectState {
    ObjectState::RunLife {
        ended: run.is_terminal(),
        state: Some(run.state_label()),
        cancelled: run.is_terminal().then(|| run.was_cancelled()),
    }
}

/// The run `shape` names, or else the newest run of the job started since `since_ms` (what a
/// verification of an unanswered run-now looks for).
async fn read_job_run(
    client: &Client,
    job_id: i64,
    since_ms: i64,
    shape: &ObjectState,
) -> ApiResult<ObjectState> {
    let known = match shape {
        ObjectState::JobRun { run_id, .. } => *run_id,
        _ => None,
    };
    let run = match known {
        Some(id) => Some(client.get_job_run(id).await?),
        None => {
            let req = ListRunsRequest {
                job_id: Some(job_id),
                limit: Some(25),
                ..Default::default()
            };
            let runs = client.list_job_runs(&req).await?.runs;
            runs.into_iter()
                .filter(|r| r.start_time.unwrap_or(0) >= since_ms)
                .max_by_key(|r| r.start_time.unwrap_or(0))
        }
    };
    Ok(match run {
        Some(r) => ObjectState::JobRun {
            started: true,
            run_id: Some(r.run_id),
            state: Some(r.state_label()),
        },
        None => ObjectState::JobRun {
            started: false,
            run_id: None,
            state: None,
        },
    })
}
