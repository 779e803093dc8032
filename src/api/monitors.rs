//! Table monitors (wave-2 reference (a), reference §7): the Data Quality API
//! (`/api/data-quality/v1/monitors/table/{table_id}`), the legacy quality monitors API
//! (`/api/2.1/unity-catalog/tables/{name}/monitor`) and the UC table read that gives the new
//! API its key (`table_id`). [`Client::read_monitor`] reads a monitor into the one model of
//! `models::monitors` through the new API, falling back to the legacy one only where the new
//! one is not offered (404 without a resource error, `ENDPOINT_NOT_FOUND`,
//! `FEATURE_NOT_ENABLED`, 501) or says it has no such monitor; both saying
//! `RESOURCE_DOES_NOT_EXIST` means the table has no monitor.
//!
//! Running and cancelling a refresh are changes: never repeated after a lost answer (the
//! client's rule for every POST without an idempotency key); `ops::monitors` reads back.

use super::client::Client;
use super::error::{ApiError, ApiResult, ErrorCode};
use super::models::monitors::data_quality::*;
use super::models::monitors::legacy::*;
use super::models::monitors::{Monitor, MonitorApi, MonitorRef, Refresh};
use super::paging::PageGuard;
use super::present::present;
use super::serving::seg;

const UC_TABLES: &str = "/api/2.1/unity-catalog/tables";
const DQ_TABLE_MONITORS: &str = "/api/data-quality/v1/monitors/table";

/// What reading a table's monitor found.
#[derive(Debug, Clone, PartialEq)]
pub enum MonitorLookup {
    Found(Box<Monitor>),
    /// The table exists but has no monitor (`api` answered last).
    Absent {
        table: String,
        table_id: Option<String>,
        api: MonitorApi,
    },
}

/// Whether an error of the new API says it is not offered here (so the legacy API is asked):
/// a 404 that names no resource, `ENDPOINT_NOT_FOUND`, `FEATURE_NOT_ENABLED` /
/// `FEATURE_DISABLED` (whatever the status), or 501.
pub fn new_api_unavailable(e: &ApiError) -> bool {
    if e.is_not_available() {
        return true;
    }
    match e {
        ApiError::Api {
            code: Some(ErrorCode::Other(c)),
            ..
        } => c == "FEATURE_NOT_ENABLED" || c == "FEATURE_DISABLED",
        ApiError::Refused { source, .. } => new_api_unavailable(source),
        _ => false,
    }
}

/// Whether an error says the monitor (or refresh) does not exist: 404 with a resource-level
/// code.
pub fn no_such_monitor(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::Api {
            status: 404,
            code: Some(ErrorCode::ResourceDoesNotExist | ErrorCode::NotFound),
            ..
        }
    )
}

fn dq_path(table_id: &str) -> String {
    format!("{DQ_TABLE_MONITORS}/{}", seg(table_id))
}

fn legacy_path(table: &str) -> String {
    format!("{UC_TABLES}/{}/monitor", seg(table))
}

impl Client {
    /// A Unity Catalog table (`GET /api/2.1/unity-catalog/tables/{full_name}`).
    pub async fn get_uc_table(&self, full_name: &str) -> ApiResult<UcTableInfo> {
        let path = format!("{UC_TABLES}/{}", seg(full_name));
        let t: UcTableInfo = self.get_json(&path, &[]).await?;
        let key = t.table_id.clone().unwrap_or_default();
        present(t, &key, &path, "table id")
    }

    /// `GET /api/data-quality/v1/monitors/table/{table_id}`.
    pub async fn dq_get_monitor(&self, table_id: &str) -> ApiResult<DqMonitor> {
        self.get_json(&dq_path(table_id), &[]).await
    }

    /// `POST …/refreshes`: starts a refresh.
    pub async fn dq_create_refresh(&self, table_id: &str) -> ApiResult<DqRefresh> {
        let body = DqRefresh {
            object_type: "table".into(),
            object_id: table_id.into(),
            ..DqRefresh::default()
        };
        self.post_json(&format!("{}/refreshes", dq_path(table_id)), &body)
            .await
    }

