//! How the client authenticates, as resolved by `config/`.

use std::path::PathBuf;

use super::secret::Secret;

/// The authentication method for a workspace, mirroring the Databricks unified auth types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    /// No `Authorization` header (an open-source MLflow server without auth).
    None,
    /// Personal access token: `Authorization: Bearer <token>`.
    Pat(Secret),
    /// OAuth machine-to-machine (client credentials against `{host}/oidc/v1/token`).
    OAuthM2m {
        client_id: String,
        client_secret: Secret,
    },
    /// The sign-in of `databricks auth login` (OAuth user-to-machine), reused from the CLI.
    DatabricksCli(DatabricksCli),
    /// An Azure service principal with a client secret; tokens from Entra ID.
    AzureClientSecret(AzureServicePrincipal),
    /// The sign-in of `az login`: tokens from `az account get-access-token`.
    AzureCli(AzureCli),
}

/// The auth type names, as the Databricks CLI and SDKs spell them.
pub mod auth_type {
    pub const NONE: &str = "none";
    pub const PAT: &str = "pat";
    pub const OAUTH_M2M: &str = "oauth-m2m";
    pub const DATABRICKS_CLI: &str = "databricks-cli";
    pub const AZURE_CLIENT_SECRET: &str = "azure-client-secret";
    pub const AZURE_CLI: &str = "azure-cli";
    /// Every `auth_type` value this console accepts.
    pub const SUPPORTED: &[&str] = &[
        PAT,
        OAUTH_M2M,
        DATABRICKS_CLI,
        AZURE_CLIENT_SECRET,
        AZURE_CLI,
    ];
}

/// Where the Databricks CLI keeps its sign-in and how to ask it for a fresh one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabricksCli {
    /// The `.databrickscfg` profile in use: newer CLIs key their token cache by it.
    pub profile: Option<String>,
    /// `databricks_cli_path` / `DATABRICKS_CLI_PATH`; `databricks` on `PATH` otherwise.
    pub cli_path: Option<PathBuf>,
    /// The CLI's token cache, `~/.databricks/token-cache.json`.
    pub token_cache: PathBuf,
}

/// An Entra ID application with a client secret (`azure_client_id`, `azure_client_secret`,
/// `azure_tenant_id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureServicePrincipal {
    pub client_id: String,
    pub client_secret: Secret,
    pub tenant_id: String,
    /// The Entra ID authority, with a trailing slash (`https://login.microsoftonline.com/`).
    pub login_endpoint: String,
    /// The application id of Azure Databricks, the resource the token is for.
    pub resource: String,
    /// Set with `azure_workspace_resource_id`: also send a token for the Azure management API,
    /// so a service principal that is not yet a workspace user is let in by its Azure role.
    pub management: Option<AzureManagement>,
}

/// The workspace's Azure resource id and the management endpoint to get a token for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureManagement {
    pub workspace_resource_id: String,
    /// `https://management.core.windows.net/` in the public cloud.
    pub endpoint: String,
}

/// What `az account get-access-token` is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureCli {
    /// The Azure CLI: `az`, looked up on `PATH`.
    pub program: PathBuf,
    /// The application id of Azure Databricks.
    pub resource: String,
    /// `--tenant`, when `azure_tenant_id` is set.
    pub tenant_id: Option<String>,
    /// `--subscription`, taken from `azure_workspace_resource_id` when set.
    pub subscription: Option<String>,
    /// Sent as `X-Databricks-Azure-Workspace-Resource-Id` when set.
    pub workspace_resource_id: Option<String>,
}

impl Credentials {
    /// The auth type name as the Databricks CLI prints it (`pat`, `oauth-m2m`, `none`, ...).
    pub fn auth_type(&self) -> &'static str {
        match self {
            Credentials::None => auth_type::NONE,
            Credentials::Pat(_) => auth_type::PAT,
            Credentials::OAuthM2m { .. } => auth_type::OAUTH_M2M,
            Credentials::DatabricksCli(_) => auth_type::DATABRICKS_CLI,
            Credentials::AzureClientSecret(_) => auth_type::AZURE_CLIENT_SECRET,
            Credentials::AzureCli(_) => auth_type::AZURE_CLI,
        }
    }

    /// Whose these credentials are, for messages, given where they came from (`profile `dev``,
    /// `--token`, `DATABRICKS_TOKEN`): "the token of profile `dev`". `None` without credentials.
    pub fn described(&self, from: &str) -> Option<String> {
        let noun = match self {
            Credentials::None => return None,
            Credentials::Pat(_) => "the token",
            Credentials::OAuthM2m { .. } => "the OAuth credentials",
            Credentials::DatabricksCli(_) => "the databricks-cli sign-in",
            Credentials::AzureClientSecret(_) => "the Azure service principal",
            Credentials::AzureCli(_) => "the az login sign-in",
        };
        let link = if from.starts_with("profile ") {
            "of"
        } else {
            "from"
        };
        Some(format!("{noun} {link} {from}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_described_by_where_they_came_from() {
        let pat = Credentials::Pat(Secret::new("dapi-secret"));
        assert_eq!(
            pat.described("profile `dev`").as_deref(),
            Some("the token of profile `dev`")
        );
        assert_eq!(
            pat.described("--token").as_deref(),
            Some("the token from --token")
        );
        let m2m = Credentials::OAuthM2m {
            client_id: "id".into(),
            client_secret: Secret::new("s"),
        };
        assert_eq!(
            m2m.described("DATABRICKS_CLIENT_ID").as_deref(),
            Some("the OAuth credentials from DATABRICKS_CLIENT_ID")
        );
        assert_eq!(Credentials::None.described("--token"), None);
        let cli = Credentials::DatabricksCli(DatabricksCli {
            profile: Some("dev".into()),
            cli_path: None,
            token_cache: PathBuf::from("token-cache.json"),
        });
        assert_eq!(
            cli.described("profile `dev`").as_deref(),
            Some("the databricks-cli sign-in of profile `dev`")
        );
    }
}
