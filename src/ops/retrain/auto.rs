//! Automatic retraining by an alert rule: off unless the rule turns it on, at most once per
//! window per rule, never on a read-only profile, and journaled as automatic like any retrain.
//!
//! Which window each rule last retrained for is remembered per workspace in
//! `data_dir/retraining/<workspace>.json` (beside the canary plans' `canaries/<workspace>/`). The
//! window is written there before the run is started: a crash or a lost answer afterwards can
//! leave a window without a retrain, never with two.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::api::Client;
use crate::ops::canary::store::workspace_slug;
use crate::ops::change::execute::ChangeContext;
use crate::ops::journal::Journal;
use crate::ops::workspace::Workspace;

use super::{RetrainError, RetrainJob, RetrainRequest, Started, retrain};

/// What an alert rule's firing does about retraining.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AutoDecision {
    /// The rule does not retrain on its own (the default).
    Off,
    /// A read-only profile never retrains.
    ReadOnly,
    /// This rule already retrained for this window.
    AlreadyDone { window: String },
    /// Retrain now.
    Retrain,
}

impl AutoDecision {
    /// Why nothing is started, in words; `None` for [`AutoDecision::Retrain`].
    pub fn skipped_because(&self) -> Option<String> {
        match self {
            AutoDecision::Off => Some("automatic retraining is off for this rule".into()),
            AutoDecision::ReadOnly => {
                Some("the profile is read-only: automatic retraining never runs there".into())
            }
            AutoDecision::AlreadyDone { window } => {
                Some(format!("this rule already retrained for window {window}"))
            }
            AutoDecision::Retrain => None,
        }
    }
}

/// The guard itself, without I/O: whether rule with `enabled`, on a profile `readonly`, firing
/// for `window`, retrains when it last retrained for `last`.
pub fn decide(enabled: bool, readonly: bool, last: Option<&str>, window: &str) -> AutoDecision {
    if !enabled {
        AutoDecision::Off
    } else if readonly {
        AutoDecision::ReadOnly
    } else if last == Some(window) {
        AutoDecision::AlreadyDone {
            window: window.to_string(),
        }
    } else {
        AutoDecision::Retrain
    }
}

/// The file as stored.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    host: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    workspace_id: Option<String>,
    /// Rule name → the window it last retrained for.
    #[serde(default)]
    last_window: BTreeMap<String, String>,
}

/// Which window each rule last retrained for, on one workspace.
#[derive(Debug, Clone)]
pub struct AutoRetrainStore {
    path: PathBuf,
    ws: Workspace,
}

impl AutoRetrainStore {
    pub fn for_workspace(data_dir: &Path, ws: &Workspace) -> AutoRetrainStore {
        AutoRetrainStore {
            path: data_dir
                .join("retraining")
                .join(format!("{}.json", workspace_slug(&ws.host))),
            ws: ws.clone(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read(&self) -> io::Result<Stored> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Stored::default()),
            Err(e) => return Err(e),
        };
        let stored: Stored = serde_json::from_str(&text).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: {e}", self.path.display()),
            )
        })?;
        // A file written for another workspace with the same slug is not this one's.
        if self.ws.holds(&stored.host, stored.workspace_id.as_deref()) {
            Ok(stored)
        } else {
            Ok(Stored::default())
        }
    }

    /// The window `rule` last retrained for.
    pub fn last_window(&self, rule: &str) -> io::Result<Option<String>> {
        Ok(self.read()?.last_window.get(rule).cloned())
    }

    /// Remembers that `rule` retrained for `window` (written to a temporary file, then renamed
    /// over the old one).
    pub fn record(&self, rule: &str, window: &str) -> io::Result<()> {
        let mut stored = self.read()?;
        stored.host = self.ws.host.clone();
        stored.workspace_id = self.ws.id.clone();
        stored
            .last_window
            .insert(rule.to_string(), window.to_string());
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = self.path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(&stored).map_err(io::Error::other)?;
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, &self.path)
    }
}

/// An alert rule that fired and may retrain.
#[derive(Debug, Clone)]
pub struct AutoTrigger {
    /// The rule's name (the key of "once per window").
    pub rule: String,
    /// Whether the rule retrains on its own (off by default).
    pub enabled: bool,
    /// The window the alert fired for (its start).
    pub window: String,
}

