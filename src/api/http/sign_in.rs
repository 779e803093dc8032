//! Signing in: the headers each request carries, and getting (and refreshing) the tokens behind
//! them for every auth type that has tokens: OAuth M2M, the Databricks CLI's sign-in, an Azure
//! service principal, the Azure CLI's sign-in. Tokens live in a [`TokenCache`] that refreshes
//! them ahead of expiry and lets concurrent requests share one refresh. A failure names the
//! auth type and says how to sign in again.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine;
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use reqwest::{Method, Url};

use super::oauth::{self, Lifetime, Token, TokenCache};
use super::retry::Replay;
use super::{Body, Call, CallAuth, Inner, JSON, secret_header, setup};
use crate::api::auth::{cli_cache, command};
use crate::api::credentials::{AzureCli, AzureServicePrincipal, Credentials, DatabricksCli};
use crate::api::error::{ApiError, ApiResult};
use crate::api::secret::Secret;

/// Where a workspace describes its OAuth endpoints.
const OIDC_DISCOVERY: &str = "/oidc/.well-known/oauth-authorization-server";
/// The public OAuth client of the Databricks CLI, which issued its refresh tokens.
const CLI_CLIENT_ID: &str = "databricks-cli";
/// A token from the CLI's cache is refreshed once less than this is left of it.
const CACHED_TOKEN_MARGIN: Duration = Duration::from_secs(5 * 60);
/// How long to wait for another process that is refreshing the CLI's sign-in.
const LOCK_WAIT: Duration = Duration::from_secs(5);
const AZURE_RESOURCE_ID_HEADER: &str = "x-databricks-azure-workspace-resource-id";
const AZURE_MANAGEMENT_TOKEN_HEADER: &str = "x-databricks-azure-sp-management-token";

/// How requests are authenticated.
pub(super) enum Auth {
    None,
    /// A PAT: the same header on every request.
    Static(HeaderValue),
    Tokens(Box<Refreshing>),
}

/// An auth type whose tokens expire.
pub(super) struct Refreshing {
    source: Source,
    tokens: TokenCache,
    /// Sent beside the token on Azure, when the workspace resource id is configured.
    azure_resource_id: Option<HeaderValue>,
    /// Azure service principal with a workspace resource id: a management-API token too.
    management: Option<(TokenCache, String)>,
}

enum Source {
    M2m {
        /// Client authentication for the token endpoint.
        basic: HeaderValue,
    },
    DatabricksCli {
        cli: DatabricksCli,
        /// Discovered once.
        token_endpoint: tokio::sync::OnceCell<Url>,
        /// Access tokens the workspace refused: not taken from the cache again.
        rejected: Mutex<Vec<Secret>>,
    },
    AzureSp {
        sp: AzureServicePrincipal,
        url: Url,
    },
    AzureCli(AzureCli),
}

impl Auth {
    /// The auth for `credentials`, and the secrets to scrub from every error text.
    pub(super) fn new(credentials: &Credentials) -> ApiResult<(Auth, Vec<Secret>)> {
        let refreshing = |source, azure_resource_id, management| {
            Auth::Tokens(Box::new(Refreshing {
                source,
                tokens: TokenCache::default(),
                azure_resource_id,
                management,
            }))
        };
        Ok(match credentials {
            Credentials::None => (Auth::None, Vec::new()),
            Credentials::Pat(token) => {
                let header = secret_header(&format!("Bearer {}", token.expose()), "token")?;
                (Auth::Static(header), vec![token.clone()])
            }
            Credentials::OAuthM2m {
                client_id,
                client_secret,
            } => {
                let pair = format!("{client_id}:{}", client_secret.expose());
                let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
                let basic = secret_header(&format!("Basic {encoded}"), "client secret")?;
                let secrets = vec![client_secret.clone(), Secret::new(encoded)];
                (refreshing(Source::M2m { basic }, None, None), secrets)
            }
            Credentials::DatabricksCli(cli) => {
                let source = Source::DatabricksCli {
                    cli: cli.clone(),
                    token_endpoint: tokio::sync::OnceCell::new(),
                    rejected: Mutex::new(Vec::new()),
                };
                (refreshing(source, None, None), Vec::new())
            }
            Credentials::AzureClientSecret(sp) => {
                let tenant = &sp.tenant_id;
                if tenant.is_empty()
                    || !tenant
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
                {
                    return Err(setup(format!(
                        "azure_tenant_id {tenant:?} is not a tenant id or domain"
                    )));
                }
                let url = Url::parse(&format!("{}{tenant}/oauth2/token", sp.login_endpoint))
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https"))
                    .ok_or_else(|| {
                        setup(format!(
                            "the Entra ID login endpoint {:?} is not an http(s) URL",
                            sp.login_endpoint
                        ))
                    })?;
                let resource_id = sp
                    .management
                    .as_ref()
                    .map(|m| plain_header(&m.workspace_resource_id, "azure_workspace_resource_id"))
                    .transpose()?;
                let management = sp
                    .management
                    .as_ref()
                    .map(|m| (TokenCache::default(), m.endpoint.clone()));
                let secrets = vec![sp.client_secret.clone()];
                let source = Source::AzureSp {
                    sp: sp.clone(),
                    url,
                };
                (refreshing(source, resource_id, management), secrets)
            }
            Credentials::AzureCli(az) => {
                let resource_id = az
                    .workspace_resource_id
                    .as_deref()
                    .map(|r| plain_header(r, "azure_workspace_resource_id"))
                    .transpose()?;
                (
                    refreshing(Source::AzureCli(az.clone()), resource_id, None),
                    Vec::new(),
                )
            }
        })
    }
}

