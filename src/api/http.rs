//! HTTP core: one request pipeline shared by every service call.
//!
//! read-only check → auth header (PAT, or an OAuth token from the cache) → send → read the
//! answer up to a size limit, scrubbing credentials from it as it arrives → map errors → retry
//! what the call allows (see `retry`: reads after 5xx and resets, every call after 429; never
//! a change whose answer was lost) within the call's budget → decode. Concerns live in the submodules: `transport` (reqwest/TLS/proxy setup), `retry`,
//! `error_map`, `oauth`, `readonly`.

mod decode;
pub(crate) mod error_map;
pub mod load;
pub(crate) mod oauth;
pub mod readonly;
pub mod retry;
mod sign_in;
pub(crate) mod transport;
mod verbs;

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;

pub use self::decode::JsonBody;
#[cfg(test)]
use self::decode::{decode, decode_bytes};
use self::oauth::Token;
use self::retry::{Deadline, Replay};
use self::sign_in::Auth;
use super::client::ClientOptions;
use super::error::{ApiError, ApiResult};
use super::secret::Secret;

const JSON: &str = "application/json";
const TEXT: &str = "text/plain";
/// Tokens remembered for scrubbing errors (the current access and refresh tokens and a few
/// before them).
const REMEMBERED_TOKENS: usize = 8;

pub(crate) struct Inner {
    options: ClientOptions,
    /// `options.host` without a trailing slash; paths are appended to it.
    base: String,
    /// The host as shown in messages: without user-info.
    shown_host: String,
    http: reqwest::Client,
    auth: Auth,
    /// Credentials to scrub from every error text.
    secrets: Vec<Secret>,
    /// Access tokens issued to this client, also scrubbed.
    issued: Mutex<Vec<Secret>>,
    in_flight: AtomicUsize,
    /// The workspace id the host reports, asked once (see `api::workspace_id`).
    pub(crate) workspace_id: tokio::sync::OnceCell<Option<String>>,
    /// Whose the credentials are, named when the workspace refuses them.
    whose: Option<String>,
}

enum Body {
    Empty,
    /// Serialised once, so retries resend the same bytes.
    Json(Vec<u8>),
    /// URL-encoded fields (token requests: may hold a secret, never printed).
    Form(Vec<(&'static str, String)>),
}

/// How a call is authenticated.
enum CallAuth {
    /// With the client's credentials (every workspace API call).
    Client,
    /// A token request: its own client authentication, if any; errors read as OAuth errors.
    TokenEndpoint(Option<HeaderValue>),
    /// Without credentials (public metadata).
    Anonymous,
}

struct Call<'a> {
    method: Method,
    /// The path on the workspace, or (with `url`) the path shown in messages.
    path: &'a str,
    /// An absolute URL elsewhere (an identity provider's token endpoint).
    url: Option<Url>,
    auth: CallAuth,
    query: &'a [(&'a str, String)],
    body: Body,
    accept: &'static str,
    /// Response headers the caller wants back (e.g. `served-model-name`).
    keep_headers: &'static [&'static str],
    /// Whether the call may be sent again after an error.
    replay: Replay,
    /// One of the console's own fixed read statements (`api::sql_fixed`): passes the read-only
    /// check although its verb and path are those of a change.
    fixed_read: bool,
}

/// A 2xx answer: the body as received, and the headers the call asked to keep (name, value).
pub(crate) struct Answer {
    pub body: Vec<u8>,
    pub headers: Vec<(String, String)>,
}

impl Call<'_> {
    /// The token exchange authenticates the client itself and answers in OAuth's error shape.
    fn is_token_request(&self) -> bool {
        matches!(self.auth, CallAuth::TokenEndpoint(_))
    }
}

/// A failed attempt: the error to report, and how long to wait first if it may be retried.
struct Failure {
    error: ApiError,
    wait: Option<std::time::Duration>,
}

impl Failure {
    fn fatal(error: ApiError) -> Self {
        Failure { error, wait: None }
    }
}

/// Counts a request as on the wire for as long as it lives; dropping it (completion, error, or
/// the caller's future being dropped mid-flight) takes it off.
struct InFlight<'a>(&'a AtomicUsize);