    /// `GET …/refreshes`, newest first, following `next_page_token` until `max` are read.
    pub async fn dq_list_refreshes(&self, table_id: &str, max: usize) -> ApiResult<Vec<DqRefresh>> {
        let path = format!("{}/refreshes", dq_path(table_id));
        let mut guard = PageGuard::new("data-quality refreshes");
        let mut q: Vec<(&str, String)> = Vec::new();
        let mut out = Vec::new();
        loop {
            let page: DqListRefreshResponse = self.get_json(&path, &q).await?;
            out.extend(page.refreshes);
            if out.len() >= max {
                out.truncate(max);
                return Ok(out);
            }
            match guard.next(page.next_page_token)? {
                Some(token) => q = vec![("page_token", token)],
                None => return Ok(out),
            }
        }
    }

    /// `GET …/refreshes/{refresh_id}`.
    pub async fn dq_get_refresh(&self, table_id: &str, refresh_id: i64) -> ApiResult<DqRefresh> {
        self.get_json(
            &format!("{}/refreshes/{refresh_id}", dq_path(table_id)),
            &[],
        )
        .await
    }

    /// `POST …/refreshes/{refresh_id}/cancel`.
    pub async fn dq_cancel_refresh(
        &self,
        table_id: &str,
        refresh_id: i64,
    ) -> ApiResult<DqCancelRefreshResponse> {
        let path = format!("{}/refreshes/{refresh_id}/cancel", dq_path(table_id));
        self.post_json(&path, &serde_json::json!({})).await
    }

    /// `GET /api/2.1/unity-catalog/tables/{table}/monitor`.
    pub async fn legacy_get_monitor(&self, table: &str) -> ApiResult<MonitorInfo> {
        self.get_json(&legacy_path(table), &[]).await
    }

    /// `POST …/monitor/refreshes`: starts a refresh.
    pub async fn legacy_run_refresh(&self, table: &str) -> ApiResult<MonitorRefreshInfo> {
        let path = format!("{}/refreshes", legacy_path(table));
        self.post_json(&path, &serde_json::json!({})).await
    }

    /// `GET …/monitor/refreshes` (the latest refreshes; no paging).
    pub async fn legacy_list_refreshes(&self, table: &str) -> ApiResult<Vec<MonitorRefreshInfo>> {
        let path = format!("{}/refreshes", legacy_path(table));
        let r: MonitorRefreshListResponse = self.get_json(&path, &[]).await?;
        Ok(r.refreshes)
    }

    /// `GET …/monitor/refreshes/{refresh_id}`.
    pub async fn legacy_get_refresh(
        &self,
        table: &str,
        refresh_id: i64,
    ) -> ApiResult<MonitorRefreshInfo> {
        let path = format!("{}/refreshes/{refresh_id}", legacy_path(table));
        self.get_json(&path, &[]).await
    }

    /// `POST …/monitor/refreshes/{refresh_id}/cancel`.
    pub async fn legacy_cancel_refresh(&self, table: &str, refresh_id: i64) -> ApiResult<()> {
        let path = format!("{}/refreshes/{refresh_id}/cancel", legacy_path(table));
        let _: serde_json::Value = self.post_json(&path, &serde_json::json!({})).await?;
        Ok(())
    }