fn plain_header(value: &str, what: &str) -> ApiResult<HeaderValue> {
    HeaderValue::from_str(value.trim()).map_err(|_| {
        setup(format!(
            "{what} contains characters not allowed in a header"
        ))
    })
}

type TokenFuture<'a> = Pin<Box<dyn Future<Output = ApiResult<Token>> + Send + 'a>>;

impl Inner {
    /// The headers that authenticate `call`; `used` receives the access token sent.
    pub(super) async fn auth_headers(
        &self,
        call: &Call<'_>,
        used: &mut Option<Token>,
    ) -> ApiResult<Vec<(HeaderName, HeaderValue)>> {
        match (&call.auth, &self.auth) {
            (CallAuth::TokenEndpoint(header), _) => {
                Ok(header.iter().map(|h| (AUTHORIZATION, h.clone())).collect())
            }
            (CallAuth::Anonymous, _) | (CallAuth::Client, Auth::None) => Ok(Vec::new()),
            (CallAuth::Client, Auth::Static(header)) => Ok(vec![(AUTHORIZATION, header.clone())]),
            (CallAuth::Client, Auth::Tokens(r)) => {
                let clock = || self.options.clock.now();
                let token = r.tokens.get_with(clock, || self.fetch_token(r)).await?;
                let mut headers = vec![(
                    AUTHORIZATION,
                    secret_header(token.header.expose(), "access token")?,
                )];
                *used = Some(token);
                if let Some(id) = &r.azure_resource_id {
                    headers.push((
                        HeaderName::from_static(AZURE_RESOURCE_ID_HEADER),
                        id.clone(),
                    ));
                }
                if let Some((cache, resource)) = &r.management {
                    let fetch = || self.fetch_token_for(r, resource);
                    let token = cache.get_with(clock, fetch).await?;
                    headers.push((
                        HeaderName::from_static(AZURE_MANAGEMENT_TOKEN_HEADER),
                        secret_header(token.access.expose(), "management token")?,
                    ));
                }
                Ok(headers)
            }
        }
    }

    /// Forgets a token the workspace refused (401), so the next call gets a new one.
    pub(super) async fn token_refused(&self, token: &Token) {
        let Auth::Tokens(r) = &self.auth else {
            return;
        };
        r.tokens.invalidate(&token.header).await;
        if let Source::DatabricksCli { rejected, .. } = &r.source {
            let mut rejected = rejected.lock().unwrap_or_else(|p| p.into_inner());
            rejected.push(token.access.clone());
        }
    }

    /// A new access token for the workspace.
    fn fetch_token<'a>(&'a self, r: &'a Refreshing) -> TokenFuture<'a> {
        let resource = match &r.source {
            Source::AzureSp { sp, .. } => sp.resource.as_str(),
            _ => "",
        };
        self.fetch_token_for(r, resource)
    }

