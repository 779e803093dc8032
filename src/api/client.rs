//! The client handle and its options. The HTTP core (retries, error mapping, auth headers,
//! read-only refusal) lives in `http.rs`; service calls live in one module per service.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::auth::Clock;
use super::auth::command::DEFAULT_COMMAND_TIMEOUT;
use super::credentials::Credentials;
use super::error::ApiResult;
use super::http::retry::RetryPolicy;

/// Connect timeout unless `connect_timeout_secs` says otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Per-attempt answer timeout unless `request_timeout_secs` says otherwise.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The whole call, retries included.
pub const DEFAULT_CALL_BUDGET: Duration = Duration::from_secs(60);
/// The largest answer read, in MiB, unless `max_response_mb` says otherwise: far above the
/// largest real page (a 1,000-run search page with many metrics is a few MiB).
pub const DEFAULT_MAX_RESPONSE_MB: u64 = 64;

/// Everything needed to build a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Normalised base URL, e.g. `https://dbc-123.cloud.databricks.com` or `http://127.0.0.1:5000`.
    pub host: String,
    pub credentials: Credentials,
    /// When set, every mutating call is refused before it is sent.
    pub readonly: bool,
    /// How long to wait for a connection (per attempt).
    pub connect_timeout: Duration,
    /// How long to wait for one attempt's answer.
    pub request_timeout: Duration,
    /// Upper bound on the whole call, retries included: no call outlives it.
    pub retry_budget: Duration,
    /// Longest answer read; a longer one fails the call (a server cannot fill the memory).
    pub max_response_bytes: u64,
    /// Extra CA bundle (PEM), from `SSL_CERT_FILE` / `REQUESTS_CA_BUNDLE`.
    pub extra_ca_file: Option<PathBuf>,
    /// How long retries wait; the default is the Databricks SDK's. Tests shrink its unit.
    pub retry_policy: RetryPolicy,
    /// The wall clock token expiries are read on; tests move it by hand.
    pub clock: Clock,
    /// How long `databricks auth token` or `az account get-access-token` may take.
    pub command_timeout: Duration,
    /// Where the credentials came from (`profile `dev``, `--token`, `DATABRICKS_TOKEN`): a 401
    /// or 403 then reads as the workspace refusing them (`ApiError::Refused`).
    pub credentials_from: Option<String>,
}

impl ClientOptions {
    pub fn new(host: impl Into<String>, credentials: Credentials) -> Self {
        ClientOptions {
            host: host.into(),
            credentials,
            readonly: false,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            retry_budget: DEFAULT_CALL_BUDGET,
            max_response_bytes: DEFAULT_MAX_RESPONSE_MB * 1024 * 1024,
            extra_ca_file: None,
            retry_policy: RetryPolicy::default(),
            clock: Clock::system(),
            command_timeout: DEFAULT_COMMAND_TIMEOUT,
            credentials_from: None,
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