    /// Reads `table`'s monitor: the UC table first (its id keys the new API), then the Data
    /// Quality API — unless `prefer` says this workspace answers only the legacy one — and the
    /// legacy API where the new one is not offered or has no such monitor. A table that does
    /// not exist is an error (404).
    pub async fn read_monitor(
        &self,
        table: &str,
        prefer: Option<MonitorApi>,
    ) -> ApiResult<MonitorLookup> {
        let info = self.get_uc_table(table).await?;
        let table_id = info.table_id.clone().filter(|s| !s.is_empty());
        let name = info
            .full_name
            .clone()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| table.to_string());
        // Whether the new API answered that the table has no monitor.
        let mut dq_says_none = false;
        if prefer != Some(MonitorApi::Legacy)
            && let Some(id) = &table_id
        {
            match self.dq_get_monitor(id).await {
                Ok(m) if m.data_profiling_config.is_some() => {
                    return Ok(MonitorLookup::Found(Box::new(Monitor::from_data_quality(
                        &name, &m,
                    ))));
                }
                // A monitor of another kind (or an empty answer): no table profile.
                Ok(_) => dq_says_none = true,
                Err(e) if no_such_monitor(&e) => dq_says_none = true,
                Err(e) if new_api_unavailable(&e) => {}
                Err(e) => return Err(e),
            }
        }
        match self.legacy_get_monitor(&name).await {
            Ok(m) => Ok(MonitorLookup::Found(Box::new(Monitor::from_legacy(
                &name, table_id, &m,
            )))),
            Err(e) if no_such_monitor(&e) => Ok(MonitorLookup::Absent {
                table: name,
                table_id,
                api: MonitorApi::Legacy,
            }),
            // Only the new API is offered, and it has no monitor for the table.
            Err(e) if dq_says_none && e.is_not_available() => Ok(MonitorLookup::Absent {
                table: name,
                table_id,
                api: MonitorApi::DataQuality,
            }),
            Err(e) => Err(e),
        }
    }

    /// The newest refreshes of a monitor (at most `max`), newest first.
    pub async fn list_monitor_refreshes(
        &self,
        m: &MonitorRef,
        max: usize,
    ) -> ApiResult<Vec<Refresh>> {
        let mut out: Vec<Refresh> = match (m.api, &m.table_id) {
            (MonitorApi::DataQuality, Some(id)) => self
                .dq_list_refreshes(id, max)
                .await?
                .iter()
                .filter_map(Refresh::from_data_quality)
                .collect(),
            _ => self
                .legacy_list_refreshes(&m.table)
                .await?
                .iter()
                .filter_map(Refresh::from_legacy)
                .collect(),
        };
        out.sort_by_key(|r| std::cmp::Reverse((r.start_time_ms.unwrap_or(0), r.refresh_id)));
        out.truncate(max);
        Ok(out)
    }

    /// One refresh of a monitor.
    pub async fn get_monitor_refresh(&self, m: &MonitorRef, refresh_id: i64) -> ApiResult<Refresh> {
        let (read, path) = match (m.api, &m.table_id) {
            (MonitorApi::DataQuality, Some(id)) => (
                Refresh::from_data_quality(&self.dq_get_refresh(id, refresh_id).await?),
                dq_path(id),
            ),
            _ => (
                Refresh::from_legacy(&self.legacy_get_refresh(&m.table, refresh_id).await?),
                legacy_path(&m.table),
            ),
        };
        read.ok_or_else(|| ApiError::Decode {
            path: format!("{path}/refreshes/{refresh_id}"),
            message: "the answer holds no refresh".into(),
        })
    }

    /// Starts a refresh; the refresh the server answered with (`None` when the answer names
    /// none: read back to find it).
    pub async fn run_monitor_refresh(&self, m: &MonitorRef) -> ApiResult<Option<Refresh>> {
        Ok(match (m.api, &m.table_id) {
            (MonitorApi::DataQuality, Some(id)) => {
                Refresh::from_data_quality(&self.dq_create_refresh(id).await?)
            }
            _ => Refresh::from_legacy(&self.legacy_run_refresh(&m.table).await?),
        })
    }

    /// Asks the service to cancel a refresh (it may lose the race with the refresh ending).
    pub async fn cancel_monitor_refresh(&self, m: &MonitorRef, refresh_id: i64) -> ApiResult<()> {
        match (m.api, &m.table_id) {
            (MonitorApi::DataQuality, Some(id)) => {
                self.dq_cancel_refresh(id, refresh_id).await.map(|_| ())
            }
            _ => self.legacy_cancel_refresh(&m.table, refresh_id).await,
        }
    }
}
