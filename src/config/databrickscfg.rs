//! `~/.databrickscfg`: the INI file shared with the Databricks CLI and SDKs.
//!
//! Semantics follow the Python SDK's `_known_file_config_loader` so that a profile means the same
//! thing here as in `databricks` and notebooks: sections are profiles, `[DEFAULT]` is used when
//! none is requested (unless `[__settings__] default_profile` names another), profiles do not
//! inherit from `[DEFAULT]`, and an empty `[DEFAULT]` counts as absent.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::api::secret::Secret;

use super::Env;
use super::auth::{AuthContext, label};
use super::error::ConfigError;
use super::host::normalize_host;
use super::ini_sections::parse_sections;
use super::layers::Layers;
use super::paths::{expand_tilde, non_empty};

/// Env var naming the config file, as in the SDK.
pub const CONFIG_FILE_ENV: &str = "DATABRICKS_CONFIG_FILE";
/// The profile used when none is requested.
pub const DEFAULT_PROFILE: &str = "DEFAULT";
/// Reserved section holding file-wide settings; never a profile.
const SETTINGS_SECTION: &str = "__settings__";

/// The config file path: `DATABRICKS_CONFIG_FILE`, else `~/.databrickscfg`, with `~` expanded.
pub fn config_file_path(env: Env<'_>) -> PathBuf {
    let raw = non_empty(env, CONFIG_FILE_ENV).unwrap_or_else(|| "~/.databrickscfg".to_string());
    expand_tilde(raw.trim(), env)
}

/// One profile section. Keys are lower-cased (as Python's `configparser` does); empty values
/// count as unset. `Debug` shows only the names of `other` keys, since those may hold
/// credentials this console does not model (passwords, ...).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProfileEntry {
    pub name: String,
    pub host: Option<String>,
    pub token: Option<Secret>,
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    pub auth_type: Option<String>,
    /// `azure_*` keys (Azure service principal, Azure CLI).
    pub azure: AzureKeys,
    /// `databricks_cli_path`: the Databricks CLI to ask for tokens.
    pub databricks_cli_path: Option<String>,
    /// Every other key (`account_id`, `warehouse_id`, `cluster_id`, ...).
    pub other: BTreeMap<String, String>,
}

/// The `azure_*` keys of a profile, as the SDKs name them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AzureKeys {
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    pub tenant_id: Option<String>,
    pub workspace_resource_id: Option<String>,
    pub environment: Option<String>,
    /// `azure_authority_host`: the Entra ID authority (not an SDK key).
    pub authority_host: Option<String>,
}

