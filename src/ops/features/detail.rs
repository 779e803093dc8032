//! One feature table in full: columns, keys, properties and tags, freshness (from the Delta history
//! when a warehouse is at hand), Delta versions, online tables, monitor, the models using it,
//! and the job that produces it.
//!
//! The producing job, first rule that answers:
//! 1. the job that wrote the newest version a job wrote (`DESCRIBE HISTORY`'s `job.jobId`);
//! 2. a job tagged `mlops.feature_table` with the table's name (comma-separated names allowed);
//! 3. a job whose last ended run has a task reporting the table in its output
//!    (`{"table": …}` or `{"output_table": …}` from `runs/get-output`), among the first
//!    [`MAX_JOB_PROBES`] jobs.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::api::models::sql::StatementResponse;
use crate::api::models::uc_tables::TableInfo;
use crate::api::{ApiError, Client};
use crate::config::features::FeaturesSettings;
use crate::ops::job_list::{JobRow, RunSummary, read_jobs};
use crate::ops::sql::{Waiter, choose_warehouse};

use super::freshness::Freshness;
use super::history::{self, DeltaVersion};
use super::models::ModelUse;
use super::online::OnlineStatus;
use super::tags::TableTags;
use super::trained::{self, TrainedOn};

/// Jobs whose last run's outputs are read at most (rule 3).
pub const MAX_JOB_PROBES: usize = 10;
/// The job tag that names the feature tables a job writes (rule 2).
pub const FEATURE_TABLE_TAG: &str = "mlops.feature_table";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnRow {
    pub name: String,
    pub type_text: Option<String>,
    pub comment: Option<String>,
    pub nullable: Option<bool>,
    /// `entity` or `timeseries` for key columns.
    pub key: Option<&'static str>,
}

/// The job that writes the table, and how it was found.
#[derive(Debug, Clone, Serialize)]
pub struct ProducingJob {
    pub job_id: i64,
    pub name: Option<String>,
    /// `delta history`, `job tag`, or `last run output`.
    pub found_by: &'static str,
    pub last_run: Option<RunSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeatureDetail {
    pub table: String,
    pub comment: Option<String>,
    pub owner: Option<String>,
    pub entity_keys: Vec<String>,
    pub timeseries_keys: Vec<String>,
    pub columns: Vec<ColumnRow>,
    /// Table properties (`TBLPROPERTIES`).
    pub properties: BTreeMap<String, String>,
    /// Unity Catalog tags (apart from the properties), or why they are not readable.
    pub tags: TableTags,
    pub created_ms: Option<i64>,
    pub last_modified_ms: Option<i64>,
    pub freshness: Freshness,
    /// Newest first; `None` when it could not be read (see `notes`).
    pub versions: Option<Vec<DeltaVersion>>,
    /// Each model version using the table and the Delta version it was trained on: logged by
    /// its training run, inferred (the version current when the run started), or unknown.
    /// The versions' `trained` marks say the same per version.
    pub trained: Vec<TrainedOn>,
    pub online: Vec<OnlineStatus>,
    pub monitor: String,
    pub models: ModelUse,
    pub producing_job: Option<ProducingJob>,
    /// Filled by the lineage reader; not read here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lineage: Option<serde_json::Value>,
    /// What could not be read.
    pub notes: Vec<String>,
}

/// Why a detail could not be read.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DetailError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("{0} has no primary key: it is not a feature table")]
    NotAFeatureTable(String),
}

fn columns(t: &TableInfo) -> Vec<ColumnRow> {
    let (entity, ts) = (t.entity_keys(), t.timeseries_keys());
    t.columns
        .iter()
        .map(|c| ColumnRow {
            name: c.name.clone(),
            type_text: c.type_text.clone().or_else(|| c.type_name.clone()),
            comment: c.comment.clone(),
            nullable: c.nullable,
            key: if ts.contains(&c.name) {
                Some("timeseries")
            } else if entity.contains(&c.name) {
                Some("entity")
            } else {
                None
            },
        })
        .collect()
}

fn tagged(job: &JobRow, table: &str) -> bool {
    job.tags
        .get(FEATURE_TABLE_TAG)
        .is_some_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(table)))
}

