//! Unity Catalog tables and schemas (reference §10.2, wave-2 reference (b)): the full table
//! read with columns and constraints (what tells a feature table), the paged table and schema
//! listings, and the feature tables a UC model version was trained with.
//!
//! `tables.list` carries no constraints: the console lists candidate schemas, then reads each
//! table with [`Client::get_table_info`]. `Client::get_uc_table` (monitors) reads the same path
//! into the narrow model that is this one's base.

use super::client::Client;
use super::error::ApiResult;
use super::models::uc_tables::*;
use super::paging::{Page, collect_pages};
use super::present::present;
use super::serving::seg;

const UC_TABLES: &str = "/api/2.1/unity-catalog/tables";
const UC_SCHEMAS: &str = "/api/2.1/unity-catalog/schemas";
/// Items asked for per page (the server may answer fewer).
const PAGE: usize = 100;

impl Client {
    /// `GET /api/2.1/unity-catalog/tables/{full_name}`: columns, constraints, times. An answer
    /// without the table's name is a bad answer.
    pub async fn get_table_info(&self, full_name: &str) -> ApiResult<TableInfo> {
        let path = format!("{UC_TABLES}/{}", seg(full_name));
        let t: TableInfo = self.get_json(&path, &[]).await?;
        let key = if t.base.name.is_empty() {
            t.base.full_name.clone().unwrap_or_default()
        } else {
            t.base.name.clone()
        };
        present(t, &key, &path, "table")
    }

    /// `GET /api/2.1/unity-catalog/tables?catalog_name&schema_name`, following pages until
    /// `max` tables are read (no constraints in these answers).
    pub async fn list_tables(
        &self,
        catalog: &str,
        schema: &str,
        max: usize,
    ) -> ApiResult<Vec<TableInfo>> {
        collect_pages(
            "unity-catalog tables",
            |token| async move {
                let mut q = vec![
                    ("catalog_name", catalog.to_string()),
                    ("schema_name", schema.to_string()),
                    ("max_results", PAGE.min(max.max(1)).to_string()),
                ];
                if let Some(t) = token {
                    q.push(("page_token", t));
                }
                let page: ListTablesResponse = self.get_json(UC_TABLES, &q).await?;
                Ok(Page {
                    items: page.tables,
                    next_page_token: page.next_page_token,
                })
            },
            Some(max),
        )
        .await
    }

    /// `GET /api/2.1/unity-catalog/schemas?catalog_name`, following pages until `max` schemas
    /// are read.
    pub async fn list_schemas(&self, catalog: &str, max: usize) -> ApiResult<Vec<SchemaInfo>> {
        collect_pages(
            "unity-catalog schemas",
            |token| async move {
                let mut q = vec![
                    ("catalog_name", catalog.to_string()),
                    ("max_results", PAGE.min(max.max(1)).to_string()),
                ];
                if let Some(t) = token {
                    q.push(("page_token", t));
                }
                let page: ListSchemasResponse = self.get_json(UC_SCHEMAS, &q).await?;
                Ok(Page {
                    items: page.schemas,
                    next_page_token: page.next_page_token,
                })
            },
            Some(max),
        )
        .await
    }

    /// The feature tables (and functions) a UC model version was trained with: its
    /// `model_version_dependencies` (`None` when the version carries none).
    pub async fn model_version_dependencies(
        &self,
        model: &str,
        version: i64,
    ) -> ApiResult<Option<DependencyList>> {
        Ok(self
            .get_uc_model_version(model, version)
            .await?
            .model_version_dependencies)
    }
}
