//! Turning the resolved attributes into [`Credentials`], with the SDK's rule that two configured
//! methods are an error unless `auth_type` picks one: silently preferring one would let a stray
//! env var redirect production actions to a different identity.

use crate::api::credentials::Credentials;

use super::error::ConfigError;
use super::layers::{Layers, Sourced};

const PAT: &str = "pat";
const OAUTH_M2M: &str = "oauth-m2m";

pub(crate) fn credentials(l: &Layers) -> Result<Credentials, ConfigError> {
    match &l.auth_type {
        Some(forced) => forced_credentials(l, forced),
        None => implied_credentials(l),
    }
}

fn forced_credentials(l: &Layers, forced: &Sourced<String>) -> Result<Credentials, ConfigError> {
    match forced.value.trim() {
        PAT => pat(l).ok_or_else(|| ConfigError::IncompleteAuth {
            auth_type: PAT.to_string(),
            missing: "a token (--token, DATABRICKS_TOKEN or `token` in the profile)".to_string(),
        }),
        OAUTH_M2M => m2m(l),
        other => Err(ConfigError::UnsupportedAuthType {
            auth_type: other.to_string(),
            origin: forced.origin.to_string(),
        }),
    }
}

fn implied_credentials(l: &Layers) -> Result<Credentials, ConfigError> {
    let has_m2m = l.client_id.is_some() || l.client_secret.is_some();
    match (&l.token, has_m2m) {
        (Some(token), true) => {
            let m2m_origin = l
                .client_id
                .as_ref()
                .map(|c| format!("client_id from {}", c.origin))
                .or_else(|| {
                    l.client_secret
                        .as_ref()
                        .map(|c| format!("client_secret from {}", c.origin))
                })
                .unwrap_or_default();
            Err(ConfigError::ConflictingAuth {
                methods: format!(
                    "{OAUTH_M2M} ({m2m_origin}) and {PAT} (token from {})",
                    token.origin
                ),
            })
        }
        (Some(token), false) => Ok(Credentials::Pat(token.value.clone())),
        (None, true) => m2m(l),
        (None, false) => Ok(Credentials::None),
    }
}

fn pat(l: &Layers) -> Option<Credentials> {
    l.token.as_ref().map(|t| Credentials::Pat(t.value.clone()))
}

fn m2m(l: &Layers) -> Result<Credentials, ConfigError> {
    let missing = |what: &str| ConfigError::IncompleteAuth {
        auth_type: OAUTH_M2M.to_string(),
        missing: format!(
            "{what} (DATABRICKS_{} or `{what}` in the profile)",
            what.to_ascii_uppercase()
        ),
    };
    let client_id = l.client_id.as_ref().ok_or_else(|| missing("client_id"))?;
    let client_secret = l
        .client_secret
        .as_ref()
        .ok_or_else(|| missing("client_secret"))?;
    Ok(Credentials::OAuthM2m {
        client_id: client_id.value.clone(),
        client_secret: client_secret.value.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::secret::Secret;
    use crate::config::layers::Origin;

    fn sourced<T>(value: T, origin: Origin) -> Option<Sourced<T>> {
        Some(Sourced { value, origin })
    }

    fn layers(token: bool, id: bool, secret: bool, auth_type: Option<&str>) -> Layers {
        Layers {
            token: token
                .then(|| sourced(Secret::new("tok-secret"), Origin::Env("DATABRICKS_TOKEN")))
                .flatten(),
            client_id: id
                .then(|| sourced("cid".to_string(), Origin::Profile("sp".into())))
                .flatten(),
            client_secret: secret
                .then(|| sourced(Secret::new("cs-secret"), Origin::Profile("sp".into())))
                .flatten(),
            auth_type: auth_type.and_then(|t| sourced(t.to_string(), Origin::Flag("test"))),
            ..Layers::default()
        }
    }

    #[test]
    fn single_methods() {
        assert_eq!(
            credentials(&layers(true, false, false, None)).unwrap(),
            Credentials::Pat(Secret::new("tok-secret"))
        );
        assert_eq!(
            credentials(&layers(false, true, true, None))
                .unwrap()
                .auth_type(),
            "oauth-m2m"
        );
        assert_eq!(
            credentials(&layers(false, false, false, None)).unwrap(),
            Credentials::None
        );
    }

    #[test]
    fn both_without_auth_type_is_a_conflict_naming_origins() {
        let err = credentials(&layers(true, true, true, None))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("more than one authorization method configured"),
            "{err}"
        );
        assert!(
            err.contains("DATABRICKS_TOKEN") && err.contains("profile 'sp'"),
            "{err}"
        );
        assert!(
            !err.contains("tok-secret") && !err.contains("cs-secret"),
            "{err}"
        );
    }

    #[test]
    fn auth_type_forces_one() {
        let l = layers(true, true, true, Some("oauth-m2m"));
        assert_eq!(credentials(&l).unwrap().auth_type(), "oauth-m2m");
        let l = layers(true, true, true, Some("pat"));
        assert_eq!(credentials(&l).unwrap().auth_type(), "pat");
    }

    #[test]
    fn incomplete_and_unsupported() {
        let err = credentials(&layers(false, true, false, None))
            .unwrap_err()
            .to_string();
        assert!(err.contains("client_secret"), "{err}");
        let err = credentials(&layers(false, false, false, Some("pat")))
            .unwrap_err()
            .to_string();
        assert!(err.contains("token"), "{err}");
        let err = credentials(&layers(false, false, false, Some("azure-cli")))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("'azure-cli'") && err.contains("not supported"),
            "{err}"
        );
    }
}
