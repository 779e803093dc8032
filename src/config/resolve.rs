//! Working out which workspace to talk to and how, exactly as the Databricks SDK would, plus the
//! console's own per-profile settings.
//!
//! Order: CLI flags, then `DATABRICKS_*` env vars, then one `.databrickscfg` profile; a later
//! source never overwrites an earlier one. Like the SDK, the file is not read at all when a host
//! or credential is already set and no profile was explicitly requested, so
//! `--host http://127.0.0.1:5000` never sends the DEFAULT profile's token to a local server.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::api::credentials::Credentials;
use crate::api::secret::Secret;

use super::Env;
use super::app_config::{AppConfig, ProfileSettings};
use super::auth::{AuthContext, credentials};
use super::databrickscfg::{config_file_path, load_profile};
use super::error::ConfigError;
use super::host::normalize_host;
use super::layers::Layers;
use super::paths::Paths;

/// Values given on the command line; they beat everything else.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--profile`: a `.databrickscfg` section to use (must exist).
    pub profile: Option<String>,
    /// `--host`: workspace or MLflow server URL.
    pub host: Option<String>,
    /// `--token`: personal access token.
    pub token: Option<Secret>,
    /// `--readonly`: forces read-only whatever the profile says.
    pub readonly: bool,
}

/// The outcome: where to connect, with which credentials, under which settings.
///
/// `Debug` is safe to log: credentials hold [`Secret`]s, which print as `***`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The profile whose values were used (requested, `[__settings__]` default or `DEFAULT`);
    /// `None` when flags/env alone configured the connection.
    pub profile: Option<String>,
    /// The `.databrickscfg` path consulted (or that would have been), for messages and listings.
    pub config_file: PathBuf,
    /// Normalised base URL, without trailing slash.
    pub host: String,
    pub credentials: Credentials,
    /// Where the credentials came from, as messages name it: `profile `dev``, `--token`,
    /// `DATABRICKS_TOKEN`; `None` without credentials.
    pub credentials_from: Option<String>,
    /// App settings for `profile`, with `--readonly` applied.
    pub settings: ProfileSettings,
    /// `[training_jobs]` of the app config: experiment name → training job id.
    pub training_jobs: BTreeMap<String, i64>,
}

impl Resolved {
    /// The auth method name as the Databricks CLI prints it.
    pub fn auth_type(&self) -> &'static str {
        self.credentials.auth_type()
    }

    /// Another key of the profile's `.databrickscfg` section (`warehouse_id`, `cluster_id`);
    /// `None` without a profile, the file, or the key.
    pub fn profile_value(&self, key: &str) -> Option<String> {
        let cfg = super::DatabricksCfg::load(&self.config_file).ok()??;
        let p = cfg.select(self.profile.as_deref()).ok()??;
        p.other.get(key).cloned()
    }
}

