//! Unity Catalog entity tag assignments (`/api/2.1/unity-catalog/entity-tag-assignments`): the
//! tags set on a catalog, schema, table, column or volume.

use serde::{Deserialize, Serialize};

use crate::api::wire::null_as_empty;

/// One tag on an entity. Only `tag_key` is needed; a tag may have no value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct EntityTagAssignment {
    #[serde(default)]
    pub tag_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_name: Option<String>,
    /// e.g. `TAG_ASSIGNMENT_SOURCE_TYPE_SYSTEM_DATA_CLASSIFICATION`; kept verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_type: Option<String>,
}

/// `GET …/entity-tag-assignments/{entity_type}/{entity_name}/tags`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ListEntityTagAssignmentsResponse {
    #[serde(default, deserialize_with = "null_as_empty")]
    pub tag_assignments: Vec<EntityTagAssignment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}
