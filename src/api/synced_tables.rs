//! Online copies of feature tables (wave-2 reference (b), reference §10.3): Lakebase synced
//! tables through the `database` service and the `postgres` service, and legacy online tables.
//! Which service answers for which kind of store is not documented, so
//! [`Client::read_online_table`] asks the `database` service, then the `postgres` one, then
//! the legacy API, moving on only when a service does not offer the API or has no such table.
//!
//! Creating a synced table is a change: never repeated after a lost answer.

use super::client::Client;
use super::error::{ApiError, ApiResult};
use super::models::online_sync::OnlineSync;
use super::models::synced_tables::*;
use super::paging::{Page, collect_pages};
use super::present::present;
use super::serving::seg;

const DB_SYNCED: &str = "/api/2.0/database/synced_tables";
const PG_SYNCED: &str = "/api/2.0/postgres/synced_tables";
const ONLINE_TABLES: &str = "/api/2.0/online-tables";

/// Whether another API may know the table: this one is not offered here or has no such table.
fn ask_next(e: &ApiError) -> bool {
    e.is_not_available() || e.is_not_found()
}

impl Client {
    /// `GET /api/2.0/database/synced_tables/{name}`.
    pub async fn get_synced_database_table(&self, name: &str) -> ApiResult<SyncedDatabaseTable> {
        let path = format!("{DB_SYNCED}/{}", seg(name));
        let t: SyncedDatabaseTable = self.get_json(&path, &[]).await?;
        let key = t.name.clone();
        present(t, &key, &path, "synced table")
    }

    /// `GET /api/2.0/database/instances/{instance}/synced_tables`, until `max` are read.
    pub async fn list_instance_synced_tables(
        &self,
        instance: &str,
        max: usize,
    ) -> ApiResult<Vec<SyncedDatabaseTable>> {
        let path = format!(
            "/api/2.0/database/instances/{}/synced_tables",
            seg(instance)
        );
        let path = path.as_str();
        collect_pages(
            "synced tables",
            |token| async move {
                let mut q = vec![("page_size", 100.min(max.max(1)).to_string())];
                if let Some(t) = token {
                    q.push(("page_token", t));
                }
                let page: ListSyncedDatabaseTablesResponse = self.get_json(path, &q).await?;
                Ok(Page {
                    items: page.synced_tables,
                    next_page_token: page.next_page_token,
                })
            },
            Some(max),
        )
        .await
    }

    /// `POST /api/2.0/database/synced_tables`: creates a synced table (the database service's
    /// own way to put a UC table online, without the feature store's publish).
    pub async fn create_synced_database_table(
        &self,
        table: &SyncedDatabaseTable,
    ) -> ApiResult<SyncedDatabaseTable> {
        self.post_json(DB_SYNCED, table).await
    }

    /// `GET /api/2.0/postgres/synced_tables/{catalog.schema.table}` (the resource name is
    /// `synced_tables/{catalog.schema.table}`).
    pub async fn get_pg_synced_table(&self, name: &str) -> ApiResult<PgSyncedTable> {
        let bare = name.strip_prefix("synced_tables/").unwrap_or(name);
        let path = format!("{PG_SYNCED}/{}", seg(bare));
        let t: PgSyncedTable = self.get_json(&path, &[]).await?;
        let key = t.name.clone();
        present(t, &key, &path, "synced table")
    }

    /// `GET /api/2.0/online-tables/{name}` (legacy, deprecated).
    pub async fn get_legacy_online_table(&self, name: &str) -> ApiResult<OnlineTable> {
        let path = format!("{ONLINE_TABLES}/{}", seg(name));
        let t: OnlineTable = self.get_json(&path, &[]).await?;
        let key = t.name.clone();
        present(t, &key, &path, "online table")
    }

    /// An online table's state through whichever API knows it: the `database` service, the
    /// `postgres` service, then the legacy online tables. The last API's error when none does.
    pub async fn read_online_table(&self, name: &str) -> ApiResult<OnlineSync> {
        match self.get_synced_database_table(name).await {
            Ok(t) => return Ok(OnlineSync::from_database(&t)),
            Err(e) if ask_next(&e) => {}
            Err(e) => return Err(e),
        }
        match self.get_pg_synced_table(name).await {
            Ok(t) => return Ok(OnlineSync::from_postgres(&t)),
            Err(e) if ask_next(&e) => {}
            Err(e) => return Err(e),
        }
        self.get_legacy_online_table(name)
            .await
            .map(|t| OnlineSync::from_legacy(&t))
    }
}