/// Resolves flags, `env` and the config files into a connection. `env` is injected so tests and
/// embedders never depend on the real environment; production passes [`super::system_env`].
pub fn resolve(ov: &Overrides, env: Env<'_>, paths: &Paths) -> Result<Resolved, ConfigError> {
    let mut layers = Layers::default();
    layers.apply_flags(ov);
    layers.apply_env(env);

    let config_file = config_file_path(env);
    let requested = layers.profile.as_ref().map(|p| p.value.trim().to_string());
    let mut profile = requested.clone();
    let skip_file = requested.is_none() && (layers.host.is_some() || layers.any_auth());
    if !skip_file && let Some(entry) = load_profile(&config_file, requested.as_deref())? {
        layers.apply_profile(&entry);
        profile = Some(entry.name);
    }

    let host = match &layers.host {
        Some(h) => normalize_host(&h.value).map_err(|e| ConfigError::InvalidHost {
            host: h.value.clone(),
            origin: h.origin.to_string(),
            reason: e.0,
        })?,
        None => {
            return Err(ConfigError::MissingHost {
                profile,
                file: config_file,
            });
        }
    };
    let cx = AuthContext {
        host: &host,
        profile: profile.as_deref(),
        env,
    };
    let credentials = credentials(&layers, &cx)?;
    let credentials_from = match &credentials {
        Credentials::None => None,
        Credentials::Pat(_) => layers.token.as_ref().map(|t| t.origin.named()),
        Credentials::OAuthM2m { .. } => layers.client_id.as_ref().map(|c| c.origin.named()),
        Credentials::AzureClientSecret(_) => {
            layers.azure_client_id.as_ref().map(|c| c.origin.named())
        }
        Credentials::DatabricksCli(_) | Credentials::AzureCli(_) => layers
            .auth_type
            .as_ref()
            .or(layers.host.as_ref())
            .map(|c| c.origin.named()),
    };
    let app = AppConfig::load(&paths.app_config_file())?;
    let mut settings = app.settings_for(profile.as_deref());
    if ov.readonly {
        settings.readonly = true;
    }
    Ok(Resolved {
        profile,
        config_file,
        host,
        credentials,
        credentials_from,
        settings,
        training_jobs: app.training_jobs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::path::Path;

    const CFG: &str = "tests/fixtures/config/databrickscfg";

    fn fixture(rel: &str) -> String {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(rel)
            .to_string_lossy()
            .into_owned()
    }

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let mut map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        map.entry("DATABRICKS_CONFIG_FILE".into())
            .or_insert_with(|| fixture(CFG));
        move |k| map.get(k).cloned()
    }

    fn paths() -> Paths {
        Paths::under(Path::new("/nonexistent/mlops-console-test"))
    }

    #[test]
    fn host_only_skips_the_file() {
        let env = env_of(&[]);
        let ov = Overrides {
            host: Some("http://127.0.0.1:5000/".into()),
            ..Overrides::default()
        };
        let r = resolve(&ov, &env, &paths()).unwrap();
        assert_eq!(r.host, "http://127.0.0.1:5000");
        assert_eq!(r.credentials, Credentials::None);
        assert_eq!(r.profile, None);
        assert_eq!(r.credentials_from, None);
    }

    #[test]
    fn explicit_profile_reads_file_even_with_host() {
        let env = env_of(&[("DATABRICKS_CONFIG_PROFILE", "prod")]);
        let ov = Overrides {
            host: Some("flag.example.com".into()),
            ..Overrides::default()
        };
        let r = resolve(&ov, &env, &paths()).unwrap();
        assert_eq!(r.host, "https://flag.example.com");
        assert_eq!(r.profile.as_deref(), Some("prod"));
        assert_eq!(r.auth_type(), "pat");
        assert_eq!(r.credentials_from.as_deref(), Some("profile `prod`"));
        let flag = Overrides {
            token: Some(Secret::new("dapi-flag")),
            ..ov.clone()
        };
        let r = resolve(&flag, &env, &paths()).unwrap();
        assert_eq!(r.credentials_from.as_deref(), Some("--token"));
        let env = env_of(&[("DATABRICKS_TOKEN", "dapi-env")]);
        let r = resolve(&ov, &env, &paths()).unwrap();
        assert_eq!(r.credentials_from.as_deref(), Some("DATABRICKS_TOKEN"));
    }

    #[test]
    fn readonly_flag_forces_readonly() {
        let env = env_of(&[]);
        let ov = Overrides {
            readonly: true,
            ..Overrides::default()
        };
        let r = resolve(&ov, &env, &paths()).unwrap();
        assert!(r.settings.readonly);
    }

    #[test]
    fn bad_host_names_its_origin() {
        let env = env_of(&[("DATABRICKS_HOST", "ftp://x")]);
        let err = resolve(&Overrides::default(), &env, &paths())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("DATABRICKS_HOST") && err.contains("ftp://x"),
            "{err}"
        );
    }

    #[test]
    fn missing_file_without_request_then_missing_host() {
        let env = env_of(&[("DATABRICKS_CONFIG_FILE", "/nonexistent/.databrickscfg")]);
        let err = resolve(&Overrides::default(), &env, &paths()).unwrap_err();
        assert!(
            matches!(err, ConfigError::MissingHost { profile: None, .. }),
            "{err}"
        );
    }
}
