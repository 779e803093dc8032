//! The feature store API (wave-2 reference (b)): online feature stores, publishing a feature
//! table to one, per-feature lineage, and starting a sync of a TRIGGERED online table (an
//! update of its pipeline).
//!
//! Publishing and starting a sync are changes: never repeated after a lost answer (the
//! client's rule for every POST without an idempotency key). The publish answer may lack the
//! pipeline id even when it worked: callers read the synced table back
//! ([`Client::read_online_table`]).

use super::client::Client;
use super::error::ApiResult;
use super::models::feature_store::*;
use super::paging::{Page, collect_pages};
use super::present::present;
use super::serving::seg;

const ONLINE_STORES: &str = "/api/2.0/feature-store/online-stores";

impl Client {
    /// `GET /api/2.0/feature-store/online-stores`, following pages until `max` are read.
    pub async fn list_online_stores(&self, max: usize) -> ApiResult<Vec<OnlineStore>> {
        collect_pages(
            "online stores",
            |token| async move {
                let mut q = vec![("page_size", 100.min(max.max(1)).to_string())];
                if let Some(t) = token {
                    q.push(("page_token", t));
                }
                let page: ListOnlineStoresResponse = self.get_json(ONLINE_STORES, &q).await?;
                Ok(Page {
                    items: page.online_stores,
                    next_page_token: page.next_page_token,
                })
            },
            Some(max),
        )
        .await
    }

    /// `GET /api/2.0/feature-store/online-stores/{name}`.
    pub async fn get_online_store(&self, name: &str) -> ApiResult<OnlineStore> {
        let path = format!("{ONLINE_STORES}/{}", seg(name));
        let s: OnlineStore = self.get_json(&path, &[]).await?;
        let key = s.name.clone();
        present(s, &key, &path, "online store")
    }

    /// `POST /api/2.0/feature-store/tables/{source_table}/publish`: publishes (or republishes)
    /// a feature table to an online store.
    pub async fn publish_table(
        &self,
        source_table: &str,
        spec: &PublishSpec,
    ) -> ApiResult<PublishTableResponse> {
        let path = format!(
            "/api/2.0/feature-store/tables/{}/publish",
            seg(source_table)
        );
        let body = PublishTableRequest {
            publish_spec: spec.clone(),
        };
        self.post_json(&path, &body).await
    }

    /// `GET /api/2.0/feature-store/feature-tables/{table}/features/{feature}/lineage`.
    pub async fn get_feature_lineage(
        &self,
        table: &str,
        feature: &str,
    ) -> ApiResult<FeatureLineage> {
        let path = format!(
            "/api/2.0/feature-store/feature-tables/{}/features/{}/lineage",
            seg(table),
            seg(feature)
        );
        self.get_json(&path, &[]).await
    }

    /// `POST /api/2.0/pipelines/{pipeline_id}/updates`: starts a sync of the online table that
    /// pipeline feeds (`full_refresh` copies the whole source again). The id of the update.
    pub async fn start_pipeline_update(
        &self,
        pipeline_id: &str,
        full_refresh: bool,
    ) -> ApiResult<StartUpdateResponse> {
        let path = format!("/api/2.0/pipelines/{}/updates", seg(pipeline_id));
        let body = StartUpdateRequest {
            full_refresh: full_refresh.then_some(true),
            cause: None,
        };
        self.post_json(&path, &body).await
    }
}
