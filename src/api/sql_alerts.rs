//! SQL alerts v2 (`/api/2.0/alerts`, wave-2 reference §(e)): list (paged), get, create,
//! update (`PATCH` with an `update_mask`) and delete (to the trash, or `purge`). Creating is
//! not repeated after a lost answer (the HTTP layer replays only reads): whoever creates reads
//! back by `display_name` instead (see `ops::alerts::sql_alert`).

use super::client::Client;
use super::error::ApiResult;
use super::models::sql_alerts::{AlertV2, ListAlertsV2Response};
use super::paging::PageGuard;
use super::present::present;
use super::serving::seg;

const ALERTS: &str = "/api/2.0/alerts";
/// Alerts asked for per page.
const PAGE_SIZE: i64 = 100;

impl Client {
    /// One page of alerts.
    pub async fn list_sql_alerts_page(
        &self,
        page_size: Option<i64>,
        page_token: Option<&str>,
    ) -> ApiResult<ListAlertsV2Response> {
        let mut q: Vec<(&str, String)> = Vec::new();
        if let Some(n) = page_size {
            q.push(("page_size", n.to_string()));
        }
        if let Some(t) = page_token {
            q.push(("page_token", t.to_string()));
        }
        self.get_json(ALERTS, &q).await
    }

    /// Every alert, following `next_page_token` to the end.
    pub async fn list_sql_alerts(&self) -> ApiResult<Vec<AlertV2>> {
        let mut guard = PageGuard::new("alerts");
        let mut token: Option<String> = None;
        let mut out = Vec::new();
        loop {
            let page = self
                .list_sql_alerts_page(Some(PAGE_SIZE), token.as_deref())
                .await?;
            out.extend(page.alerts);
            match guard.next(page.next_page_token)? {
                Some(t) => token = Some(t),
                None => return Ok(out),
            }
        }
    }

    pub async fn get_sql_alert(&self, id: &str) -> ApiResult<AlertV2> {
        let path = format!("{ALERTS}/{}", seg(id));
        let a: AlertV2 = self.get_json(&path, &[]).await?;
        let key = a.id.clone().unwrap_or_default();
        present(a, &key, &path, "alert")
    }

    /// Creates an alert; the answer is the alert as stored (with its id).
    pub async fn create_sql_alert(&self, alert: &AlertV2) -> ApiResult<AlertV2> {
        let a: AlertV2 = self.post_json(ALERTS, alert).await?;
        let key = a.id.clone().unwrap_or_default();
        present(a, &key, ALERTS, "alert")
    }

    /// Updates the fields named in `update_mask` (comma-separated, e.g.
    /// `query_text,evaluation`) from `alert`.
    pub async fn update_sql_alert(
        &self,
        id: &str,
        update_mask: &str,
        alert: &AlertV2,
    ) -> ApiResult<AlertV2> {
        let path = format!("{ALERTS}/{}", seg(id));
        let q = [("update_mask", update_mask.to_string())];
        self.patch_json_query(&path, &q, alert).await
    }

    /// Moves an alert to the trash, or deletes it for good with `purge`.
    pub async fn delete_sql_alert(&self, id: &str, purge: bool) -> ApiResult<()> {
        let path = format!("{ALERTS}/{}", seg(id));
        let q = [("purge", purge.to_string())];
        let _: serde_json::Value = self.delete_json(&path, &q).await?;
        Ok(())
    }
}