/// What an automatic retrain did.
#[derive(Debug)]
pub enum AutoOutcome {
    /// Nothing was sent, for this reason.
    Skipped(AutoDecision),
    /// The run was started (journaled as automatic).
    Started(Box<Started>),
}

/// Why an automatic retrain could not run.
#[derive(Debug, thiserror::Error)]
pub enum AutoError {
    /// The per-workspace state could not be read or written; nothing was sent.
    #[error("automatic retraining state {}: {source}; nothing was sent", .path.display())]
    State { path: PathBuf, source: io::Error },
    #[error(transparent)]
    Retrain(#[from] RetrainError),
}

/// Retrains `job` for `req` (marked automatic) when the guard lets `trigger` do it: the rule
/// has it on, the profile (`readonly`, or the client) is not read-only, and the rule has not
/// retrained for this window yet. The window is remembered before the run is started.
#[allow(clippy::too_many_arguments)]
pub async fn auto_retrain(
    client: &Client,
    journal: &Journal,
    ctx: &ChangeContext,
    store: &AutoRetrainStore,
    readonly: bool,
    trigger: &AutoTrigger,
    job: &RetrainJob,
    req: &RetrainRequest,
    token: String,
) -> Result<AutoOutcome, AutoError> {
    let state_error = |source| AutoError::State {
        path: store.path().to_path_buf(),
        source,
    };
    let readonly = readonly || client.readonly();
    let last = if trigger.enabled && !readonly {
        store.last_window(&trigger.rule).map_err(state_error)?
    } else {
        None
    };
    let decision = decide(trigger.enabled, readonly, last.as_deref(), &trigger.window);
    if decision != AutoDecision::Retrain {
        return Ok(AutoOutcome::Skipped(decision));
    }
    store
        .record(&trigger.rule, &trigger.window)
        .map_err(state_error)?;
    let req = RetrainRequest {
        automatic: true,
        window: req.window.clone().or_else(|| Some(trigger.window.clone())),
        ..req.clone()
    };
    let started = retrain(client, journal, ctx, job, &req, token).await?;
    Ok(AutoOutcome::Started(Box::new(started)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guard_is_off_by_default_never_read_only_and_once_per_window() {
        assert_eq!(decide(false, false, None, "w1"), AutoDecision::Off);
        assert_eq!(decide(true, true, None, "w1"), AutoDecision::ReadOnly);
        assert_eq!(decide(true, false, None, "w1"), AutoDecision::Retrain);
        assert_eq!(
            decide(true, false, Some("w1"), "w1"),
            AutoDecision::AlreadyDone {
                window: "w1".into()
            }
        );
        assert_eq!(decide(true, false, Some("w1"), "w2"), AutoDecision::Retrain);
        assert!(AutoDecision::Retrain.skipped_because().is_none());
        assert!(
            AutoDecision::ReadOnly
                .skipped_because()
                .unwrap()
                .contains("read-only")
        );
    }

    #[test]
    fn windows_are_remembered_per_rule_and_per_workspace() {
        let dir = tempfile::tempdir().unwrap();
        let a = AutoRetrainStore::for_workspace(dir.path(), &Workspace::new("https://a.com", None));
        let b = AutoRetrainStore::for_workspace(dir.path(), &Workspace::new("https://b.com", None));
        assert_eq!(a.last_window("drift").unwrap(), None);
        a.record("drift", "w1").unwrap();
        a.record("quality", "w0").unwrap();
        assert_eq!(a.last_window("drift").unwrap().as_deref(), Some("w1"));
        assert_eq!(a.last_window("quality").unwrap().as_deref(), Some("w0"));
        assert_eq!(b.last_window("drift").unwrap(), None, "another workspace");
        a.record("drift", "w2").unwrap();
        assert_eq!(a.last_window("drift").unwrap().as_deref(), Some("w2"));
        assert!(a.path().starts_with(dir.path().join("retraining")));

        std::fs::write(a.path(), "not json").unwrap();
        let e = a.last_window("drift").unwrap_err().to_string();
        assert!(e.contains(&a.path().display().to_string()), "{e}");
    }
}