/// The producing job (see the module's rules).
pub async fn producing_job(
    client: &Client,
    table: &str,
    versions: Option<&[DeltaVersion]>,
    notes: &mut Vec<String>,
) -> Option<ProducingJob> {
    let jobs = match read_jobs(client).await {
        Ok(j) => j,
        Err(e) => {
            notes.push(format!("jobs not read: {e}"));
            return None;
        }
    };
    let found = |j: &JobRow, found_by| ProducingJob {
        job_id: j.job_id,
        name: Some(j.name.clone()),
        found_by,
        last_run: j.last_run.clone(),
    };
    if let Some(id) = versions
        .into_iter()
        .flatten()
        .find_map(|v| v.job_id.filter(|_| v.is_write()))
    {
        return Some(match jobs.iter().find(|j| j.job_id == id) {
            Some(j) => found(j, "delta history"),
            None => ProducingJob {
                job_id: id,
                name: None,
                found_by: "delta history",
                last_run: None,
            },
        });
    }
    if let Some(j) = jobs.iter().find(|j| tagged(j, table)) {
        return Some(found(j, "job tag"));
    }
    let none = BTreeMap::new();
    for j in jobs
        .iter()
        .filter(|j| j.last_run.as_ref().is_some_and(|r| r.ended))
        .take(MAX_JOB_PROBES)
    {
        let Some(run) = &j.last_run else { continue };
        match crate::ops::job_run_view::read(client, run.run_id, &none).await {
            Ok(view) => {
                let wrote = view.tasks.iter().any(|t| {
                    ["table", "output_table"].iter().any(|k| {
                        t.reported
                            .get(*k)
                            .is_some_and(|v| v.trim().eq_ignore_ascii_case(table))
                    })
                });
                if wrote {
                    return Some(found(j, "last run output"));
                }
            }
            Err(e) => notes.push(format!(
                "run {} of job {} not read: {e}",
                run.run_id, j.name
            )),
        }
    }
    None
}

/// Where a detail reads: the settings, the warehouse `[monitoring]` names (used when
/// `[features] warehouse_id` is not set), the clock.
#[derive(Debug, Clone, Copy)]
pub struct DetailInputs<'a> {
    pub settings: &'a FeaturesSettings,
    pub monitoring_warehouse: Option<&'a str>,
    pub now_ms: i64,
}

/// `table` in full as of `now_ms`. A table that does not exist is a not-found error; one
/// without a primary key is [`DetailError::NotAFeatureTable`].
pub async fn read_detail(
    client: &Client,
    inputs: DetailInputs<'_>,
    table: &str,
    waiter: &mut Waiter<'_, StatementResponse>,
) -> Result<FeatureDetail, DetailError> {
    let t = client.get_table_info(table.trim()).await?;
    let name = t.full_name();
    if !t.is_feature_table() {
        return Err(DetailError::NotAFeatureTable(name));
    }
    let mut notes = Vec::new();
    let configured = inputs
        .settings
        .warehouse_id
        .as_deref()
        .or(inputs.monitoring_warehouse);
    let versions = match choose_warehouse(client, configured).await {
        Ok(w) => match history::read(client, &w.id, &name, waiter).await {
            Ok(v) => Some(v),
            Err(e) => {
                notes.push(format!("Delta history not read on {}: {e}", w.name));
                None
            }
        },
        Err(e) => {
            notes.push(format!(
                "Delta history not read (freshness from updated_at): {e}"
            ));
            None
        }
    };
    let sla = inputs.settings.sla_of(&name);
    let freshness = match &versions {
        Some(v) => Freshness::from_history(&t, v, sla, inputs.now_ms),
        None => Freshness::from_updated_at(&t, sla, inputs.now_ms),
    };
    let tables = [t.clone()];
    let names = [name.clone()];
    let (online, (models, model_note), monitor, tags) = futures::join!(
        super::online::discover(client, &tables),
        super::models::model_use(client, &names),
        super::monitor_status(client, &name),
        super::tags::read_tags(client, &name),
    );
    notes.extend(online.notes.iter().cloned());
    notes.extend(model_note);
    let producing_job = producing_job(client, &name, versions.as_deref(), &mut notes).await;
    let uses = models.sources(&name);
    let (trained, trained_note) = trained::read(client, &name, &uses, versions.as_deref()).await;
    notes.extend(trained_note);
    let mut versions = versions;
    if let Some(v) = versions.as_mut() {
        trained::mark(v, &trained);
    }
    Ok(FeatureDetail {
        comment: t.base.comment.clone().filter(|c| !c.is_empty()),
        owner: t.base.owner.clone(),
        entity_keys: t.entity_keys(),
        timeseries_keys: t.timeseries_keys(),
        columns: columns(&t),
        properties: t.base.properties.clone(),
        tags,
        created_ms: t.created_at,
        last_modified_ms: t.updated_at,
        online: online.of(&name, freshness.last_write_ms),
        freshness,
        versions,
        trained,
        monitor,
        models: models.of(&name),
        producing_job,
        lineage: None,
        notes,
        table: name,
    })
}
