//! What a change touches ([`Target`]) and what kind of change it is ([`ChangeAction`]), as the
//! audit journal records them: plain serde data with a tag; kinds this build does not know read
//! as `Unknown` instead of failing the line. The object's state before and after is
//! [`ObjectState`] (`object_state`).

use serde::{Deserialize, Serialize};

/// The kind of change, as the journal and the Audit screen name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    Promote,
    Rollback,
    Approve,
    Reject,
    /// Routes of a serving endpoint moved (`+`/`-`/`=`, `traffic`).
    Traffic,
    /// A step of a canary plan: the canary added at 0%, a traffic step, or the abort back to
    /// stable.
    Canary,
    /// Start a job run (training from an experiment).
    RunJob,
    /// Cancel a job run.
    CancelRun,
    /// Rerun the failed tasks of an ended job run.
    RepairRun,
    /// Start a model's retraining job (a job run whose comment says which model and why).
    Retrain,
    /// Create or update a Databricks SQL alert (a console alert rule saved server-side).
    SaveSqlAlert,
    /// Start a refresh of a table monitor.
    RefreshMonitor,
    /// Cancel a refresh of a table monitor.
    CancelMonitorRefresh,
    /// Publish a feature table to an online store (a synced online table).
    PublishFeatureTable,
    /// Start a sync (a pipeline update) of a TRIGGERED or SNAPSHOT online table.
    SyncOnlineTable,
    /// A load test of a serving endpoint (`L`, `bench`): its plan, then its summary.
    LoadTest,
    /// Written by a newer build.
    #[serde(other)]
    Unknown,
}

impl ChangeAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeAction::Promote => "promote",
            ChangeAction::Rollback => "rollback",
            ChangeAction::Approve => "approve",
            ChangeAction::Reject => "reject",
            ChangeAction::Traffic => "traffic",
            ChangeAction::Canary => "canary",
            ChangeAction::RunJob => "run_job",
            ChangeAction::CancelRun => "cancel_run",
            ChangeAction::RepairRun => "repair_run",
            ChangeAction::Retrain => "retrain",
            ChangeAction::SaveSqlAlert => "save_sql_alert",
            ChangeAction::RefreshMonitor => "refresh_monitor",
            ChangeAction::CancelMonitorRefresh => "cancel_monitor_refresh",
            ChangeAction::PublishFeatureTable => "publish_feature_table",
            ChangeAction::SyncOnlineTable => "sync_online_table",
            ChangeAction::LoadTest => "load_test",
            ChangeAction::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for ChangeAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The object a change is made to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    /// A Unity Catalog alias (`catalog.schema.model@alias`).
    UcAlias { model: String, alias: String },
    /// An alias of an open-source MLflow registry model.
    RegistryAlias { model: String, alias: String },
    /// The stages of a workspace-registry (or open-source) model's versions.
    Stages { model: String },
    /// The approval tags of one Unity Catalog version.
    UcApproval { model: String, version: String },
    /// The open transition request of one workspace version to `stage`.
    TransitionRequest {
        model: String,
        version: String,
        stage: String,
    },
    /// The config (served entities and routes) of a serving endpoint.
    Endpoint { name: String },
    /// Runs of a job started from the console: `since_ms` is when the attempt was made, so a
    /// later verification can find the run it started.
    JobRun {
        job_id: i64,
        job: String,
        since_ms: i64,
    },
    /// One run of a job (`job` is the run's name, for people).
    Run { run_id: i64, job: String },
    /// A Databricks SQL alert, by its display name (unique among the console's alerts).
    SqlAlert { name: String },
    /// Refreshes of the monitor of `table` started from the console: `since_ms` is when the
    /// attempt was made, so a later verification can find the refresh it started. `api` and
    /// `table_id` say how the monitor is reached (see `ops::monitors`).
    MonitorRefreshes {
        table: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        table_id: Option<String>,
        api: crate::api::models::monitors::MonitorApi,
        since_ms: i64,
    },
    /// One refresh of the monitor of `table`.
    MonitorRefresh {
        table: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        table_id: Option<String>,
        api: crate::api::models::monitors::MonitorApi,
        refresh_id: i64,
    },
    /// The online (synced) table `name` a feature table `source` is published to, on the
    /// online store `store` (see `ops::feature_changes`).
    OnlineTable {
        name: String,
        source: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        store: Option<String>,
    },
    /// Syncs of the online table `name` started from the console through `pipeline_id`:
    /// `since_ms` is when the attempt was made, so a read-back can tell a sync since then.
    OnlineTableSync {
        name: String,
        pipeline_id: String,
        since_ms: i64,
    },
    /// Written by a newer build.
    #[serde(other)]
    Unknown,
}

