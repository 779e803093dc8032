//! Turning the resolved attributes into [`Credentials`], with the SDK's rules:
//!
//! - `auth_type` picks one method outright;
//! - otherwise two configured methods (token; client_id/client_secret; the `azure_*` keys) are an
//!   error, since silently preferring one would let a stray env var redirect production actions
//!   to a different identity;
//! - otherwise the SDK's default order, as far as this console supports it: `pat`, `oauth-m2m`,
//!   `azure-client-secret`, `azure-cli`, `databricks-cli`. The two sign-ins of a CLI are chosen
//!   only on evidence that needs no network: `azure-cli` for an Azure Databricks host when `az`
//!   is on `PATH`, `databricks-cli` when the Databricks CLI's token cache holds a sign-in for the
//!   profile or host. Nothing configured means no `Authorization` header (an MLflow server).

use std::path::{Path, PathBuf};

use crate::api::auth::azure_env::{self, AzureCloud};
use crate::api::auth::cli_cache;
use crate::api::credentials::{
    AzureCli, AzureManagement, AzureServicePrincipal, Credentials, DatabricksCli, auth_type,
};

use super::Env;
use super::error::ConfigError;
use super::layers::{Layers, Origin, Sourced};
use super::paths::expand_tilde;

/// What resolution knows besides the attributes: the host, the profile used, the environment.
pub(crate) struct AuthContext<'a> {
    /// Normalised workspace URL.
    pub host: &'a str,
    pub profile: Option<&'a str>,
    pub env: Env<'a>,
}

/// The auth types this console implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    None,
    Pat,
    M2m,
    DatabricksCli,
    AzureSp,
    AzureCli,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::None => auth_type::NONE,
            Kind::Pat => auth_type::PAT,
            Kind::M2m => auth_type::OAUTH_M2M,
            Kind::DatabricksCli => auth_type::DATABRICKS_CLI,
            Kind::AzureSp => auth_type::AZURE_CLIENT_SECRET,
            Kind::AzureCli => auth_type::AZURE_CLI,
        }
    }
}

pub(crate) fn credentials(l: &Layers, cx: &AuthContext<'_>) -> Result<Credentials, ConfigError> {
    let kind = match &l.auth_type {
        Some(forced) => forced_kind(forced)?,
        None => implied_kind(l, cx)?,
    };
    build(kind, l, cx)
}

/// The auth type a profile amounts to, for listings: its `auth_type`, a conflict marker, or
/// what the attributes imply. Never a value.
pub(crate) fn label(l: &Layers, cx: &AuthContext<'_>) -> String {
    if let Some(forced) = &l.auth_type {
        return forced.value.trim().to_string();
    }
    let groups = groups(l);
    if groups.len() > 1 {
        let names: Vec<&str> = groups.iter().map(|(name, _)| *name).collect();
        return format!("conflict ({})", names.join(" + "));
    }
    implied_kind(l, cx).map_or_else(|_| "conflict".to_string(), |k| k.name().to_string())
}

fn forced_kind(forced: &Sourced<String>) -> Result<Kind, ConfigError> {
    let kind = match forced.value.trim() {
        auth_type::PAT => Kind::Pat,
        auth_type::OAUTH_M2M => Kind::M2m,
        auth_type::DATABRICKS_CLI => Kind::DatabricksCli,
        auth_type::AZURE_CLIENT_SECRET => Kind::AzureSp,
        auth_type::AZURE_CLI => Kind::AzureCli,
        other => {
            return Err(ConfigError::UnsupportedAuthType {
                auth_type: other.to_string(),
                origin: forced.origin.to_string(),
            });
        }
    };
    Ok(kind)
}

