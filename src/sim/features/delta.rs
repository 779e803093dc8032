//! The Delta history of a feature table: its creation, its primary key (and Change Data Feed),
//! daily loads up to the table's `daily_until`, then one MERGE per successful task run of a job
//! that reports refreshing the table (`{"rows_refreshed", "table"}`: the `feature-refresh`
//! job). The job's runs are read from the world, so a run started with `run-now` adds a
//! version (and moves the table's `updated_at`) when its task ends on the simulator's clock.

use serde_json::Value;

use crate::api::models::job_runs::RunResultState;
use crate::sim::world::{DAY, MINUTE, World};

use super::store::SimFeatureTable;

/// Daily loads kept before the job's history (older ones were vacuumed).
const DAILY_KEPT: i64 = 30;

/// One version of a Delta table, as `DESCRIBE HISTORY` tells it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DeltaVersion {
    pub version: i64,
    pub timestamp: i64,
    pub operation: &'static str,
    pub user: String,
    /// `(job_id, job_run_id)` of the write, for writes a job made.
    pub job: Option<(i64, i64)>,
    pub rows: Option<i64>,
}

/// A write to a table by a job's task.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct JobWrite {
    pub table: String,
    pub at: i64,
    pub rows: Option<i64>,
    pub job_id: i64,
    pub run_id: i64,
    pub user: String,
}

/// Every table write a finished, successful task reported, oldest first.
pub(crate) fn job_writes(world: &World) -> Vec<JobWrite> {
    let mut out = Vec::new();
    for r in &world.jobs.runs {
        for task in &r.run.tasks {
            let ok = task
                .state
                .as_ref()
                .is_some_and(|s| s.result_state == Some(RunResultState::Success));
            let (Some(end), true) = (task.end_time.filter(|t| *t > 0), ok) else {
                continue;
            };
            let Some(result) = r.outputs.get(&task.run_id).and_then(|o| o.result.as_ref()) else {
                continue;
            };
            let Ok(v) = serde_json::from_str::<Value>(result) else {
                continue;
            };
            if let Some(table) = v.get("table").and_then(Value::as_str) {
                out.push(JobWrite {
                    table: table.to_string(),
                    at: end,
                    rows: v.get("rows_refreshed").and_then(Value::as_i64),
                    job_id: r.run.job_id,
                    run_id: r.run.run_id,
                    user: r
                        .run
                        .creator_user_name
                        .clone()
                        .unwrap_or_else(|| "ml-eng@acme.com".into()),
                });
            }
        }
    }
    out.sort_by_key(|w| w.at);
    out
}

/// The table's versions up to `now`, oldest first.
pub(crate) fn history(t: &SimFeatureTable, writes: &[JobWrite], now: i64) -> Vec<DeltaVersion> {
    let step = |timestamp: i64, operation: &'static str, rows: Option<i64>| DeltaVersion {
        version: 0,
        timestamp,
        operation,
        user: t.owner.to_string(),
        job: None,
        rows,
    };
    let mut steps = vec![
        step(t.created_at, "CREATE TABLE", None),
        step(t.created_at + 10 * MINUTE, "ADD CONSTRAINT", None),
    ];
    if t.change_data_feed {
        steps.push(step(t.created_at + 20 * MINUTE, "SET TBLPROPERTIES", None));
    }
    if let Some(until) = t.daily_until {
        let mut at = (until - DAILY_KEPT * DAY).max(t.created_at + DAY);
        while at <= until {
            steps.push(step(at, "MERGE", Some(t.rows / 40)));
            at += DAY;
        }
    }
    let after = t.daily_until.unwrap_or(t.created_at);
    for w in writes
        .iter()
        .filter(|w| w.table.eq_ignore_ascii_case(&t.full_name) && w.at > after)
    {
        steps.push(DeltaVersion {
            user: w.user.clone(),
            job: Some((w.job_id, w.run_id)),
            ..step(w.at, "MERGE", w.rows)
        });
    }
    steps.retain(|s| s.timestamp <= now);
    steps.sort_by_key(|s| s.timestamp);
    for (i, s) in steps.iter_mut().enumerate() {
        s.version = i as i64;
    }
    steps
}

/// The newest version of `history` written at or before `at`.
pub(crate) fn version_at(history: &[DeltaVersion], at: i64) -> Option<&DeltaVersion> {
    history.iter().rev().find(|v| v.timestamp <= at)
}