impl Target {
    /// The model the object belongs to (empty for `Unknown`).
    pub fn model(&self) -> &str {
        match self {
            Target::UcAlias { model, .. }
            | Target::RegistryAlias { model, .. }
            | Target::Stages { model }
            | Target::UcApproval { model, .. }
            | Target::TransitionRequest { model, .. } => model,
            // Endpoints are not models; their name keeps searches and grouping working.
            Target::Endpoint { name } => name,
            Target::JobRun { job, .. } | Target::Run { job, .. } => job,
            Target::SqlAlert { name } => name,
            Target::MonitorRefreshes { table, .. } | Target::MonitorRefresh { table, .. } => table,
            Target::OnlineTable { source, .. } => source,
            Target::OnlineTableSync { name, .. } => name,
            Target::Unknown => "",
        }
    }

    /// Whether the object is one version's own (an approval, a transition request) of `version`.
    pub fn is_version(&self, version: &str) -> bool {
        match self {
            Target::UcApproval { version: v, .. }
            | Target::TransitionRequest { version: v, .. } => v == version,
            _ => false,
        }
    }

    /// One line naming the object, e.g. `main.ml.churn_model@champion`.
    pub fn describe(&self) -> String {
        match self {
            Target::UcAlias { model, alias } => format!("{model}@{alias}"),
            Target::RegistryAlias { model, alias } => format!("{model}@{alias} (MLflow alias)"),
            Target::Stages { model } => format!("{model} (stages)"),
            Target::UcApproval { model, version } => format!("{model} v{version} (approval)"),
            Target::TransitionRequest {
                model,
                version,
                stage,
            } => format!("{model} v{version} (request to {stage})"),
            Target::Endpoint { name } => format!("endpoint {name}"),
            Target::JobRun { job, job_id, .. } => format!("job {job} ({job_id})"),
            Target::Run { run_id, job } => format!("run {run_id} of {job}"),
            Target::SqlAlert { name } => format!("SQL alert {name}"),
            Target::MonitorRefreshes { table, .. } => format!("monitor of {table}"),
            Target::MonitorRefresh {
                table, refresh_id, ..
            } => format!("refresh {refresh_id} of the monitor of {table}"),
            Target::OnlineTable {
                name,
                source,
                store,
            } => match store {
                Some(store) => format!("online table {name} of {source} on {store}"),
                None => format!("online table {name} of {source}"),
            },
            Target::OnlineTableSync { name, .. } => format!("syncs of online table {name}"),
            Target::Unknown => "(unknown object)".to_string(),
        }
    }
}

