//! Typed Databricks + MLflow REST client. Knows nothing of the terminal.
//!
//! `client` (handle, options) + `http` (core: transport, auth, retries, error mapping, read-only
//! refusal) + one module per service. Models in `models/`
//! are shared with the simulator.

pub mod answer;
pub mod auth;
pub mod client;
pub mod credentials;
pub mod entity_tags;
pub mod error;
pub mod feature_store;
pub mod http;
pub mod jobs;
pub mod mlflow;
pub mod models;
pub mod monitors;
pub mod paging;
mod present;
pub mod registry;
pub mod registry_aliases;
pub mod scim;
pub mod secret;
pub mod serving;
pub mod sql;
pub mod sql_alerts;
pub mod sql_fixed;
pub mod synced_tables;
pub mod transition_requests;
pub mod uc_catalogs;
pub mod uc_models;
pub mod uc_tables;
pub mod uc_tags;
pub mod wire;
pub mod workspace_id;

pub use client::{Client, ClientOptions};
pub use credentials::Credentials;
pub use error::{ApiError, ApiResult, ErrorCode, ErrorKind};
pub use http::JsonBody;
pub use http::readonly::is_read_only_call;
pub use http::retry::RetryPolicy;
pub use secret::Secret;
