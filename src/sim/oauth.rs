//! Stand-ins for the sign-in services: the workspace's OAuth endpoints (metadata, and a token
//! endpoint granting client credentials to the M2M service principal and refresh tokens to the
//! Databricks CLI's sign-in, rotating them as Databricks does) and Entra ID's v1 token endpoint
//! (client credentials of one Azure service principal, under `/entra/{tenant}/oauth2/token`, so
//! `AZURE_AUTHORITY_HOST={base_url}/entra/` points a client at it).
//!
//! Every token issued lives `token_ttl` on the simulator's clock; the gate refuses it after.
//! Wrong credentials get the error shapes the real services send.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine;
use serde_json::{Value, json};

use super::state::{AppState, Principal};
use crate::api::auth::azure_env::AZURE_DATABRICKS_APP_ID;

/// The workspace's OAuth service principal (`oauth-m2m`).
pub const M2M_CLIENT_ID: &str = "sim-sp-0000-1111-2222";
pub const M2M_CLIENT_SECRET: &str = "dose-sim-m2m-secret-0000";
/// The Entra ID tenant and application (`azure-client-secret`).
pub const AZURE_TENANT_ID: &str = "5e7a1c2b-0000-4000-8000-00000000a2e1";
pub const AZURE_CLIENT_ID: &str = "6b8d2e3f-0000-4000-8000-0000000000c1";
pub const AZURE_CLIENT_SECRET: &str = "sim~azure~client~secret~0000";
/// The public client of the Databricks CLI, which its refresh tokens belong to.
pub const CLI_CLIENT_ID: &str = "databricks-cli";
/// Where the Entra ID stand-in lives on the simulator.
pub const ENTRA_PREFIX: &str = "/entra";
/// The Azure management resource, whose tokens ride beside the workspace token.
const MANAGEMENT_RESOURCE: &str = "https://management.core.windows.net/";

/// What a token is good for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Audience {
    Workspace,
    Management,
}

struct Issued {
    principal: Principal,
    audience: Audience,
    expires_ms: i64,
}

/// Tokens issued so far.
pub(crate) struct OAuthState {
    ttl: Duration,
    inner: Mutex<Store>,
}

#[derive(Default)]
struct Store {
    access: HashMap<String, Issued>,
    refresh: HashMap<String, Principal>,
    counter: u64,
}

/// A sign-in as `databricks auth login` would leave it in the CLI's token cache.
#[derive(Debug, Clone)]
pub struct UserSignIn {
    pub access_token: String,
    pub refresh_token: String,
    /// Unix epoch milliseconds on the simulator's clock.
    pub expires_ms: i64,
}

/// Whether the gate takes an access token.
pub(crate) enum Verdict {
    Valid(Principal),
    Expired,
    Unknown,
}

impl OAuthState {
    pub fn new(ttl: Duration) -> Self {
        OAuthState {
            ttl,
            inner: Mutex::new(Store::default()),
        }
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn ttl_ms(&self) -> i64 {
        i64::try_from(self.ttl.as_millis()).unwrap_or(i64::MAX)
    }

    /// A new access token, as `prefix-N`; returns it and its expiry.
    fn issue(&self, now_ms: i64, prefix: &str, audience: Audience) -> (String, i64) {
        let mut store = self.store();
        store.counter += 1;
        let token = format!("{prefix}-{:06}", store.counter);
        let expires_ms = now_ms.saturating_add(self.ttl_ms());
        store.access.insert(
            token.clone(),
            Issued {
                principal: Principal::Owner,
                audience,
                expires_ms,
            },
        );
        (token, expires_ms)
    }

    fn issue_refresh(&self) -> String {
        let mut store = self.store();
        store.counter += 1;
        let token = format!("sim-refresh-{:06}", store.counter);
        store.refresh.insert(token.clone(), Principal::Owner);
        token
    }

    /// Spends a refresh token: each is good once (rotation).
    fn spend_refresh(&self, token: &str) -> bool {
        self.store().refresh.remove(token).is_some()
    }

    pub fn sign_in_user(&self, now_ms: i64) -> UserSignIn {
        let (access_token, expires_ms) = self.issue(now_ms, "sim-u2m", Audience::Workspace);
        UserSignIn {
            access_token,
            refresh_token: self.issue_refresh(),
            expires_ms,
        }
    }

    /// An Entra ID user token for the workspace, as `az account get-access-token` hands out.
    pub fn azure_cli_token(&self, now_ms: i64) -> (String, i64) {
        self.issue(now_ms, "sim-entra-user", Audience::Workspace)
    }

    /// The verdict on a bearer token for workspace APIs.
    pub fn check(&self, token: &str, now_ms: i64) -> Verdict {
        self.check_for(token, now_ms, Audience::Workspace)
    }

    /// The verdict on an `X-Databricks-Azure-SP-Management-Token`.
    pub fn check_management(&self, token: &str, now_ms: i64) -> Verdict {
        self.check_for(token, now_ms, Audience::Management)
    }

    fn check_for(&self, token: &str, now_ms: i64, audience: Audience) -> Verdict {
        match self.store().access.get(token) {
            Some(i) if i.audience != audience => Verdict::Unknown,
            Some(i) if now_ms >= i.expires_ms => Verdict::Expired,
            Some(i) => Verdict::Valid(i.principal),
            None => Verdict::Unknown,
        }
    }
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/oidc/.well-known/oauth-authorization-server",
            get(metadata),
        )
        .route("/oidc/v1/token", post(workspace_token))
        .route(
            &format!("{ENTRA_PREFIX}/{{tenant}}/oauth2/token"),
            post(entra_token),
        )
}

