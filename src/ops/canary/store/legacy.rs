//! Plans saved by earlier versions (`<data_dir>/canaries/<endpoint>.json`, naming no
//! workspace): the audit journal says where such a plan ran, since every traffic change it made
//! is journaled with the workspace. A file whose changes were all made on this workspace moves
//! into this workspace's directory; any other stays where it is for its own workspace's console
//! (or the user) to deal with.

use std::fs;

use super::{CanaryStore, read_dir};
use crate::ops::canary::state::CanaryState;
use crate::ops::change::target::Target;
use crate::ops::journal::JournalView;
use crate::ops::workspace::Workspace;

/// Slack around a plan's lifetime when matching journal entries to it (clocks of two consoles
/// on one data dir, a write journaled just before the plan's first save).
const SLACK_MS: i64 = 60_000;

/// The one workspace whose journal entries changed the plan's endpoint while it ran; `None`
/// when there are none, or entries of more than one workspace.
pub(super) fn ran_on(state: &CanaryState, view: &JournalView) -> Option<Workspace> {
    let target = Target::Endpoint {
        name: state.plan.endpoint.clone(),
    };
    let from = state.started_ms.saturating_sub(SLACK_MS);
    let until = state.updated_ms.saturating_add(SLACK_MS);
    let mut found: Option<Workspace> = None;
    for e in &view.entries {
        let a = &e.attempt;
        if a.target != target || a.ts_ms < from || a.ts_ms > until {
            continue;
        }
        match &mut found {
            None => found = Some(Workspace::new(&a.host, a.workspace_id.clone())),
            Some(ws) if ws.made(a) => {
                if ws.id.is_none() {
                    ws.id = a.workspace_id.clone();
                }
            }
            Some(_) => return None,
        }
    }
    found
}

impl CanaryStore {
    /// Moves each plan of an earlier version that the journal places on this workspace into
    /// this workspace's directory (unless it already holds a plan for that endpoint). One note
    /// per file moved, or that could not be moved.
    pub fn adopt_legacy(&self, view: &JournalView) -> Vec<String> {
        let mut notes = Vec::new();
        for (path, read) in read_dir(&self.root) {
            let Ok(mut state) = read else { continue };
            if state.host.is_some() {
                continue;
            }
            let Some(ws) = ran_on(&state, view) else {
                continue;
            };
            if !self.ws.holds(&ws.host, ws.id.as_deref()) {
                continue;
            }
            let endpoint = state.plan.endpoint.clone();
            if self.path(&endpoint).exists() {
                continue;
            }
            state.workspace_id = ws.id;
            let moved = self.save(&state).and_then(|()| fs::remove_file(&path));
            notes.push(match moved {
                Ok(()) => format!(
                    "canary plan of {endpoint} from an earlier version moved to {} (the journal \
                     shows it ran on {})",
                    self.path(&endpoint).display(),
                    self.ws.host
                ),
                Err(e) => format!("cannot move {}: {e}", path.display()),
            });
        }
        notes
    }
}
