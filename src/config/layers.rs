//! The attribute set being resolved, filled layer by layer (flags, then env, then profile) where
//! an earlier layer always wins. Each value remembers where it came from so that errors can say
//! "token from DATABRICKS_TOKEN" instead of leaving the operator to guess.

use std::fmt;

use crate::api::secret::Secret;

use super::Env;
use super::databrickscfg::ProfileEntry;
use super::paths::non_empty;
use super::resolve::Overrides;

/// Where a configuration value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    Flag(&'static str),
    Env(&'static str),
    Profile(String),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(name) | Origin::Env(name) => f.write_str(name),
            Origin::Profile(p) => write!(f, "profile '{p}'"),
        }
    }
}

impl Origin {
    /// The origin as a message names it: the flag or variable, or ``profile `dev` ``.
    pub(crate) fn named(&self) -> String {
        match self {
            Origin::Profile(p) => format!("profile `{p}`"),
            other => other.to_string(),
        }
    }
}

/// A value plus its origin.
#[derive(Debug, Clone)]
pub(crate) struct Sourced<T> {
    pub value: T,
    pub origin: Origin,
}

/// The unified-auth attributes this console understands.
#[derive(Debug, Default)]
pub(crate) struct Layers {
    pub host: Option<Sourced<String>>,
    pub token: Option<Sourced<Secret>>,
    pub client_id: Option<Sourced<String>>,
    pub client_secret: Option<Sourced<Secret>>,
    pub auth_type: Option<Sourced<String>>,
    pub profile: Option<Sourced<String>>,
    pub azure_client_id: Option<Sourced<String>>,
    pub azure_client_secret: Option<Sourced<Secret>>,
    pub azure_tenant_id: Option<Sourced<String>>,
    pub azure_workspace_resource_id: Option<Sourced<String>>,
    pub azure_environment: Option<Sourced<String>>,
    /// Not an SDK attribute: the Entra ID authority (as Azure's own SDKs read
    /// `AZURE_AUTHORITY_HOST`), for sovereign clouds behind a custom name and for tests.
    pub azure_authority_host: Option<Sourced<String>>,
    pub databricks_cli_path: Option<Sourced<String>>,
}

/// Values that can be "set but blank", which the SDK treats as unset.
trait Blank {
    fn is_blank(&self) -> bool;
}

impl Blank for String {
    fn is_blank(&self) -> bool {
        self.trim().is_empty()
    }
}

impl Blank for Secret {
    fn is_blank(&self) -> bool {
        self.expose().trim().is_empty()
    }
}

/// Sets `slot` unless it already holds a value: a later layer never overwrites an earlier one.
fn fill<T: Blank>(slot: &mut Option<Sourced<T>>, value: Option<T>, origin: Origin) {
    if slot.is_some() {
        return;
    }
    if let Some(value) = value.filter(|v| !v.is_blank()) {
        *slot = Some(Sourced { value, origin });
    }
}

impl Layers {
    pub fn apply_flags(&mut self, ov: &Overrides) {
        fill(
            &mut self.profile,
            ov.profile.clone(),
            Origin::Flag("--profile"),
        );
        fill(&mut self.host, ov.host.clone(), Origin::Flag("--host"));
        fill(&mut self.token, ov.token.clone(), Origin::Flag("--token"));
    }

