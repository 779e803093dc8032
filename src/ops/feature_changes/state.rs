//! An online table as the journal records it (`ObjectState::OnlineTable`): whether it exists,
//! what it is published from and how — what a publish compares — and its UC and sync states as
//! read (informational: a table is ACTIVE in UC before its first sync has finished).

use serde::{Deserialize, Serialize};

use crate::api::models::online_sync::OnlineSync;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnlineTableState {
    pub exists: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uc_state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_state: Option<String>,
}

impl OnlineTableState {
    /// No online table of that name.
    pub fn missing() -> OnlineTableState {
        OnlineTableState {
            exists: false,
            source: None,
            mode: None,
            uc_state: None,
            sync_state: None,
        }
    }

    /// The table there, from `source`, in `mode` (what a publish wants).
    pub fn wanted(source: &str, mode: &str) -> OnlineTableState {
        OnlineTableState {
            exists: true,
            source: Some(source.to_string()),
            mode: Some(mode.to_string()),
            uc_state: None,
            sync_state: None,
        }
    }

    pub fn of(o: &OnlineSync) -> OnlineTableState {
        OnlineTableState {
            exists: true,
            source: o.source_table.clone(),
            mode: o.mode.as_ref().map(|m| m.as_str().to_string()),
            uc_state: o.uc_state.as_ref().map(|u| u.as_str().to_string()),
            sync_state: o.sync_state.as_ref().map(|s| s.as_str().to_string()),
        }
    }

    /// Same existence, and the source and mode this state names (case aside).
    pub fn satisfied_by(&self, got: &OnlineTableState) -> bool {
        let same = |want: &Option<String>, got: &Option<String>| match (want, got) {
            (None, _) => true,
            (Some(w), Some(g)) => w.eq_ignore_ascii_case(g),
            (Some(_), None) => false,
        };
        self.exists == got.exists && same(&self.source, &got.source) && same(&self.mode, &got.mode)
    }

    /// `published TRIGGERED, UC ACTIVE, sync PROVISIONING_INITIAL_SNAPSHOT`.
    pub fn describe(&self) -> String {
        if !self.exists {
            return "(not published)".to_string();
        }
        let mut parts = vec![format!(
            "published{}",
            self.mode
                .as_deref()
                .map(|m| format!(" {m}"))
                .unwrap_or_default()
        )];
        if let Some(u) = &self.uc_state {
            parts.push(format!("UC {u}"));
        }
        if let Some(s) = &self.sync_state {
            parts.push(format!("sync {s}"));
        }
        parts.join(", ")
    }
}
