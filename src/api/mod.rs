//! Typed Databricks + MLflow REST client. Knows nothing of the terminal.

pub mod credentials;
pub mod secret;