impl fmt::Debug for ProfileEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileEntry")
            .field("name", &self.name)
            .field("host", &self.host)
            .field("token", &self.token)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("auth_type", &self.auth_type)
            .field("azure", &self.azure)
            .field("databricks_cli_path", &self.databricks_cli_path)
            .field("other_keys", &self.other.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl ProfileEntry {
    fn from_pairs(name: &str, pairs: Vec<(String, String)>) -> ProfileEntry {
        let mut entry = ProfileEntry {
            name: name.to_string(),
            ..ProfileEntry::default()
        };
        for (key, value) in pairs {
            if value.is_empty() {
                continue;
            }
            match key.as_str() {
                "host" => entry.host = Some(value),
                "token" => entry.token = Some(Secret::new(value)),
                "client_id" => entry.client_id = Some(value),
                "client_secret" => entry.client_secret = Some(Secret::new(value)),
                "auth_type" => entry.auth_type = Some(value),
                "azure_client_id" => entry.azure.client_id = Some(value),
                "azure_client_secret" => entry.azure.client_secret = Some(Secret::new(value)),
                "azure_tenant_id" => entry.azure.tenant_id = Some(value),
                "azure_workspace_resource_id" => entry.azure.workspace_resource_id = Some(value),
                "azure_environment" => entry.azure.environment = Some(value),
                "azure_authority_host" => entry.azure.authority_host = Some(value),
                "databricks_cli_path" => entry.databricks_cli_path = Some(value),
                _ => {
                    entry.other.insert(key, value);
                }
            }
        }
        entry
    }

    /// The auth type this profile amounts to on its own (no flags or env vars), decided as
    /// [`super::resolve`] would decide it: its `auth_type`, else what its keys imply
    /// (`pat`, `oauth-m2m`, `azure-client-secret`, `azure-cli`, `databricks-cli`, `none`), or
    /// a conflict marker. `env` gives `HOME` and `PATH` for the CLIs' sign-ins. Never a value.
    pub fn auth_label(&self, env: Env<'_>) -> String {
        let mut layers = Layers::default();
        layers.apply_profile(self);
        let host = self
            .host
            .as_deref()
            .map(|h| normalize_host(h).unwrap_or_else(|_| h.to_string()))
            .unwrap_or_default();
        let cx = AuthContext {
            host: &host,
            profile: Some(&self.name),
            env,
        };
        label(&layers, &cx)
    }
}

/// A parsed config file.
#[derive(Debug, Clone)]
pub struct DatabricksCfg {
    pub path: PathBuf,
    /// Profiles in file order; an empty `[DEFAULT]` is omitted.
    pub profiles: Vec<ProfileEntry>,
    /// `[__settings__] default_profile`, when set.
    pub settings_default: Option<String>,
}

impl DatabricksCfg {
    /// Reads and parses `path`; `Ok(None)` when the file does not exist (that is not an error
    /// until someone asks for a profile).
    pub fn load(path: &Path) -> Result<Option<DatabricksCfg>, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(path, &text).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(ConfigError::Io {
                file: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Parses INI text; `path` is only used in error messages.
    pub fn parse(path: &Path, text: &str) -> Result<DatabricksCfg, ConfigError> {
        let sections = parse_sections(text).map_err(|e| ConfigError::InvalidIni {
            file: path.to_path_buf(),
            line: e.line,
            message: e.message,
        })?;
        let mut profiles = Vec::new();
        let mut settings_default = None;
        for (section, pairs) in sections {
            if section == SETTINGS_SECTION {
                settings_default = pairs
                    .into_iter()
                    .find(|(k, v)| k == "default_profile" && !v.is_empty())
                    .map(|(_, v)| v);
            } else if !(section == DEFAULT_PROFILE && pairs.is_empty()) {
                profiles.push(ProfileEntry::from_pairs(&section, pairs));
            }
        }
        Ok(DatabricksCfg {
            path: path.to_path_buf(),
            profiles,
            settings_default,
        })
    }

    pub fn get(&self, name: &str) -> Option<&ProfileEntry> {
        self.profiles.iter().find(|p| p.name == name)
    }

    pub fn names(&self) -> Vec<String> {
        self.profiles.iter().map(|p| p.name.clone()).collect()
    }

    /// The profile used when none is requested: `[__settings__] default_profile`, else a
    /// non-empty `[DEFAULT]`, else none.
    pub fn default_name(&self) -> Option<&str> {
        self.settings_default
            .as_deref()
            .or_else(|| self.get(DEFAULT_PROFILE).map(|_| DEFAULT_PROFILE))
    }

    /// The profile to load: `requested`, else the default. A named profile that is missing is an
    /// error; having no default at all is not.
    pub fn select(&self, requested: Option<&str>) -> Result<Option<&ProfileEntry>, ConfigError> {
        let Some(name) = requested.or_else(|| self.default_name()) else {
            return Ok(None);
        };
        self.get(name)
            .map(Some)
            .ok_or_else(|| ConfigError::ProfileNotFound {
                profile: name.to_string(),
                file: self.path.clone(),
                available: self.names(),
            })
    }
}

/// Loads `path` and selects a profile. A missing file is fine unless a profile was requested.
pub fn load_profile(
    path: &Path,
    requested: Option<&str>,
) -> Result<Option<ProfileEntry>, ConfigError> {
    match DatabricksCfg::load(path)? {
        Some(cfg) => Ok(cfg.select(requested)?.cloned()),
        None => match requested {
            Some(profile) => Err(ConfigError::ConfigFileMissing {
                profile: profile.to_string(),
                file: path.to_path_buf(),
            }),
            None => Ok(None),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
# comment
[DEFAULT]
host  = https://adb-1.azuredatabricks.net
token = dapi-default-secret

[prod]
Host = dbc-prod.cloud.databricks.com
  ; indented comment
token = dapi-prod\\secret \"q\"
warehouse_id = abc

[sp]
host = https://sp.cloud.databricks.com
client_id = cid
client_secret = dose-secret

[__settings__]
default_profile = prod
";

    fn parse(text: &str) -> Result<DatabricksCfg, ConfigError> {
        DatabricksCfg::parse(Path::new("/cfg"), text)
    }

    #[test]
    fn parses_profiles_keys_and_settings() {
        let cfg = parse(SAMPLE).unwrap();
        assert_eq!(cfg.names(), ["DEFAULT", "prod", "sp"]);
        assert_eq!(cfg.settings_default.as_deref(), Some("prod"));
        let prod = cfg.get("prod").unwrap();
        assert_eq!(prod.host.as_deref(), Some("dbc-prod.cloud.databricks.com"));
        // No unquoting, no escapes: the token is taken verbatim.
        assert_eq!(
            prod.token.as_ref().unwrap().expose(),
            "dapi-prod\\secret \"q\""
        );
        assert_eq!(
            prod.other.get("warehouse_id").map(String::as_str),
            Some("abc")
        );
    }

    #[test]
    fn settings_default_beats_default_section() {
        let cfg = parse(SAMPLE).unwrap();
        assert_eq!(cfg.select(None).unwrap().unwrap().name, "prod");
        let no_settings = parse(&SAMPLE.replace("[__settings__]", "[other]")).unwrap();
        assert_eq!(no_settings.select(None).unwrap().unwrap().name, "DEFAULT");
    }

    #[test]
    fn no_inheritance_from_default() {
        let cfg = parse(SAMPLE).unwrap();
        let sp = cfg.select(Some("sp")).unwrap().unwrap();
        assert!(sp.token.is_none());
    }

    #[test]
    fn missing_or_empty_default_is_ignored() {
        let cfg = parse("[DEFAULT]\n[x]\nhost = h\n").unwrap();
        assert_eq!(cfg.names(), ["x"]);
        assert!(cfg.select(None).unwrap().is_none());
    }

    #[test]
    fn settings_section_is_not_a_profile() {
        let cfg = parse(SAMPLE).unwrap();
        let err = cfg.select(Some("__settings__")).unwrap_err().to_string();
        assert_eq!(
            err,
            "profile '__settings__' not found in /cfg (available: DEFAULT, prod, sp)"
        );
    }

    #[test]
    fn broken_text_is_an_invalid_ini_error_with_line() {
        let err = parse("[DEFAULT]\nhost = h\n[prod\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "/cfg:3: invalid INI: section header must end with ']'"
        );
    }

    #[test]
    fn debug_hides_secrets() {
        let cfg = parse(&format!(
            "{SAMPLE}\n[az]\nazure_client_secret = az-secret\n"
        ))
        .unwrap();
        let dbg = format!("{cfg:?}");
        for secret in [
            "dapi-default-secret",
            "dapi-prod",
            "dose-secret",
            "az-secret",
        ] {
            assert!(!dbg.contains(secret), "{dbg}");
        }
    }

    #[test]
    fn config_file_path_uses_env_then_home() {
        let env = |k: &str| match k {
            "HOME" | "USERPROFILE" => Some("/home/ops".to_string()),
            _ => None,
        };
        assert_eq!(
            config_file_path(&env),
            PathBuf::from("/home/ops/.databrickscfg")
        );
        let env2 = |k: &str| (k == CONFIG_FILE_ENV).then(|| "/etc/dbcfg".to_string());
        assert_eq!(config_file_path(&env2), PathBuf::from("/etc/dbcfg"));
    }
}
