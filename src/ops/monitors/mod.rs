//! Table monitors (issue §1): finding them without a list call (`discover`), reading one with
//! its refresh history ([`read_detail`]), remembering per workspace what was found and which
//! API answered (`memory`), and running, following and cancelling refreshes as changes
//! through the one pipeline (`refresh`).

pub mod discover;
pub mod link;
pub mod memory;
pub mod refresh;

use serde::Serialize;

use crate::api::models::monitors::{Monitor, MonitorApi, Refresh};
use crate::api::monitors::MonitorLookup;
use crate::api::{ApiResult, Client};
use crate::config::monitoring::MonitoringSettings;

pub use discover::{Candidate, MonitorRow, READ_CONCURRENCY, Source};
pub use memory::{MonitorMemory, Remembered};
pub use refresh::{
    RefreshPoll, RefreshStarted, cancel_refresh, follow_refresh, refresh_life, run_refresh,
};

/// Refreshes a detail read shows (the legacy API answers at most 25).
pub const HISTORY: usize = 25;

/// What discovery found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Discovery {
    pub rows: Vec<MonitorRow>,
    /// Sources that could not be searched, and a memory that could not be read or written.
    pub notes: Vec<String>,
    /// The API that answered the monitor reads.
    pub api: Option<MonitorApi>,
}

/// Finds the workspace's monitors (see `discover`): reads what `memory` remembers (tables
/// found last time, the API that answered), searches every source, reads each candidate,
/// and remembers what it found.
pub async fn discover(
    client: &Client,
    settings: &MonitoringSettings,
    memory: Option<&MonitorMemory>,
) -> Discovery {
    let mut notes = Vec::new();
    let remembered = match memory.map(MonitorMemory::load).transpose() {
        Ok(r) => r.unwrap_or_default(),
        Err(e) => {
            notes.push(format!("what was found before could not be read: {e}"));
            Remembered::default()
        }
    };
    let (cands, mut more) = discover::candidates(client, settings, &remembered.tables).await;
    notes.append(&mut more);
    let (rows, api) = discover::read_candidates(client, cands, remembered.api).await;
    if let Some(memory) = memory {
        let found = Remembered {
            api: api.or(remembered.api),
            tables: rows
                .iter()
                .filter(|r| r.monitor.is_some())
                .map(|r| r.table.clone())
                .collect(),
            ..remembered
        };
        if let Err(e) = memory.save(&found) {
            notes.push(format!("what was found could not be remembered: {e}"));
        }
    }
    Discovery { rows, notes, api }
}

/// One monitor with its newest refreshes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonitorDetail {
    pub monitor: Monitor,
    /// Newest first, at most [`HISTORY`].
    pub refreshes: Vec<Refresh>,
    /// Why the refreshes could not be read (the monitor could).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refreshes_error: Option<String>,
}

/// `table`'s monitor and its refresh history; `Ok(None)` when the table has no monitor (a
/// table that does not exist is a not-found error).
pub async fn read_detail(
    client: &Client,
    table: &str,
    prefer: Option<MonitorApi>,
) -> ApiResult<Option<MonitorDetail>> {
    let monitor = match client.read_monitor(table, prefer).await? {
        MonitorLookup::Found(m) => *m,
        MonitorLookup::Absent { .. } => return Ok(None),
    };
    let (refreshes, refreshes_error) = match client
        .list_monitor_refreshes(&monitor.reference(), HISTORY)
        .await
    {
        Ok(r) => (r, None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    Ok(Some(MonitorDetail {
        monitor,
        refreshes,
        refreshes_error,
    }))
}
