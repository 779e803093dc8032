//! The client handle and its options. The HTTP core (retries, error mapping, auth headers,
//! read-only refusal) lives in `http.rs`; service calls live in one module per service.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::credentials::Credentials;
use super::error::ApiResult;
use super::http::retry::RetryPolicy;

/// Everything needed to build a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Normalised base URL, e.g. `https://dbc-123.cloud.databricks.com` or `http://127.0.0.1:5000`.
    pub host: String,
    pub credentials: Credentials,
    /// When set, every mutating call is refused before it is sent.
    pub readonly: bool,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// Upper bound on the time spent retrying one call (429/503/connection errors).
    pub retry_budget: Duration,
    /// Extra CA bundle (PEM), from `SSL_CERT_FILE` / `REQUESTS_CA_BUNDLE`.
    pub extra_ca_file: Option<PathBuf>,
    /// How long retries wait; the default is the Databricks SDK's. Tests shrink its unit.
    pub retry_policy: RetryPolicy,
}

impl ClientOptions {
    pub fn new(host: impl Into<String>, credentials: Credentials) -> Self {
        ClientOptions {
            host: host.into(),
            credentials,
            readonly: false,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            retry_budget: Duration::from_secs(120),
            extra_ca_file: None,
            retry_policy: RetryPolicy::default(),
        }
    }
}

/// A cheap-to-clone handle to one workspace.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<super::http::Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("host", &self.host())
            .field("auth", &self.inner.auth_type())
            .field("readonly", &self.readonly())
            .finish_non_exhaustive()
    }
}

impl Client {
    pub fn new(options: ClientOptions) -> ApiResult<Client> {
        Ok(Client {
            inner: Arc::new(super::http::Inner::new(options)?),
        })
    }

    /// The workspace URL, without any user-info it was given with.
    pub fn host(&self) -> &str {
        self.inner.host()
    }

    pub fn readonly(&self) -> bool {
        self.inner.readonly()
    }

    /// Requests currently on the wire (for the status bar).
    pub fn in_flight(&self) -> usize {
        self.inner.in_flight()
    }
}
