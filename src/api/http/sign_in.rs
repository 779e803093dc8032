//! Signing in: the headers each request carries, and getting (and refreshing) the tokens behind
//! them for every auth type that has tokens: OAuth M2M, the Databricks CLI's sign-in, an Azure
//! service principal, the Azure CLI's sign-in. Tokens live in a [`TokenCache`] that refreshes
//! them ahead of expiry and lets concurrent requests share one refresh. A failure names the
//! auth type and says how to sign in again.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use base64::Engine;
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use reqwest::{Method, Url};

mod azure;
mod databricks_cli;

use super::oauth::{self, Token, TokenCache};
use super::retry::Replay;
use super::{Body, Call, CallAuth, Inner, JSON, secret_header, setup};
use crate::api::auth::command;
use crate::api::credentials::{AzureCli, AzureServicePrincipal, Credentials, DatabricksCli};
use crate::api::error::{ApiError, ApiResult};
use crate::api::secret::Secret;

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
            if !rejected.contains(&token.access) {
                rejected.push(token.access.clone());
            }
            // Only the cache's current token matters; a few before it are plenty.
            let excess = rejected.len().saturating_sub(super::REMEMBERED_TOKENS);
            rejected.drain(..excess);
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

    pub(super) fn remember_secret(&self, secret: &Secret) {
        let mut issued = self.issued.lock().unwrap_or_else(|p| p.into_inner());
        if issued.contains(secret) {
            return;
        }
        issued.push(secret.clone());
        let excess = issued.len().saturating_sub(super::REMEMBERED_TOKENS);
        issued.drain(..excess);
    }

    /// Sends a token request and reads the answer.
    pub(super) async fn token_request(
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
                fixed_read: false,
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
