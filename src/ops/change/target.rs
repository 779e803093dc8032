//! What a change touches ([`Target`]) and the state of that object before and after it
//! ([`ObjectState`]). Both are written to the audit journal, so they are plain serde data with
//! a tag; kinds this build does not know read as `Unknown` instead of failing the line.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ops::traffic::EndpointConfigState;

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
            Target::Unknown => "(unknown object)".to_string(),
        }
    }
}

/// The part of an object's state a change is about. Maps hold only the keys that matter
/// (versions whose stage moves, tags that are set); a read-back reads the same keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ObjectState {
    /// The version an alias points at; `None` when the alias is not set.
    Alias { version: Option<String> },
    /// Stage per version.
    Stages { stages: BTreeMap<String, String> },
    /// Tag values; `None` when the tag is absent.
    Tags {
        tags: BTreeMap<String, Option<String>>,
    },
    /// Whether a transition request is open, and the stages of the versions it affects.
    Request {
        open: bool,
        stages: BTreeMap<String, String>,
        /// When the open request was made (its `creation_timestamp`): tells it apart from a
        /// later request to the same stage. Informational; not compared.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opened: Option<i64>,
    },
    /// A serving endpoint's served entities (as `PUT …/config` inputs) and routes.
    Endpoint(EndpointConfigState),
    /// Whether a run of the job was started (and which, in what state, once known).
    JobRun {
        started: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        run_id: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<String>,
    },
    /// Whether a job run has ended, and its state as read (`TERMINATED CANCELED`); once it has
    /// ended, whether it was cancelled (a cancel's wanted state says `cancelled: true`).
    RunLife {
        ended: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cancelled: Option<bool>,
    },
    /// How many times a job run was repaired (its failed tasks rerun), and its state as read.
    /// A repair wants one more than before.
    RunRepairs {
        repairs: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<String>,
    },
    /// Whether a SQL alert of that name exists (its id once known) and the query it runs.
    SqlAlert {
        exists: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        query_text: Option<String>,
        /// The threshold of its evaluation, as text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        threshold: Option<String>,
    },
    /// Whether a refresh of a monitor was started by the change (and which, in what state,
    /// once known).
    MonitorRefresh {
        started: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        refresh_id: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<String>,
    },
    /// Whether a monitor refresh has ended, its state as read, and (once ended) whether it was
    /// cancelled.
    RefreshLife {
        ended: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cancelled: Option<bool>,
    },
    /// Written by a newer build.
    #[serde(other)]
    Unknown,
}

impl ObjectState {
    /// The same state with what identifies the object as read in `now` (which request is
    /// open), for the journal: a later verification can then tell this request from another.
    pub fn identified_by(&self, now: &ObjectState) -> ObjectState {
        match (self, now) {
            (ObjectState::Request { open, stages, .. }, ObjectState::Request { opened, .. }) => {
                ObjectState::Request {
                    open: *open,
                    stages: stages.clone(),
                    opened: *opened,
                }
            }
            _ => self.clone(),
        }
    }

    /// The stage map, for the states that carry one.
    pub fn stages(&self) -> Option<&BTreeMap<String, String>> {
        match self {
            ObjectState::Stages { stages } | ObjectState::Request { stages, .. } => Some(stages),
            _ => None,
        }
    }

    /// Whether `actual` (read back) shows everything this state says: same kind, and every key
    /// here has the same value there. Stage names compare case-insensitively.
    pub fn satisfied_by(&self, actual: &ObjectState) -> bool {
        let same_stages = |want: &BTreeMap<String, String>, got: &BTreeMap<String, String>| {
            want.iter().all(|(v, s)| {
                got.get(v)
                    .is_some_and(|g: &String| g.eq_ignore_ascii_case(s))
            })
        };
        match (self, actual) {
            (ObjectState::Alias { version: a }, ObjectState::Alias { version: b }) => a == b,
            (ObjectState::Stages { stages: a }, ObjectState::Stages { stages: b }) => {
                same_stages(a, b)
            }
            (ObjectState::Tags { tags: a }, ObjectState::Tags { tags: b }) => a
                .iter()
                .all(|(k, v)| b.get(k).cloned().unwrap_or(None) == *v),
            (
                ObjectState::Request {
                    open: a,
                    stages: sa,
                    ..
                },
                ObjectState::Request {
                    open: b,
                    stages: sb,
                    ..
                },
            ) => a == b && same_stages(sa, sb),
            (ObjectState::Endpoint(a), ObjectState::Endpoint(b)) => a.satisfied_by(b),
            (
                ObjectState::JobRun {
                    started: a,
                    run_id: ra,
                    ..
                },
                ObjectState::JobRun {
                    started: b,
                    run_id: rb,
                    ..
                },
            ) => a == b && (ra.is_none() || ra == rb),
            (
                ObjectState::RunLife {
                    ended: a,
                    cancelled: want,
                    ..
                },
                ObjectState::RunLife {
                    ended: b,
                    cancelled: got,
                    ..
                },
            ) => a == b && (want.is_none() || want == got),
            (
                ObjectState::RunRepairs { repairs: want, .. },
                ObjectState::RunRepairs { repairs: got, .. },
            ) => got >= want,
            (
                ObjectState::SqlAlert {
                    exists: a,
                    query_text: qa,
                    threshold: ta,
                    ..
                },
                ObjectState::SqlAlert {
                    exists: b,
                    query_text: qb,
                    threshold: tb,
                    ..
                },
            ) => a == b && (qa.is_none() || qa == qb) && (ta.is_none() || ta == tb),
            (
                ObjectState::MonitorRefresh {
                    started: a,
                    refresh_id: ra,
                    ..
                },
                ObjectState::MonitorRefresh {
                    started: b,
                    refresh_id: rb,
                    ..
                },
            ) => a == b && (ra.is_none() || ra == rb),
            (
                ObjectState::RefreshLife {
                    ended: a,
                    cancelled: want,
                    ..
                },
                ObjectState::RefreshLife {
                    ended: b,
                    cancelled: got,
                    ..
                },
            ) => a == b && (want.is_none() || want == got),
            _ => false,
        }
    }

