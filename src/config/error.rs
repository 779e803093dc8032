//! Configuration errors.
//!
//! Each message is one line that names the file, profile or setting at fault and says how to fix
//! it, because these are printed to an operator on a bastion host who has nothing else to go on.
//! No variant carries a credential value: only key names, profile names, paths and hosts.

use std::path::PathBuf;

use thiserror::Error;

/// Why the console could not work out which workspace to talk to, or how.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// A profile was requested (flag, `DATABRICKS_CONFIG_PROFILE` or `[__settings__]`) but the
    /// file has no such section.
    #[error(
        "profile '{profile}' not found in {} (available: {})",
        file.display(),
        available_list(available)
    )]
    ProfileNotFound {
        profile: String,
        file: PathBuf,
        available: Vec<String>,
    },

    /// A profile was requested explicitly but the config file does not exist.
    #[error(
        "profile '{profile}' requested but {} does not exist (create it with `databricks configure --profile {profile}` or point DATABRICKS_CONFIG_FILE at your config file)",
        file.display()
    )]
    ConfigFileMissing { profile: String, file: PathBuf },

    /// The file exists but could not be read (permissions, not a regular file, ...).
    #[error("cannot read {}: {source}", file.display())]
    Io {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// `~/.databrickscfg` (or `DATABRICKS_CONFIG_FILE`) is not valid INI.
    #[error("{}{}: invalid INI: {message}", file.display(), at_line(*line))]
    InvalidIni {
        file: PathBuf,
        line: Option<usize>,
        message: String,
    },

    /// The app config TOML is malformed, has an unknown key, or a value out of range.
    #[error("{}{}: {message}", file.display(), at_line(*line))]
    InvalidToml {
        file: PathBuf,
        line: Option<usize>,
        message: String,
    },

    /// Two auth methods are configured (token, client_id/client_secret, `azure_*`) and
    /// `auth_type` does not choose.
    #[error(
        "more than one authorization method configured: {methods}; set auth_type (DATABRICKS_AUTH_TYPE or `auth_type` in the profile) to one of {}, or remove all but one of them",
        supported_list()
    )]
    ConflictingAuth { methods: String },

    /// The chosen (or implied) auth method lacks a value it needs.
    #[error("auth type '{auth_type}' needs {missing}")]
    IncompleteAuth { auth_type: String, missing: String },

    /// `auth_type` names a method this console does not implement.
    #[error(
        "auth type '{auth_type}' (from {origin}) is not supported; use one of {} (for a browser sign-in, run `databricks auth login` and use databricks-cli)",
        supported_list()
    )]
    UnsupportedAuthType { auth_type: String, origin: String },

    /// An auth setting has a value that cannot be used.
    #[error("invalid {key} (from {origin}): {reason}")]
    InvalidAuthSetting {
        key: String,
        origin: String,
        reason: String,
    },

    /// No host from flags, environment or profile.
    #[error("{}", missing_host_message(profile.as_deref(), file))]
    MissingHost {
        profile: Option<String>,
        file: PathBuf,
    },

    /// The host is not something we can turn into a base URL.
    #[error("invalid workspace host '{host}' (from {origin}): {reason}")]
    InvalidHost {
        host: String,
        origin: String,
        reason: String,
    },
}

/// The supported `auth_type` values, quoted: `'pat', 'oauth-m2m', …`.
fn supported_list() -> String {
    crate::api::credentials::auth_type::SUPPORTED
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn available_list(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

fn at_line(line: Option<usize>) -> String {
    line.map(|l| format!(":{l}")).unwrap_or_default()
}

fn missing_host_message(profile: Option<&str>, file: &std::path::Path) -> String {
    match profile {
        Some(p) => format!(
            "no workspace host configured: profile '{p}' in {} has no `host`; add `host = https://...` to [{p}], or pass --host / set DATABRICKS_HOST",
            file.display()
        ),
        None => format!(
            "no workspace host configured: pass --host URL, set DATABRICKS_HOST, or use a profile from {} (--profile NAME or DATABRICKS_CONFIG_PROFILE)",
            file.display()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_not_found_names_profile_file_and_alternatives() {
        let e = ConfigError::ProfileNotFound {
            profile: "nosuch".into(),
            file: PathBuf::from("/root/.databrickscfg"),
            available: vec!["DEFAULT".into(), "prod".into()],
        };
        assert_eq!(
            e.to_string(),
            "profile 'nosuch' not found in /root/.databrickscfg (available: DEFAULT, prod)"
        );
    }

    #[test]
    fn file_errors_carry_line_when_known() {
        let with = ConfigError::InvalidIni {
            file: PathBuf::from("/x/cfg"),
            line: Some(3),
            message: "section must be ended with ']'".into(),
        };
        assert_eq!(
            with.to_string(),
            "/x/cfg:3: invalid INI: section must be ended with ']'"
        );
        let without = ConfigError::InvalidToml {
            file: PathBuf::from("/x/config.toml"),
            line: None,
            message: "bad".into(),
        };
        assert_eq!(without.to_string(), "/x/config.toml: bad");
    }

    #[test]
    fn missing_host_says_how_to_fix() {
        let e = ConfigError::MissingHost {
            profile: Some("prod".into()),
            file: PathBuf::from("/h/.databrickscfg"),
        };
        let msg = e.to_string();
        for needle in ["'prod'", "/h/.databrickscfg", "--host", "DATABRICKS_HOST"] {
            assert!(msg.contains(needle), "{msg} lacks {needle}");
        }
        assert!(!msg.contains('\n'));
        let none = ConfigError::MissingHost {
            profile: None,
            file: PathBuf::from("/h/.databrickscfg"),
        };
        assert!(none.to_string().contains("--profile"));
    }
}
