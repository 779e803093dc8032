//! The Databricks error body (reference §2.1), used by the client to parse and by the
//! simulator to answer.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ErrorBody {
    /// Usually a string; some legacy endpoints put an integer here, which we treat as absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Legacy `{"error": "..."}` shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

impl ErrorBody {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        ErrorBody {
            error_code: Some(serde_json::Value::String(code.to_string())),
            message: Some(message.into()),
            error: None,
            details: None,
        }
    }

    /// The `error_code` when it is a string.
    pub fn code(&self) -> Option<&str> {
        self.error_code.as_ref().and_then(|v| v.as_str())
    }
}