/// The SDK's auth groups that have an attribute set, each with where the first came from.
fn groups(l: &Layers) -> Vec<(&'static str, String)> {
    fn first(attrs: &[(&str, Option<&Origin>)]) -> Option<String> {
        attrs
            .iter()
            .find_map(|(key, origin)| origin.map(|o| format!("{key} from {o}")))
    }
    fn origin<T>(s: &Option<Sourced<T>>) -> Option<&Origin> {
        s.as_ref().map(|s| &s.origin)
    }
    let mut groups = Vec::new();
    if let Some(pat) = first(&[("token", origin(&l.token))]) {
        groups.push((auth_type::PAT, pat));
    }
    if let Some(m2m) = first(&[
        ("client_id", origin(&l.client_id)),
        ("client_secret", origin(&l.client_secret)),
    ]) {
        groups.push((auth_type::OAUTH_M2M, m2m));
    }
    if let Some(azure) = first(&[
        ("azure_client_id", origin(&l.azure_client_id)),
        ("azure_client_secret", origin(&l.azure_client_secret)),
        ("azure_tenant_id", origin(&l.azure_tenant_id)),
        (
            "azure_workspace_resource_id",
            origin(&l.azure_workspace_resource_id),
        ),
    ]) {
        let name = if l.azure_client_id.is_some() || l.azure_client_secret.is_some() {
            auth_type::AZURE_CLIENT_SECRET
        } else {
            "azure"
        };
        groups.push((name, azure));
    }
    groups
}

fn implied_kind(l: &Layers, cx: &AuthContext<'_>) -> Result<Kind, ConfigError> {
    let groups = groups(l);
    if groups.len() > 1 {
        let methods: Vec<String> = groups
            .iter()
            .map(|(name, origin)| format!("{name} ({origin})"))
            .collect();
        return Err(ConfigError::ConflictingAuth {
            methods: methods.join(" and "),
        });
    }
    if l.token.is_some() {
        return Ok(Kind::Pat);
    }
    if l.client_id.is_some() || l.client_secret.is_some() {
        return Ok(Kind::M2m);
    }
    if l.azure_client_id.is_some() || l.azure_client_secret.is_some() {
        return Ok(Kind::AzureSp);
    }
    let azure_workspace =
        azure_env::is_azure_host(cx.host) || l.azure_workspace_resource_id.is_some();
    if l.any_azure() && azure_workspace {
        // Only a tenant or the workspace's resource id: what the Azure CLI's sign-in uses.
        return Ok(Kind::AzureCli);
    }
    if azure_workspace && on_path("az", cx.env) {
        return Ok(Kind::AzureCli);
    }
    let keys = cli_cache::keys(cx.profile, cx.host);
    if cli_cache::has_sign_in(&token_cache_path(cx.env), &keys) {
        return Ok(Kind::DatabricksCli);
    }
    Ok(Kind::None)
}

fn build(kind: Kind, l: &Layers, cx: &AuthContext<'_>) -> Result<Credentials, ConfigError> {
    match kind {
        Kind::None => Ok(Credentials::None),
        Kind::Pat => {
            let token = l
                .token
                .as_ref()
                .ok_or_else(|| ConfigError::IncompleteAuth {
                    auth_type: auth_type::PAT.to_string(),
                    missing: "a token (--token, DATABRICKS_TOKEN or `token` in the profile)"
                        .to_string(),
                })?;
            Ok(Credentials::Pat(token.value.clone()))
        }
        Kind::M2m => {
            let client_id = need(&l.client_id, Kind::M2m, "client_id", "DATABRICKS_CLIENT_ID")?;
            let client_secret = need(
                &l.client_secret,
                Kind::M2m,
                "client_secret",
                "DATABRICKS_CLIENT_SECRET",
            )?;
            Ok(Credentials::OAuthM2m {
                client_id: client_id.clone(),
                client_secret: client_secret.clone(),
            })
        }
        Kind::DatabricksCli => Ok(Credentials::DatabricksCli(DatabricksCli {
            profile: cx.profile.map(str::to_string),
            cli_path: l
                .databricks_cli_path
                .as_ref()
                .map(|p| expand_tilde(p.value.trim(), cx.env)),
            token_cache: token_cache_path(cx.env),
        })),
        Kind::AzureSp => azure_service_principal(l, cx),
        Kind::AzureCli => {
            let (_, resource) = azure_cloud(l, cx.host)?;
            let resource_id = value(&l.azure_workspace_resource_id);
            Ok(Credentials::AzureCli(AzureCli {
                program: PathBuf::from("az"),
                resource: resource.to_string(),
                tenant_id: value(&l.azure_tenant_id),
                subscription: resource_id.as_deref().and_then(subscription_of),
                workspace_resource_id: resource_id,
            }))
        }
    }
}

