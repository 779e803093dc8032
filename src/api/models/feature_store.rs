//! The feature store API (`/api/2.0/feature-store/…`, wave-2 reference (b), SDK
//! `ml.FeatureStoreAPI` / `MaterializedFeaturesAPI`): online feature stores (Lakebase), publishing
//! a UC feature table to one, and per-feature lineage; plus the pipeline update that syncs a
//! TRIGGERED online table (`/api/2.0/pipelines/{id}/updates`). Shared by the client and the
//! simulator. Values this build does not know are kept as sent.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use crate::api::wire::{null_as_empty, opt_i64};
use crate::lenient_enum;

lenient_enum! {
    /// `OnlineStoreState`.
    pub enum OnlineStoreState {
        Available => "AVAILABLE",
        Starting => "STARTING",
        Stopped => "STOPPED",
        Updating => "UPDATING",
        Deleting => "DELETING",
        FailingOver => "FAILING_OVER",
    }
}

lenient_enum! {
    /// `PublishSpecPublishMode`, also the synced tables' `scheduling_policy`. CONTINUOUS and
    /// TRIGGERED need Change Data Feed on the source; SNAPSHOT copies the whole table each time.
    pub enum PublishMode {
        Continuous => "CONTINUOUS",
        Triggered => "TRIGGERED",
        Snapshot => "SNAPSHOT",
        Unspecified => "PUBLISH_MODE_UNSPECIFIED",
    }
}

/// A timestamp the wire may give as an RFC 3339 string or as a number: kept as text.
pub fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// `OnlineStore`: a Lakebase database instance that serves features online.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct OnlineStore {
    #[serde(default)]
    pub name: String,
    /// `CU_1`, `CU_2`, `CU_4`, `CU_8` (about 16 GB of memory per CU), as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub read_replica_count: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<OnlineStoreState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<String>,
    /// RFC 3339 text (the SDK types it as a string).
    #[serde(
        default,
        deserialize_with = "opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub creation_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_policy_id: Option<String>,
}

/// `ListOnlineStoresResponse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ListOnlineStoresResponse {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub online_stores: Vec<OnlineStore>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// `PublishSpec`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PublishSpec {
    #[serde(default)]
    pub online_store: String,
    /// `catalog.schema.table` of the online (synced) table.
    #[serde(default)]
    pub online_table_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish_mode: Option<PublishMode>,
    /// Needed only for a view source without a UC primary key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_feature_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_policy_id: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// The body of `POST /api/2.0/feature-store/tables/{source_table_name}/publish`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PublishTableRequest {
    #[serde(default)]
    pub publish_spec: PublishSpec,
}

/// `PublishTableResponse`. `pipeline_id` may be missing even when the publish worked (sdk-py
/// #1129): read the synced table's status to know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PublishTableResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_table_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline_id: Option<String>,
}

/// `FeatureLineage` of one feature (a column of a feature table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FeatureLineage {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub feature_specs: Vec<FeatureLineageFeatureSpec>,
    /// UC model versions trained on the feature.
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub models: Vec<FeatureLineageModel>,
    /// Online tables serving the feature.
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub online_features: Vec<FeatureLineageOnlineFeature>,
}

/// `FeatureLineageFeatureSpec`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FeatureLineageFeatureSpec {
    #[serde(default)]
    pub name: String,
}

/// `FeatureLineageModel`: a UC model (full name) and version (an integer on the wire; a
/// numeric string is read too).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FeatureLineageModel {
    #[serde(default)]
    pub name: String,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub version: Option<i64>,
}

/// `FeatureLineageOnlineFeature`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FeatureLineageOnlineFeature {
    #[serde(default)]
    pub table_name: String,
    #[serde(default)]
    pub feature_name: String,
}

/// The body of `POST /api/2.0/pipelines/{pipeline_id}/updates` (`StartUpdate`), the fields the
/// console sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct StartUpdateRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_refresh: Option<bool>,
    /// `API_CALL`, `USER_ACTION`, … as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
}

/// `StartUpdateResponse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct StartUpdateResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_id: Option<String>,
}