pub use super::object_state::ObjectState;

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn stages(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn satisfied_by_checks_only_the_keys_that_matter() {
        let want = ObjectState::Stages {
            stages: stages(&[("4", "Production")]),
        };
        let got = ObjectState::Stages {
            stages: stages(&[("4", "production"), ("3", "Archived")]),
        };
        assert!(want.satisfied_by(&got));
        assert!(
            !got.satisfied_by(&want),
            "v3 is missing from the smaller read"
        );
        let tags = |v: Option<&str>| ObjectState::Tags {
            tags: [("approval".to_string(), v.map(str::to_string))].into(),
        };
        assert!(tags(None).satisfied_by(&ObjectState::Tags {
            tags: BTreeMap::new()
        }));
        assert!(!tags(Some("approved")).satisfied_by(&tags(Some("pending"))));
        let alias = |v: Option<&str>| ObjectState::Alias {
            version: v.map(str::to_string),
        };
        assert!(alias(Some("5")).satisfied_by(&alias(Some("5"))));
        assert!(!alias(Some("5")).satisfied_by(&alias(None)));
        assert!(!alias(Some("5")).satisfied_by(&tags(None)), "kinds differ");
    }

    #[test]
    fn version_mentions_are_exact() {
        let alias = ObjectState::Alias {
            version: Some("50".into()),
        };
        assert!(alias.mentions_version("50"));
        assert!(!alias.mentions_version("5"));
        let st = ObjectState::Stages {
            stages: stages(&[("5", "Production")]),
        };
        assert!(st.mentions_version("5") && !st.mentions_version("50"));
        let t = Target::UcApproval {
            model: "m".into(),
            version: "5".into(),
        };
        assert!(t.is_version("5") && !t.is_version("50"));
    }

    #[test]
    fn unknown_kinds_from_newer_builds_still_parse() {
        let t: Target = serde_json::from_str(r#"{"kind":"endpoint_traffic","name":"x"}"#).unwrap();
        assert_eq!(t, Target::Unknown);
        let s: ObjectState = serde_json::from_str(r#"{"kind":"routes","routes":[]}"#).unwrap();
        assert_eq!(s, ObjectState::Unknown);
        let a: ChangeAction = serde_json::from_str(r#""shift_traffic""#).unwrap();
        assert_eq!(a, ChangeAction::Unknown);
    }

    #[test]
    fn round_trips_and_reads_well() {
        let t = Target::UcAlias {
            model: "main.ml.churn_model".into(),
            alias: "champion".into(),
        };
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"uc_alias","model":"main.ml.churn_model","alias":"champion"}"#
        );
        assert_eq!(serde_json::from_str::<Target>(&json).unwrap(), t);
        assert_eq!(t.describe(), "main.ml.churn_model@champion");
        let s = ObjectState::Request {
            open: true,
            stages: stages(&[("4", "Staging"), ("3", "Production")]),
            opened: None,
        };
        assert_eq!(s.describe(), "request open; v3 Production, v4 Staging");
    }

    #[test]
    fn a_cancelled_run_is_judged_by_whether_it_ended() {
        let t = Target::Run {
            run_id: 7,
            job: "nightly".into(),
        };
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, r#"{"kind":"run","run_id":7,"job":"nightly"}"#);
        assert_eq!(serde_json::from_str::<Target>(&json).unwrap(), t);
        assert_eq!(t.describe(), "run 7 of nightly");
        let life = |ended, state: &str| ObjectState::RunLife {
            ended,
            state: Some(state.to_string()),
            cancelled: ended.then(|| state.ends_with("CANCELED")),
        };
        let after = ObjectState::RunLife {
            ended: true,
            state: None,
            cancelled: Some(true),
        };
        assert!(after.satisfied_by(&life(true, "TERMINATED CANCELED")));
        assert!(!after.satisfied_by(&life(false, "TERMINATING")));
        assert!(
            !after.satisfied_by(&life(true, "TERMINATED SUCCESS")),
            "a run that ended on its own was not cancelled"
        );
        assert_eq!(life(false, "RUNNING").describe(), "running (RUNNING)");
        assert_eq!(after.describe(), "cancelled");
        assert_eq!(
            serde_json::to_string(&after).unwrap(),
            r#"{"kind":"run_life","ended":true,"cancelled":true}"#
        );
        assert_eq!(ChangeAction::CancelRun.as_str(), "cancel_run");
    }

    #[test]
    fn a_repair_wants_one_more_repair_than_before() {
        let seen = |repairs| ObjectState::RunRepairs {
            repairs,
            state: Some("RUNNING".into()),
        };
        let after = ObjectState::RunRepairs {
            repairs: 1,
            state: None,
        };
        assert!(after.satisfied_by(&seen(1)));
        assert!(!after.satisfied_by(&seen(0)), "not repaired yet");
        assert!(!after.satisfied_by(&ObjectState::Unknown));
        assert_eq!(seen(1).describe(), "repaired once (RUNNING)");
        assert_eq!(after.describe(), "repaired once");
        assert_eq!(
            serde_json::to_string(&after).unwrap(),
            r#"{"kind":"run_repairs","repairs":1}"#
        );
        assert_eq!(ChangeAction::RepairRun.as_str(), "repair_run");
    }
}