/// Whether the gate lets `path` through without a token: the sign-in services themselves
/// (and nothing else under their prefixes, so unknown paths stay hidden).
pub(crate) fn is_sign_in_path(path: &str) -> bool {
    if matches!(
        path,
        "/oidc/.well-known/oauth-authorization-server" | "/oidc/v1/token"
    ) {
        return true;
    }
    let Some(rest) = path.strip_prefix(ENTRA_PREFIX) else {
        return false;
    };
    let parts: Vec<&str> = rest.split('/').collect();
    matches!(parts.as_slice(), ["", tenant, "oauth2", "token"] if !tenant.is_empty())
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let body = json!({"error": error, "error_description": description});
    (status, Json(body)).into_response()
}

async fn metadata(headers: HeaderMap) -> Json<Value> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let oidc = format!("http://{host}/oidc");
    Json(json!({
        "issuer": oidc,
        "authorization_endpoint": format!("{oidc}/v1/authorize"),
        "token_endpoint": format!("{oidc}/v1/token"),
        "grant_types_supported": ["client_credentials", "authorization_code", "refresh_token"],
        "token_endpoint_auth_methods_supported":
            ["client_secret_basic", "client_secret_post", "none"],
    }))
}

/// Client id and secret from `Authorization: Basic` or, failing that, the form.
fn client_credentials(headers: &HeaderMap, form: &HashMap<String, String>) -> (String, String) {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|pair| {
            pair.split_once(':')
                .map(|(i, s)| (i.to_string(), s.to_string()))
        });
    basic.unwrap_or_else(|| {
        let field = |k: &str| form.get(k).cloned().unwrap_or_default();
        (field("client_id"), field("client_secret"))
    })
}

async fn workspace_token(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let now = st.clock().now_ms();
    let oauth = st.oauth();
    let ttl = oauth.ttl.as_secs();
    match form.get("grant_type").map(String::as_str) {
        Some("client_credentials") => {
            let (id, secret) = client_credentials(&headers, &form);
            if id != M2M_CLIENT_ID || secret != M2M_CLIENT_SECRET {
                return oauth_error(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "Client authentication failed",
                );
            }
            let (token, _) = oauth.issue(now, "sim-m2m", Audience::Workspace);
            Json(json!({"access_token": token, "token_type": "Bearer",
                        "expires_in": ttl, "scope": "all-apis"}))
            .into_response()
        }
        Some("refresh_token") => {
            if form.get("client_id").map(String::as_str) != Some(CLI_CLIENT_ID) {
                return oauth_error(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "Client authentication failed",
                );
            }
            let presented = form.get("refresh_token").cloned().unwrap_or_default();
            if !oauth.spend_refresh(&presented) {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Refresh token is invalid or has already been used",
                );
            }
            let (token, _) = oauth.issue(now, "sim-u2m", Audience::Workspace);
            Json(json!({"access_token": token, "token_type": "Bearer",
                        "refresh_token": oauth.issue_refresh(), "expires_in": ttl,
                        "scope": "all-apis offline_access"}))
            .into_response()
        }
        _ => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant_type must be client_credentials or refresh_token",
        ),
    }
}

/// Entra ID v1: `grant_type=client_credentials`, `client_id`, `client_secret`, `resource`.
async fn entra_token(
    State(st): State<AppState>,
    Path(tenant): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    if tenant != AZURE_TENANT_ID {
        let text = format!("AADSTS90002: Tenant '{tenant}' not found.");
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &text);
    }
    if field("grant_type") != "client_credentials" {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "AADSTS70003: The app requested an unsupported grant type.",
        );
    }
    if field("client_id") != AZURE_CLIENT_ID {
        let text = format!(
            "AADSTS700016: Application with identifier '{}' was not found in the directory.",
            field("client_id")
        );
        return oauth_error(StatusCode::BAD_REQUEST, "unauthorized_client", &text);
    }
    if field("client_secret") != AZURE_CLIENT_SECRET {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "AADSTS7000215: Invalid client secret provided.",
        );
    }
    let audience = match field("resource") {
        AZURE_DATABRICKS_APP_ID => Audience::Workspace,
        MANAGEMENT_RESOURCE => Audience::Management,
        other => {
            let text = format!("AADSTS500011: The resource principal named {other} was not found.");
            return oauth_error(StatusCode::BAD_REQUEST, "invalid_resource", &text);
        }
    };
    let now = st.clock().now_ms();
    let oauth = st.oauth();
    let (token, expires_ms) = oauth.issue(now, "sim-entra-sp", audience);
    // v1 answers with numbers as strings.
    let ttl = oauth.ttl.as_secs().to_string();
    Json(
        json!({"token_type": "Bearer", "expires_in": ttl, "ext_expires_in": ttl,
                "expires_on": (expires_ms / 1000).to_string(), "resource": field("resource"),
                "access_token": token}),
    )
    .into_response()
}