impl<'a> InFlight<'a> {
    fn enter(counter: &'a AtomicUsize) -> Self {
        counter.fetch_add(1, Ordering::SeqCst);
        InFlight(counter)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn setup(message: String) -> ApiError {
    ApiError::Setup { message }
}

/// A header value that reqwest and hyper treat as sensitive (never printed in their debug
/// output). Fails without quoting the value.
fn secret_header(value: &str, what: &str) -> ApiResult<HeaderValue> {
    let mut header = HeaderValue::from_str(value).map_err(|_| {
        setup(format!(
            "the {what} contains characters not allowed in a header"
        ))
    })?;
    header.set_sensitive(true);
    Ok(header)
}

impl Inner {
    pub(crate) fn new(options: ClientOptions) -> ApiResult<Inner> {
        let url = Url::parse(&options.host).map_err(|e| {
            setup(format!(
                "invalid host URL {}: {e}",
                quoted_host(&options.host)
            ))
        })?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(setup(format!(
                "invalid host URL {}: expected http(s)://host",
                quoted_host(&options.host)
            )));
        }
        if !url.username().is_empty() || url.password().is_some() {
            // reqwest would send them as Basic auth instead of the token, and every message
            // naming the host would carry the password.
            return Err(setup(
                "the host URL carries a user name or password (`user:…@host`); remove it and \
                 give the token with --token, DATABRICKS_TOKEN or a profile"
                    .to_string(),
            ));
        }
        let shown = url.clone();
        let (auth, secrets) = Auth::new(&options.credentials)?;
        let whose = options.credentials_from.as_deref();
        let whose = whose.and_then(|from| options.credentials.described(from));
        Ok(Inner {
            whose,
            base: options.host.trim_end_matches('/').to_string(),
            shown_host: shown.as_str().trim_end_matches('/').to_string(),
            http: transport::build(&options)?,
            options,
            auth,
            secrets,
            issued: Mutex::new(Vec::new()),
            in_flight: AtomicUsize::new(0),
            workspace_id: tokio::sync::OnceCell::new(),
        })
    }

    pub(crate) fn host(&self) -> &str {
        &self.shown_host
    }

    pub(crate) fn readonly(&self) -> bool {
        self.options.readonly
    }

    pub(crate) fn auth_type(&self) -> &'static str {
        self.options.credentials.auth_type()
    }

    pub(crate) fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// Sends `call` (retrying as the policy allows) and decodes the 2xx body as `T`.
    async fn json<T: DeserializeOwned>(&self, call: Call<'_>) -> ApiResult<T> {
        let path = call.path;
        let body = self.execute(call).await?;
        self.decode_answer(path, &body)
    }

    /// Sends `call` until it succeeds, fails for good, or the retry budget would be overrun;
    /// the 2xx body.
    async fn execute(&self, call: Call<'_>) -> ApiResult<Vec<u8>> {
        self.execute_full(call).await.map(|a| a.body)
    }

    /// [`Inner::execute`], keeping the response headers the call names.
    async fn execute_full(&self, call: Call<'_>) -> ApiResult<Answer> {
        // A token exchange changes nothing in the workspace.
        if !call.is_token_request() && !call.fixed_read {
            readonly::check(self.options.readonly, call.method.as_str(), call.path)?;
        }
        let url = match &call.url {
            Some(url) => url.clone(),
            None => Url::parse(&format!(
                "{}/{}",
                self.base,
                call.path.trim_start_matches('/')
            ))
            .map_err(|e| setup(format!("invalid request path {:?}: {e}", call.path)))?,
        };
        let deadline = Deadline::after(self.options.retry_budget, Instant::now());
        let mut used = None;
        let mut attempt = 0;
        let error = loop {
            attempt += 1;
            // A timeout is never retried, so the request timeout is the limit a message names.
            let limit = self.options.request_timeout;
            let tried = self.attempt(&call, &url, attempt, limit, &mut used).await;
            let failure = match tried {
                Ok(answer) => return Ok(answer),
                Err(failure) => failure,
            };
            match failure.wait {
                Some(wait)
                    if attempt < retry::MAX_ATTEMPTS && deadline.allows(Instant::now(), wait) =>
                {
                    tokio::time::sleep(wait).await;
                }
                _ => break failure.error,
            }
        };
        let error = self.redact(error, used.as_ref().map(|t| &t.access));
        Err(error.refused_by(&self.shown_host, self.whose.as_deref()))
    }

    /// One try. `used` receives the access token sent, so its error can be scrubbed of it.
    async fn attempt(
        &self,
        call: &Call<'_>,
        url: &Url,
        attempt: u32,
        limit: std::time::Duration,
        used: &mut Option<Token>,
    ) -> Result<Answer, Failure> {
        let auth_headers = self
            .auth_headers(call, used)
            .await
            .map_err(Failure::fatal)?;
        let mut request = self
            .http
            .request(call.method.clone(), url.clone())
            .timeout(limit)
            .header(ACCEPT, call.accept);
        if !call.query.is_empty() {
            request = request.query(call.query);
        }
        request = match &call.body {
            Body::Empty => request,
            Body::Json(bytes) => request.header(CONTENT_TYPE, JSON).body(bytes.clone()),
            Body::Form(fields) => request.form(fields),
        };
        for (name, value) in auth_headers {
            request = request.header(name, value);
        }

        let on_wire = InFlight::enter(&self.in_flight);
        let mut response = match request.send().await {
            Ok(response) => response,
            Err(e) => return Err(self.transport_failure(e, call, attempt, limit)),
        };
        let status = response.status().as_u16();
        let kept: Vec<(String, String)> = call
            .keep_headers
            .iter()
            .filter_map(|name| {
                let value = response.headers().get(*name)?.to_str().ok()?;
                Some((name.to_string(), value.to_string()))
            })
            .collect();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let limit_bytes = self.options.max_response_bytes;
        let body = match read_body(&mut response, limit_bytes).await {
            Ok(Some(bytes)) => bytes,
            Ok(None) => {
                return Err(Failure::fatal(ApiError::TooLarge {
                    what: format!("{} {}", call.method, call.path),
                    status,
                    limit: limit_bytes,
                }));
            }
            Err(e) => return Err(self.transport_failure(e, call, attempt, limit)),
        };
        drop(on_wire);
        if (200..300).contains(&status) {
            // Decoded from the bytes by the caller: no text copy of a large page is made.
            return Ok(Answer {
                body,
                headers: kept,
            });
        }
        // Servers echo request headers in error pages: take our credentials out of the text
        // before any of it is parsed, cut to an excerpt or put in a message.
        let text = String::from_utf8_lossy(&body);
        let text = self.scrub(&text, used.as_ref().map(|t| &t.access));
        if status == 401
            && matches!(call.auth, CallAuth::Client)
            && let Some(token) = used.as_ref()
        {
            // The server no longer takes this token (revoked, clock skew): fetch a new one on
            // the next call instead of failing until it would have expired.
            self.token_refused(token).await;
        }
        let error = if call.is_token_request() {
            oauth::token_error(status, &text)
        } else {
            error_map::api_error(status, call.path, &text)
        };
        let policy = &self.options.retry_policy;
        let wait = policy.wait_for_status(
            call.replay,
            status,
            retry_after.as_deref(),
            attempt,
            policy.jitter(),
        );
        Err(Failure { error, wait })
    }

