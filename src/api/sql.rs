//! SQL warehouses and the SQL Statement Execution API (reference §8). Listing warehouses and
//! reading statements are GETs; executing and cancelling are POSTs. Executing is refused on a
//! read-only client (a statement can write), and is never replayed after a lost answer.
//!
//! SQL errors are not HTTP errors: a statement that fails answers 200 with `status.state`
//! `FAILED` and the warehouse's error; `ops::sql` turns that into an error.

use super::client::Client;
use super::error::ApiResult;
use super::models::sql::*;
use super::paging::PageGuard;
use super::present::present;
use super::serving::seg;

const WAREHOUSES: &str = "/api/2.0/sql/warehouses";
const STATEMENTS: &str = "/api/2.0/sql/statements";

impl Client {
    /// Every SQL warehouse, following `next_page_token` to the end.
    pub async fn list_warehouses(&self) -> ApiResult<Vec<Warehouse>> {
        let mut guard = PageGuard::new("sql/warehouses");
        let mut q: Vec<(&str, String)> = Vec::new();
        let mut out = Vec::new();
        loop {
            let page: ListWarehousesResponse = self.get_json(WAREHOUSES, &q).await?;
            out.extend(page.warehouses);
            match guard.next(page.next_page_token)? {
                Some(token) => q = vec![("page_token", token)],
                None => return Ok(out),
            }
        }
    }

    /// Submits a statement. With `wait_timeout` `"0s"` it answers at once (`PENDING`);
    /// otherwise it waits that long and answers the result, or the state to poll from.
    pub async fn execute_statement(
        &self,
        req: &ExecuteStatementRequest,
    ) -> ApiResult<StatementResponse> {
        let r: StatementResponse = self.post_json(STATEMENTS, req).await?;
        let id = r.statement_id.clone();
        present(r, &id, STATEMENTS, "statement")
    }

    /// A statement's state, and its first result chunk once it has succeeded.
    pub async fn get_statement(&self, statement_id: &str) -> ApiResult<StatementResponse> {
        let path = format!("{STATEMENTS}/{}", seg(statement_id));
        let r: StatementResponse = self.get_json(&path, &[]).await?;
        let id = r.statement_id.clone();
        present(r, &id, &path, "statement")
    }

    /// Chunk `chunk_index` of a succeeded statement's result.
    pub async fn get_statement_chunk(
        &self,
        statement_id: &str,
        chunk_index: i64,
    ) -> ApiResult<ResultData> {
        let path = format!(
            "{STATEMENTS}/{}/result/chunks/{chunk_index}",
            seg(statement_id)
        );
        self.get_json(&path, &[]).await
    }

    /// Asks the warehouse to stop a statement. Best effort: it may lose the race with the
    /// statement ending; poll [`Client::get_statement`] for the terminal state.
    pub async fn cancel_statement(&self, statement_id: &str) -> ApiResult<()> {
        let path = format!("{STATEMENTS}/{}/cancel", seg(statement_id));
        let _: serde_json::Value = self.post_json(&path, &serde_json::json!({})).await?;
        Ok(())
    }
}