fn azure_service_principal(l: &Layers, cx: &AuthContext<'_>) -> Result<Credentials, ConfigError> {
    let kind = Kind::AzureSp;
    let client_id = need(&l.azure_client_id, kind, "azure_client_id", "ARM_CLIENT_ID")?;
    let client_secret = need(
        &l.azure_client_secret,
        kind,
        "azure_client_secret",
        "ARM_CLIENT_SECRET",
    )?;
    let tenant_id = need(&l.azure_tenant_id, kind, "azure_tenant_id", "ARM_TENANT_ID")?;
    let (cloud, resource) = azure_cloud(l, cx.host)?;
    let login_endpoint = match &l.azure_authority_host {
        Some(a) => authority(a)?,
        None => cloud.login_endpoint.to_string(),
    };
    let management = value(&l.azure_workspace_resource_id).map(|id| AzureManagement {
        workspace_resource_id: id,
        endpoint: cloud.management_endpoint.to_string(),
    });
    Ok(Credentials::AzureClientSecret(AzureServicePrincipal {
        client_id: client_id.trim().to_string(),
        client_secret: client_secret.clone(),
        tenant_id: tenant_id.trim().to_string(),
        login_endpoint,
        resource: resource.to_string(),
        management,
    }))
}

/// The Azure cloud and Azure Databricks application: by the host's DNS zone, as the SDK does;
/// for any other host name by `azure_environment`, else the public cloud.
fn azure_cloud(l: &Layers, host: &str) -> Result<(AzureCloud, &'static str), ConfigError> {
    if let Some(found) = azure_env::for_host(host) {
        return Ok(found);
    }
    let cloud = match &l.azure_environment {
        Some(e) => {
            azure_env::cloud_named(&e.value).ok_or_else(|| ConfigError::InvalidAuthSetting {
                key: "azure_environment".to_string(),
                origin: e.origin.to_string(),
                reason: format!("'{}' is not PUBLIC, USGOVERNMENT or CHINA", e.value.trim()),
            })?
        }
        None => azure_env::PUBLIC,
    };
    Ok((cloud, azure_env::AZURE_DATABRICKS_APP_ID))
}

/// `azure_authority_host` as a base URL with a trailing slash. Plain `http` only on loopback:
/// the client secret travels in the request.
fn authority(a: &Sourced<String>) -> Result<String, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidAuthSetting {
        key: "azure_authority_host".to_string(),
        origin: a.origin.to_string(),
        reason: reason.to_string(),
    };
    let raw = a.value.trim();
    let url = reqwest::Url::parse(raw).map_err(|_| invalid("expected an https:// URL"))?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => return Err(invalid("expected an https:// URL (http only on loopback)")),
    }
    Ok(format!("{}/", raw.trim_end_matches('/')))
}

/// The subscription in `/subscriptions/{id}/resourceGroups/…/workspaces/{name}`.
fn subscription_of(resource_id: &str) -> Option<String> {
    let mut parts = resource_id.trim().trim_start_matches('/').split('/');
    match (parts.next(), parts.next()) {
        (Some(s), Some(id)) if s.eq_ignore_ascii_case("subscriptions") && !id.is_empty() => {
            Some(id.to_string())
        }
        _ => None,
    }
}

fn value(s: &Option<Sourced<String>>) -> Option<String> {
    s.as_ref().map(|s| s.value.trim().to_string())
}

fn need<'a, T>(
    slot: &'a Option<Sourced<T>>,
    kind: Kind,
    key: &str,
    env_var: &str,
) -> Result<&'a T, ConfigError> {
    slot.as_ref()
        .map(|s| &s.value)
        .ok_or_else(|| ConfigError::IncompleteAuth {
            auth_type: kind.name().to_string(),
            missing: format!("{key} ({env_var} or `{key}` in the profile)"),
        })
}

/// The Databricks CLI's token cache.
pub(crate) fn token_cache_path(env: Env<'_>) -> PathBuf {
    expand_tilde("~/.databricks/token-cache.json", env)
}

/// Whether an executable named `name` is in one of `PATH`'s directories.
fn on_path(name: &str, env: Env<'_>) -> bool {
    let Some(path) = env("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|dir| is_executable(&dir.join(name)))
}

fn is_executable(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

#[cfg(test)]
#[path = "auth_tests.rs"]
mod tests;
