//! Alerts across evaluations: what changed since the previous one. An alert fires once, when
//! it first appears, and resolves once, when it is gone; while it keeps firing nothing is said.
//! A rule that could not be judged keeps its alerts as they were (neither resolved nor fired
//! again) and is announced once as unknown.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::evaluate::{Alert, Evaluation, UnknownRule};

/// One change, as `alerts --watch` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum AlertChange {
    Fired {
        at_ms: i64,
        alert: Alert,
    },
    Resolved {
        at_ms: i64,
        alert: Alert,
    },
    /// A rule that could not be judged this time (after being judged, or at the start).
    Unknown {
        at_ms: i64,
        rule: UnknownRule,
    },
}

/// The alerts firing as of the last evaluation.
#[derive(Debug, Clone, Default)]
pub struct AlertState {
    active: BTreeMap<String, Alert>,
    unknown: BTreeSet<String>,
    evaluated: bool,
}

impl AlertState {
    pub fn new() -> Self {
        Self::default()
    }

    /// The alerts firing now, with the `since` of when they were first seen when the facts did
    /// not tell.
    pub fn active(&self) -> impl Iterator<Item = &Alert> {
        self.active.values()
    }

    /// Takes in an evaluation; returns only what changed.
    pub fn update(&mut self, eval: &Evaluation) -> Vec<AlertChange> {
        let at_ms = eval.at_ms;
        let mut changes = Vec::new();
        let unknown_now: BTreeSet<String> = eval.unknown.iter().map(|u| u.rule.clone()).collect();
        for u in &eval.unknown {
            if !self.unknown.contains(&u.rule) {
                changes.push(AlertChange::Unknown {
                    at_ms,
                    rule: u.clone(),
                });
            }
        }
        let firing: BTreeMap<&str, &Alert> =
            eval.firing.iter().map(|a| (a.id.as_str(), a)).collect();
        let gone: Vec<String> = self
            .active
            .iter()
            .filter(|(id, a)| !firing.contains_key(id.as_str()) && !unknown_now.contains(&a.rule))
            .map(|(id, _)| id.clone())
            .collect();
        for id in gone {
            if let Some(alert) = self.active.remove(&id) {
                changes.push(AlertChange::Resolved { at_ms, alert });
            }
        }
        for a in &eval.firing {
            match self.active.get_mut(&a.id) {
                Some(known) => {
                    // Still firing: keep when it started, take the latest words.
                    let since = known.since_ms;
                    *known = a.clone();
                    known.since_ms = a.since_ms.or(since);
                }
                None => {
                    let mut alert = a.clone();
                    alert.since_ms = alert.since_ms.or(Some(at_ms));
                    self.active.insert(a.id.clone(), alert.clone());
                    changes.push(AlertChange::Fired { at_ms, alert });
                }
            }
        }
        self.unknown = unknown_now;
        self.evaluated = true;
        changes
    }

    /// Whether an evaluation was taken in yet.
    pub fn evaluated(&self) -> bool {
        self.evaluated
    }
}
