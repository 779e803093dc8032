//! What a load generator needs to send scoring requests itself, many at a time (`ops::bench`):
//! a connection pool of its own (sized for the test, with the test's timeout), the invocations
//! URL and the auth headers the client would send — marked sensitive, so neither reqwest's nor
//! our `Debug` output ever shows them. Only scoring requests can be built here, so a read-only
//! client's rule (scoring is allowed; see `readonly`) holds for them too; the load test's own
//! safety rules (a change: confirm, journal, refusal on read-only profiles) sit above it.

use std::time::Duration;

use reqwest::Url;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};

use super::{Call, CallAuth, Inner};
use crate::api::client::{Client, ClientOptions};
use crate::api::credentials::Credentials;
use crate::api::error::{ApiError, ApiResult};
use crate::api::serving::seg;

/// The pool and request line of a load test against one URL.
#[derive(Clone)]
pub struct LoadTarget {
    pub http: reqwest::Client,
    pub url: Url,
    /// Content type, accept and auth headers (auth values are sensitive).
    pub headers: HeaderMap,
}

impl std::fmt::Debug for LoadTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadTarget")
            .field("url", &self.url.as_str())
            .finish_non_exhaustive()
    }
}

fn base_headers() -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    h.insert(ACCEPT, HeaderValue::from_static("application/json"));
    h
}

/// The same TLS trust and proxies as the client, its own pool (reqwest keeps every idle
/// connection of a host, with `TCP_NODELAY`), and the test's timeout.
fn pool(options: &ClientOptions, timeout: Duration) -> ApiResult<reqwest::Client> {
    super::transport::build(&ClientOptions {
        request_timeout: timeout,
        ..options.clone()
    })
}

impl LoadTarget {
    /// A target without credentials at `url` (a local server; tests).
    pub fn anonymous(url: &str, timeout: Duration) -> ApiResult<LoadTarget> {
        let parsed = Url::parse(url).map_err(|e| ApiError::Setup {
            message: format!("invalid URL {url}: {e}"),
        })?;
        let options = ClientOptions::new(url, Credentials::None);
        Ok(LoadTarget {
            http: pool(&options, timeout)?,
            url: parsed,
            headers: base_headers(),
        })
    }
}

impl Client {
    /// The scoring URL of `endpoint` with this client's credentials, for a load test of
    /// requests answering within `timeout`. OAuth tokens are fetched now and
    /// last their lifetime (at least minutes; a load test is bounded well below that).
    pub async fn load_target(&self, endpoint: &str, timeout: Duration) -> ApiResult<LoadTarget> {
        let inner: &Inner = &self.inner;
        let path = format!("/serving-endpoints/{}/invocations", seg(endpoint));
        let url = Url::parse(&format!("{}{path}", inner.base)).map_err(|e| ApiError::Setup {
            message: format!("invalid endpoint URL: {e}"),
        })?;
        let call = Call {
            method: reqwest::Method::POST,
            path: &path,
            url: None,
            auth: CallAuth::Client,
            query: &[],
            body: super::Body::Empty,
            accept: super::JSON,
            keep_headers: &[],
            replay: super::retry::Replay::Never,
            fixed_read: false,
        };
        let mut used = None;
        let auth: Vec<(HeaderName, HeaderValue)> = inner.auth_headers(&call, &mut used).await?;
        let mut headers = base_headers();
        for (name, mut value) in auth {
            value.set_sensitive(true);
            headers.insert(name, value);
        }
        Ok(LoadTarget {
            http: pool(&inner.options, timeout)?,
            url,
            headers,
        })
    }
}