    /// A new token for `resource` (Azure; ignored by the other sources). Boxed because the
    /// exchanges go through `execute`, which itself asks for headers: the recursion needs a
    /// sized future.
    fn fetch_token_for<'a>(&'a self, r: &'a Refreshing, resource: &'a str) -> TokenFuture<'a> {
        Box::pin(async move {
            let fetched = match &r.source {
                Source::M2m { basic } => self.m2m_token(basic).await,
                Source::DatabricksCli {
                    cli,
                    token_endpoint,
                    rejected,
                } => self.cli_token(cli, token_endpoint, rejected).await,
                Source::AzureSp { sp, url } => self.entra_token(sp, url, resource).await,
                Source::AzureCli(az) => self.az_token(az).await,
            };
            let token = fetched.map_err(|e| self.sign_in_failure(&r.source, e))?;
            self.remember(&token);
            Ok(token)
        })
    }

    /// Keeps the token's secrets for scrubbing error texts.
    fn remember(&self, token: &Token) {
        self.remember_secret(&token.access);
        if let Some(refresh) = &token.refresh {
            self.remember_secret(refresh);
        }
    }

    fn remember_secret(&self, secret: &Secret) {
        let mut issued = self.issued.lock().unwrap_or_else(|p| p.into_inner());
        if issued.contains(secret) {
            return;
        }
        issued.push(secret.clone());
        let excess = issued.len().saturating_sub(super::REMEMBERED_TOKENS);
        issued.drain(..excess);
    }

    /// Sends a token request and reads the answer.
    async fn token_request(
        &self,
        url: Option<Url>,
        path: &str,
        client_auth: Option<HeaderValue>,
        form: Vec<(&'static str, String)>,
    ) -> ApiResult<Token> {
        let body = self
            .execute(Call {
                method: Method::POST,
                path,
                url,
                auth: CallAuth::TokenEndpoint(client_auth),
                query: &[],
                body: Body::Form(form),
                accept: JSON,
                keep_headers: &[],
                // A token request changes nothing: asking again just issues another.
                replay: Replay::Safe,
            })
            .await?;
        oauth::parse_token_response(&String::from_utf8_lossy(&body))
    }

    async fn m2m_token(&self, basic: &HeaderValue) -> ApiResult<Token> {
        let form = vec![
            ("grant_type", "client_credentials".to_string()),
            ("scope", "all-apis".to_string()),
        ];
        self.token_request(None, oauth::TOKEN_PATH, Some(basic.clone()), form)
            .await
    }

    /// Entra ID's client-credentials grant (the v1 endpoint, as the Databricks SDKs use it).
    async fn entra_token(
        &self,
        sp: &AzureServicePrincipal,
        url: &Url,
        resource: &str,
    ) -> ApiResult<Token> {
        let form = vec![
            ("grant_type", "client_credentials".to_string()),
            ("client_id", sp.client_id.clone()),
            ("client_secret", sp.client_secret.expose().to_string()),
            ("resource", resource.to_string()),
        ];
        self.token_request(Some(url.clone()), url.path(), None, form)
            .await
    }

    /// `az account get-access-token`, for the subscription of the workspace when known and,
    /// as the SDK does, without it when that fails (access to the workspace but not to the
    /// subscription).
    async fn az_token(&self, az: &AzureCli) -> ApiResult<Token> {
        let mut args = vec![
            "account",
            "get-access-token",
            "--resource",
            az.resource.as_str(),
            "--output",
            "json",
        ];
        if let Some(tenant) = &az.tenant_id {
            args.extend(["--tenant", tenant.as_str()]);
        }
        let limit = self.options.command_timeout;
        let program = az.program.as_os_str();
        let mut out = Err(command::RunError::NotFound);
        if let Some(subscription) = &az.subscription {
            let mut with = args.clone();
            with.extend(["--subscription", subscription.as_str()]);
            out = command::run(program, &with, limit).await;
        }
        if !matches!(out, Ok(_) | Err(command::RunError::TimedOut(_))) {
            out = command::run(program, &args, limit).await;
        }
        let stdout =
            out.map_err(|e| auth_error(describe_run("az", "az account get-access-token", &e)))?;
        let t = command::az_token(&stdout)
            .map_err(|e| auth_error(format!("`az account get-access-token`: {e}")))?;
        Ok(Token::new(
            &t.token_type,
            t.access.expose(),
            Lifetime::Until(t.expiry),
        ))
    }

    /// The Databricks CLI's sign-in: its cached token while it has time left, else refreshed
    /// through the workspace's OAuth endpoint (and written back for the CLI), else whatever
    /// `databricks auth token --host H` answers.
    async fn cli_token(
        &self,
        cli: &DatabricksCli,
        endpoint: &tokio::sync::OnceCell<Url>,
        rejected: &Mutex<Vec<Secret>>,
    ) -> ApiResult<Token> {
        let keys = cli_cache::keys(cli.profile.as_deref(), &self.base);
        let usable = |found: &cli_cache::CachedSignIn| {
            let refused = rejected.lock().unwrap_or_else(|p| p.into_inner());
            !refused.contains(&found.access)
                && found.expiry.is_some_and(|at| {
                    at.duration_since(self.options.clock.now())
                        .is_ok_and(|left| left > CACHED_TOKEN_MARGIN)
                })
        };
        let mut problems = Vec::new();
        match cli_cache::lookup(&cli.token_cache, &keys) {
            Ok(Some(found)) if usable(&found) => return Ok(cached_token(&found)),
            Ok(Some(found)) if found.refresh.is_some() => {
                match self
                    .refresh_cli_sign_in(cli, &keys, endpoint, &usable)
                    .await
                {
                    Ok(token) => return Ok(token),
                    Err(e) => problems.push(format!(
                        "refreshing its cached sign-in failed: {}",
                        detail(&e)
                    )),
                }
            }
            Ok(Some(_)) => problems.push("its cached sign-in has expired".to_string()),
            Ok(None) => problems.push(format!(
                "{} holds no sign-in for this workspace",
                cli.token_cache.display()
            )),
            Err(e) => problems.push(e),
        }
        let program = cli
            .cli_path
            .clone()
            .unwrap_or_else(|| PathBuf::from("databricks"));
        let args = ["auth", "token", "--host", &self.base];
        let shown = format!("databricks auth token --host {}", self.base);
        match command::run(program.as_os_str(), &args, self.options.command_timeout).await {
            Ok(stdout) => match command::databricks_token(&stdout) {
                Ok(t) if t.expiry > self.options.clock.now() => {
                    return Ok(Token::new(
                        &t.token_type,
                        t.access.expose(),
                        Lifetime::Until(t.expiry),
                    ));
                }
                Ok(_) => problems.push(format!("`{shown}` gave an expired token")),
                Err(e) => problems.push(format!("`{shown}`: {e}")),
            },
            Err(e) => problems.push(describe_run("databricks", &shown, &e)),
        }
        Err(auth_error(problems.join("; ")))
    }

    /// Exchanges the cached refresh token, holding the CLI's lock so that the CLI and this
    /// console never both spend the same refresh token, and writes the new sign-in back.
    async fn refresh_cli_sign_in(
        &self,
        cli: &DatabricksCli,
        keys: &[String],
        endpoint: &tokio::sync::OnceCell<Url>,
        usable: &(dyn Fn(&cli_cache::CachedSignIn) -> bool + Sync),
    ) -> ApiResult<Token> {
        let _lock = lock_cache(&cli.token_cache).await?;
        // Another process may have refreshed while we waited.
        let found = cli_cache::lookup(&cli.token_cache, keys)
            .map_err(auth_error)?
            .ok_or_else(|| auth_error("the cached sign-in disappeared".to_string()))?;
        if usable(&found) {
            return Ok(cached_token(&found));
        }
        let Some(old_refresh) = found.refresh.clone() else {
            return Err(auth_error("the cached sign-in has no refresh token".into()));
        };
        // The token endpoint may quote it back in an error.
        self.remember_secret(&old_refresh);
        let url = endpoint
            .get_or_try_init(|| self.discover_token_endpoint())
            .await?
            .clone();
        let form = vec![
            ("grant_type", "refresh_token".to_string()),
            ("refresh_token", old_refresh.expose().to_string()),
            ("client_id", CLI_CLIENT_ID.to_string()),
        ];
        let path = url.path().to_string();
        let mut token = self.token_request(Some(url), &path, None, form).await?;
        let now = self.options.clock.now();
        let expiry = match token.lifetime {
            Lifetime::For(ttl) => now.checked_add(ttl).unwrap_or(now),
            Lifetime::Until(at) => at,
        };
        token.lifetime = Lifetime::Until(expiry);
        let new_refresh = token.refresh.clone().unwrap_or(old_refresh.clone());
        let token_type = token
            .header
            .expose()
            .split_once(' ')
            .map_or("Bearer", |(t, _)| t)
            .to_string();
        let refreshed = cli_cache::Refreshed {
            access: &token.access,
            token_type: &token_type,
            refresh: &new_refresh,
            expiry,
        };
        // Without the write-back the CLI would hold a spent refresh token; the sign-in in
        // hand still works, so a failure here does not fail the request.
        let _ = cli_cache::store(&cli.token_cache, keys, &old_refresh, &refreshed);
        token.refresh = Some(new_refresh);
        Ok(token)
    }

    /// The workspace's token endpoint, from its OAuth metadata; it must be on the workspace's
    /// own origin, since the refresh token is sent there.
    async fn discover_token_endpoint(&self) -> ApiResult<Url> {
        let metadata: serde_json::Value = self
            .json(Call {
                method: Method::GET,
                path: OIDC_DISCOVERY,
                url: None,
                auth: CallAuth::Anonymous,
                query: &[],
                body: Body::Empty,
                accept: JSON,
                keep_headers: &[],
                replay: Replay::Safe,
            })
            .await?;
        let raw = metadata
            .get("token_endpoint")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| auth_error(format!("{OIDC_DISCOVERY} names no token_endpoint")))?;
        let url = Url::parse(raw)
            .map_err(|_| auth_error(format!("{OIDC_DISCOVERY} names an invalid token_endpoint")))?;
        let base = Url::parse(&self.base).map_err(|e| setup(e.to_string()))?;
        if url.origin() != base.origin() {
            return Err(auth_error(format!(
                "{OIDC_DISCOVERY} names a token endpoint on another host ({})",
                url.origin().ascii_serialization()
            )));
        }
        Ok(url)
    }

    /// `e` as an authentication error naming the auth type, the workspace, and the way back in.
    fn sign_in_failure(&self, source: &Source, e: ApiError) -> ApiError {
        let host = &self.shown_host;
        let network = matches!(e, ApiError::Transport { .. } | ApiError::Timeout { .. });
        let (what, fix) = match source {
            Source::M2m { .. } => (
                format!("oauth-m2m sign-in failed for {host}"),
                "check client_id and client_secret (DATABRICKS_CLIENT_ID / \
                 DATABRICKS_CLIENT_SECRET or the profile)"
                    .to_string(),
            ),
            Source::DatabricksCli { .. } => (
                format!("databricks-cli sign-in failed for {host}"),
                format!("run `databricks auth login --host {host}`"),
            ),
            Source::AzureSp { sp, .. } => (
                format!(
                    "azure-client-secret sign-in failed for {host} (tenant {}, client {})",
                    sp.tenant_id, sp.client_id
                ),
                "check azure_client_id, azure_client_secret (it may have expired) and \
                 azure_tenant_id"
                    .to_string(),
            ),
            Source::AzureCli(az) => (
                format!("azure-cli sign-in failed for {host}"),
                match &az.tenant_id {
                    Some(t) => format!("run `az login --tenant {t}`"),
                    None => "run `az login`".to_string(),
                },
            ),
        };
        let message = if network {
            format!("{what}: {}", detail(&e))
        } else {
            format!("{what}: {}; {fix}", detail(&e))
        };
        ApiError::Auth { message }
    }
}

