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

    /// Whose these credentials are, for messages, given where they came from (`profile `dev``,
    /// `--token`, `DATABRICKS_TOKEN`): "the token of profile `dev`". `None` without credentials.
    pub fn described(&self, from: &str) -> Option<String> {
        let noun = match self {
            Credentials::None => return None,
            Credentials::Pat(_) => "the token",
            Credentials::OAuthM2m { .. } => "the OAuth credentials",
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
    }
}