    /// Whether this state is about model version `version` (an alias pointing at it, or its
    /// stage) — exact version numbers, so v5 does not match v50.
    pub fn mentions_version(&self, version: &str) -> bool {
        match self {
            ObjectState::Alias { version: v } => v.as_deref() == Some(version),
            ObjectState::Stages { stages } | ObjectState::Request { stages, .. } => {
                stages.contains_key(version)
            }
            _ => false,
        }
    }

    /// A short human form, e.g. `v5`, `(not set)`, `v3 Production, v4 Staging`.
    pub fn describe(&self) -> String {
        let stages = |m: &BTreeMap<String, String>| {
            if m.is_empty() {
                return "(no versions)".to_string();
            }
            m.iter()
                .map(|(v, s)| format!("v{v} {s}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            ObjectState::Alias { version: Some(v) } => format!("v{v}"),
            ObjectState::Alias { version: None } => "(not set)".to_string(),
            ObjectState::Stages { stages: m } => stages(m),
            ObjectState::Tags { tags } => tags
                .iter()
                .map(|(k, v)| match v {
                    Some(v) => format!("{k}={v}"),
                    None => format!("{k} (absent)"),
                })
                .collect::<Vec<_>>()
                .join(", "),
            ObjectState::Request {
                open, stages: m, ..
            } => {
                let request = if *open {
                    "request open"
                } else {
                    "no open request"
                };
                format!("{request}; {}", stages(m))
            }
            ObjectState::Endpoint(c) => c.describe(),
            ObjectState::JobRun { started: false, .. } => "(no run)".to_string(),
            ObjectState::JobRun {
                run_id: Some(id),
                state,
                ..
            } => match state {
                Some(s) => format!("run {id} ({s})"),
                None => format!("run {id}"),
            },
            ObjectState::JobRun { .. } => "a new run".to_string(),
            ObjectState::RunLife {
                ended,
                state,
                cancelled,
            } => {
                let life = match (ended, cancelled) {
                    (true, Some(true)) => "cancelled",
                    (true, _) => "ended",
                    (false, _) => "running",
                };
                match state {
                    Some(s) => format!("{life} ({s})"),
                    None => life.to_string(),
                }
            }
            ObjectState::RunRepairs { repairs, state } => {
                let n = match repairs {
                    0 => "never repaired".to_string(),
                    1 => "repaired once".to_string(),
                    n => format!("repaired {n} times"),
                };
                match state {
                    Some(s) => format!("{n} ({s})"),
                    None => n,
                }
            }
            ObjectState::SqlAlert { exists: false, .. } => "(no alert)".to_string(),
            ObjectState::SqlAlert { id, threshold, .. } => {
                let id = id.as_deref().map(|i| format!(" {i}")).unwrap_or_default();
                match threshold {
                    Some(t) => format!("alert{id} (threshold {t})"),
                    None => format!("alert{id}"),
                }
            }
            ObjectState::MonitorRefresh { started: false, .. } => "(no refresh)".to_string(),
            ObjectState::MonitorRefresh {
                refresh_id: Some(id),
                state,
                ..
            } => match state {
                Some(s) => format!("refresh {id} ({s})"),
                None => format!("refresh {id}"),
            },
            ObjectState::MonitorRefresh { .. } => "a new refresh".to_string(),
            ObjectState::RefreshLife {
                ended,
                state,
                cancelled,
            } => {
                let life = match (ended, cancelled) {
                    (true, Some(true)) => "cancelled",
                    (true, _) => "ended",
                    (false, _) => "on its way",
                };
                match state {
                    Some(s) => format!("{life} ({s})"),
                    None => life.to_string(),
                }
            }
            ObjectState::Unknown => "(unknown)".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
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