    pub fn apply_env(&mut self, env: Env<'_>) {
        let var = |name: &'static str| (non_empty(env, name), Origin::Env(name));
        let (v, o) = var("DATABRICKS_HOST");
        fill(&mut self.host, v, o);
        let (v, o) = var("DATABRICKS_TOKEN");
        fill(&mut self.token, v.map(Secret::new), o);
        let (v, o) = var("DATABRICKS_CLIENT_ID");
        fill(&mut self.client_id, v, o);
        let (v, o) = var("DATABRICKS_CLIENT_SECRET");
        fill(&mut self.client_secret, v.map(Secret::new), o);
        let (v, o) = var("DATABRICKS_AUTH_TYPE");
        fill(&mut self.auth_type, v, o);
        let (v, o) = var("DATABRICKS_CONFIG_PROFILE");
        fill(&mut self.profile, v, o);
        let (v, o) = var("ARM_CLIENT_ID");
        fill(&mut self.azure_client_id, v, o);
        let (v, o) = var("ARM_CLIENT_SECRET");
        fill(&mut self.azure_client_secret, v.map(Secret::new), o);
        let (v, o) = var("ARM_TENANT_ID");
        fill(&mut self.azure_tenant_id, v, o);
        let (v, o) = var("DATABRICKS_AZURE_RESOURCE_ID");
        fill(&mut self.azure_workspace_resource_id, v, o);
        let (v, o) = var("ARM_ENVIRONMENT");
        fill(&mut self.azure_environment, v, o);
        let (v, o) = var("AZURE_AUTHORITY_HOST");
        fill(&mut self.azure_authority_host, v, o);
        let (v, o) = var("DATABRICKS_CLI_PATH");
        fill(&mut self.databricks_cli_path, v, o);
    }

    pub fn apply_profile(&mut self, entry: &ProfileEntry) {
        let origin = || Origin::Profile(entry.name.clone());
        fill(&mut self.host, entry.host.clone(), origin());
        fill(&mut self.token, entry.token.clone(), origin());
        fill(&mut self.client_id, entry.client_id.clone(), origin());
        fill(
            &mut self.client_secret,
            entry.client_secret.clone(),
            origin(),
        );
        fill(&mut self.auth_type, entry.auth_type.clone(), origin());
        let az = &entry.azure;
        fill(&mut self.azure_client_id, az.client_id.clone(), origin());
        fill(
            &mut self.azure_client_secret,
            az.client_secret.clone(),
            origin(),
        );
        fill(&mut self.azure_tenant_id, az.tenant_id.clone(), origin());
        fill(
            &mut self.azure_workspace_resource_id,
            az.workspace_resource_id.clone(),
            origin(),
        );
        fill(
            &mut self.azure_environment,
            az.environment.clone(),
            origin(),
        );
        fill(
            &mut self.azure_authority_host,
            az.authority_host.clone(),
            origin(),
        );
        fill(
            &mut self.databricks_cli_path,
            entry.databricks_cli_path.clone(),
            origin(),
        );
    }

    /// Whether any credential is set: with one (or a host) and no explicit profile, the SDK does
    /// not read the config file at all, so that e.g. `--host http://127.0.0.1:5000` never picks
    /// up (and sends) the DEFAULT profile's token.
    pub fn any_auth(&self) -> bool {
        self.token.is_some()
            || self.client_id.is_some()
            || self.client_secret.is_some()
            || self.any_azure()
    }

    /// Whether an attribute of the SDK's `azure` group is set.
    pub fn any_azure(&self) -> bool {
        self.azure_client_id.is_some()
            || self.azure_client_secret.is_some()
            || self.azure_tenant_id.is_some()
            || self.azure_workspace_resource_id.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earlier_layers_win_and_blank_values_are_ignored() {
        let mut l = Layers::default();
        l.apply_flags(&Overrides {
            host: Some("flag-host".into()),
            token: Some(Secret::new("")),
            ..Overrides::default()
        });
        let env = |k: &str| match k {
            "DATABRICKS_HOST" => Some("env-host".to_string()),
            "DATABRICKS_TOKEN" => Some("env-token".to_string()),
            _ => None,
        };
        l.apply_env(&env);
        assert_eq!(l.host.as_ref().unwrap().value, "flag-host");
        assert_eq!(l.host.as_ref().unwrap().origin, Origin::Flag("--host"));
        let token = l.token.as_ref().unwrap();
        assert_eq!(token.value.expose(), "env-token");
        assert_eq!(token.origin.to_string(), "DATABRICKS_TOKEN");
        assert!(l.any_auth());
    }
}