fn auth_error(message: String) -> ApiError {
    ApiError::Auth { message }
}

/// An error's own words, without the "authentication failed:" of the Auth variant.
fn detail(e: &ApiError) -> String {
    match e {
        ApiError::Auth { message } => message.clone(),
        other => other.to_string(),
    }
}

fn describe_run(program: &str, shown: &str, e: &command::RunError) -> String {
    match e {
        command::RunError::NotFound => {
            format!("`{program}` is not installed or not on PATH")
        }
        other => format!("`{shown}` {other}"),
    }
}

fn cached_token(found: &cli_cache::CachedSignIn) -> Token {
    let expiry = found.expiry.unwrap_or(std::time::UNIX_EPOCH);
    let mut token = Token::new(
        &found.token_type,
        found.access.expose(),
        Lifetime::Until(expiry),
    );
    token.refresh = found.refresh.clone();
    token
}

/// Takes the CLI's lock on its token cache, waiting a little for another holder. A lock file
/// that cannot be opened (a read-only home) is no reason to fail: go on without it.
async fn lock_cache(cache: &std::path::Path) -> ApiResult<Option<cli_cache::CacheLock>> {
    let step = Duration::from_millis(20);
    let mut waited = Duration::ZERO;
    loop {
        match cli_cache::try_lock(cache) {
            Ok(Some(lock)) => return Ok(Some(lock)),
            Err(_) => return Ok(None),
            Ok(None) if waited >= LOCK_WAIT => {
                return Err(auth_error(format!(
                    "{} stayed locked by another process",
                    cli_cache::lock_path(cache).display()
                )));
            }
            Ok(None) => {
                tokio::time::sleep(step).await;
                waited += step;
            }
        }
    }
}
