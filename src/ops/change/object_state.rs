//! The state of the object a change touches, before and after it: written to the audit journal
//! (plain serde data with a tag; a kind this build does not know reads as `Unknown`), compared
//! with the read-back (`satisfied_by`) and described in words for the views.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ops::traffic::EndpointConfigState;

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
    /// Whether an online table exists, what it is published from and how, and its UC and sync
    /// states as read (see `ops::feature_changes::state`).
    OnlineTable(Box<crate::ops::feature_changes::state::OnlineTableState>),
    /// Whether a sync of an online table has run since the attempt (an update on its way, or
    /// one that ended since), its sync state as read and the source version it last read.
    OnlineSyncUpdate {
        updated: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sync_state: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_synced_version: Option<i64>,
    },
    /// A load test: what it was to send, and once run, what it measured (see `ops::bench`).
    LoadTest(Box<crate::ops::bench::change::LoadTestState>),
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
            (ObjectState::OnlineTable(a), ObjectState::OnlineTable(b)) => a.satisfied_by(b),
            (
                ObjectState::OnlineSyncUpdate { updated: a, .. },
                ObjectState::OnlineSyncUpdate { updated: b, .. },
            ) => a == b,
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
            ObjectState::OnlineTable(t) => t.describe(),
            ObjectState::OnlineSyncUpdate {
                updated,
                sync_state,
                ..
            } => {
                let life = if *updated {
                    "synced since"
                } else {
                    "no new sync"
                };
                match sync_state {
                    Some(s) => format!("{life} ({s})"),
                    None => life.to_string(),
                }
            }
            ObjectState::LoadTest(t) => t.describe(),
            ObjectState::Unknown => "(unknown)".to_string(),
        }
    }
}
