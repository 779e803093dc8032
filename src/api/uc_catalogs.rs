//! Unity Catalog catalogs (`GET /api/2.1/unity-catalog/catalogs`, paged): where the console
//! looks for feature tables when `[features] schemas` names none.

use serde::{Deserialize, Serialize};

use super::client::Client;
use super::error::ApiResult;
use super::paging::{Page, collect_pages};
use crate::api::wire::null_as_empty;

const UC_CATALOGS: &str = "/api/2.1/unity-catalog/catalogs";

/// `CatalogInfo`, the fields the console reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CatalogInfo {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// `ListCatalogsResponse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ListCatalogsResponse {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub catalogs: Vec<CatalogInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

impl Client {
    /// The catalogs the caller can see, following pages until `max` are read.
    pub async fn list_catalogs(&self, max: usize) -> ApiResult<Vec<CatalogInfo>> {
        collect_pages(
            "unity-catalog catalogs",
            |token| async move {
                let mut q = vec![("max_results", 100.min(max.max(1)).to_string())];
                if let Some(t) = token {
                    q.push(("page_token", t));
                }
                let page: ListCatalogsResponse = self.get_json(UC_CATALOGS, &q).await?;
                Ok(Page {
                    items: page.catalogs,
                    next_page_token: page.next_page_token,
                })
            },
            Some(max),
        )
        .await
    }
}
