//! How the client authenticates, as resolved by `config/`.

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
}

impl Credentials {
    /// The auth type name as the Databricks CLI prints it (`pat`, `oauth-m2m`, `none`).
    pub fn auth_type(&self) -> &'static str {
        match self {
            Credentials::None => "none",
            Credentials::Pat(_) => "pat",
            Credentials::OAuthM2m { .. } => "oauth-m2m",
        }
    }
}
