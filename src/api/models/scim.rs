//! SCIM `Me` (reference: `GET /api/2.0/preview/scim/v2/Me`); SCIM uses camelCase.

use serde::{Deserialize, Serialize};

use crate::api::wire::null_as_empty;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ScimEmail {
    #[serde(default)]
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub user_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub emails: Vec<ScimEmail>,
}