    fn transport_failure(
        &self,
        e: reqwest::Error,
        call: &Call<'_>,
        attempt: u32,
        limit: std::time::Duration,
    ) -> Failure {
        let what = || format!("{} {}", call.method, call.path);
        let host = match &call.url {
            Some(url) => url.origin().ascii_serialization(),
            None => self.shown_host.clone(),
        };
        if e.is_builder() {
            return Failure::fatal(setup(transport::chain(&e.without_url())));
        }
        // Neither a refused connection, a name that does not resolve, a certificate that does
        // not verify nor a server that does not answer gets better by waiting: fail at once.
        if e.is_timeout() {
            let connect = e.is_connect();
            let secs = if connect {
                self.options.connect_timeout.min(limit)
            } else {
                limit
            };
            return Failure::fatal(ApiError::Timeout {
                what: format!("{} at {host}", what()),
                secs: secs.as_secs_f64(),
                sent: !connect,
            });
        }
        if e.is_connect() {
            let message = transport::connect_failure(&e.without_url());
            return Failure::fatal(ApiError::Transport {
                host,
                message,
                sent: false,
            });
        }
        // The request went out and the connection broke (a reset, a cut-off answer) or the
        // server redirected in a loop: a read may be repeated, a change may have been applied.
        let policy = &self.options.retry_policy;
        let wait = if e.is_redirect() {
            None
        } else {
            policy.wait_after_loss(call.replay, attempt, policy.jitter())
        };
        let message = transport::chain(&e.without_url());
        Failure {
            error: ApiError::Transport {
                host,
                message,
                sent: true,
            },
            wait,
        }
    }

    /// Every credential of this client: its own, the access tokens issued to it, and the one
    /// a request used.
    fn credentials(&self, used: Option<&Secret>) -> Vec<Secret> {
        let issued = self.issued.lock().unwrap_or_else(|p| p.into_inner());
        self.secrets
            .iter()
            .chain(issued.iter())
            .chain(used)
            .cloned()
            .collect()
    }

    /// `text` without any credential of this client (see [`super::secret::scrub`]).
    fn scrub(&self, text: &str, used: Option<&Secret>) -> String {
        let all = self.credentials(used);
        let secrets: Vec<&str> = all.iter().map(Secret::expose).collect();
        super::secret::scrub(text, &secrets)
    }

    /// `error` with every credential of this client scrubbed out (transport messages, the
    /// client's own words: a second line of defence behind [`Inner::scrub`]).
    fn redact(&self, error: ApiError, used: Option<&Secret>) -> ApiError {
        let all = self.credentials(used);
        let secrets: Vec<&str> = all.iter().map(Secret::expose).collect();
        error.redact(&secrets)
    }
}

/// The host for a message: quoted, or not at all when it may carry a password (`u:p@host`).
fn quoted_host(host: &str) -> String {
    if host.contains('@') {
        "(with user-info, not shown)".to_string()
    } else {
        format!("{host:?}")
    }
}

/// The body, or `None` when it is longer than `limit` bytes (announced or as it arrives: the
/// rest is never read, so an endless answer cannot fill the memory).
async fn read_body(
    response: &mut reqwest::Response,
    limit: u64,
) -> Result<Option<Vec<u8>>, reqwest::Error> {
    if response.content_length().is_some_and(|n| n > limit) {
        return Ok(None);
    }
    // Sized for the announced length (within the limit): a page is not copied as it grows.
    let announced = response.content_length().unwrap_or(0).min(limit);
    let mut body = Vec::with_capacity(usize::try_from(announced).unwrap_or(0));
    while let Some(chunk) = response.chunk().await? {
        if (body.len() + chunk.len()) as u64 > limit {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

#[cfg(test)]
mod tests;
