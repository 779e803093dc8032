//! Where the console keeps its own files (config, keymap, themes, audit journal, canary state).
//!
//! Everything environment-dependent goes through an injected `env` lookup so that tests and
//! embedders never depend on the real process environment or home directory.

use std::path::{Path, PathBuf};

use directories::{BaseDirs, ProjectDirs};

use super::Env;

/// Env var that overrides the config directory (config.toml, keymap.toml, themes/).
pub const CONFIG_DIR_ENV: &str = "MLOPS_CONSOLE_CONFIG_DIR";
/// Env var that overrides the data directory (audit journal, canary plan state).
pub const DATA_DIR_ENV: &str = "MLOPS_CONSOLE_DATA_DIR";

/// Used when the platform has no home directory (minimal containers, some CI runners): keep
/// state next to the working directory rather than refusing to start.
const FALLBACK_DIR: &str = ".mlops-console";

/// The console's directories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
}

impl Paths {
    /// Platform directories (XDG on Linux, `~/Library/Application Support` on macOS, `%APPDATA%`
    /// on Windows), each overridable by its env var; `./.mlops-console` without a home directory.
    pub fn resolve(env: Env<'_>) -> Paths {
        let config_override = non_empty(env, CONFIG_DIR_ENV).map(|v| expand_tilde(&v, env));
        let data_override = non_empty(env, DATA_DIR_ENV).map(|v| expand_tilde(&v, env));
        // Only consult the platform when needed: it reads the real process environment.
        let project = if config_override.is_none() || data_override.is_none() {
            ProjectDirs::from("", "", "mlops-console")
        } else {
            None
        };
        let config_dir = config_override
            .or_else(|| project.as_ref().map(|p| p.config_dir().to_path_buf()))
            .unwrap_or_else(|| PathBuf::from(FALLBACK_DIR));
        let data_dir = data_override
            .or_else(|| project.as_ref().map(|p| p.data_dir().to_path_buf()))
            .unwrap_or_else(|| Path::new(FALLBACK_DIR).join("data"));
        Paths {
            config_dir,
            data_dir,
        }
    }

    /// Both directories under one root (`root/config`, `root/data`): for tests, the demo mode and
    /// anything else that wants an isolated sandbox.
    pub fn under(root: &Path) -> Paths {
        Paths {
            config_dir: root.join("config"),
            data_dir: root.join("data"),
        }
    }

    /// `config_dir/config.toml`: per-profile settings (readonly, production, theme, refresh).
    pub fn app_config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }

    /// `config_dir/keymap.toml`: user overrides of the default keymap.
    pub fn keymap_file(&self) -> PathBuf {
        self.config_dir.join("keymap.toml")
    }

    /// `config_dir/alerts.toml`: the console's alert rules (built-in defaults when absent).
    pub fn alert_rules_file(&self) -> PathBuf {
        self.config_dir.join("alerts.toml")
    }

    /// `config_dir/themes`: user themes that override or add to the embedded ones.
    pub fn themes_dir(&self) -> PathBuf {
        self.config_dir.join("themes")
    }
}

/// The value of `key`, treating an empty value as unset (as the Databricks SDK does).
pub(crate) fn non_empty(env: Env<'_>, key: &str) -> Option<String> {
    env(key).filter(|v| !v.trim().is_empty())
}

/// The user's home directory: `HOME` (or `USERPROFILE` on Windows) from `env`, then the platform.
pub fn home_dir(env: Env<'_>) -> Option<PathBuf> {
    let var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
    non_empty(env, var)
        .map(PathBuf::from)
        .or_else(|| BaseDirs::new().map(|b| b.home_dir().to_path_buf()))
}

/// Expands a leading `~` or `~/` the way a shell would, so env values copied from docs work.
/// `~user` forms are left alone; without a home directory the path is returned unchanged.
pub fn expand_tilde(path: &str, env: Env<'_>) -> PathBuf {
    let rest = if path == "~" {
        Some("")
    } else {
        path.strip_prefix("~/")
            .or_else(|| path.strip_prefix("~\\").filter(|_| cfg!(windows)))
    };
    match rest.map(|rest| (rest, home_dir(env))) {
        Some(("", Some(home))) => home,
        Some((rest, Some(home))) => home.join(rest),
        _ => PathBuf::from(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn env_overrides_both_directories() {
        let env = env_of(&[(CONFIG_DIR_ENV, "/etc/mc"), (DATA_DIR_ENV, "/var/lib/mc")]);
        let p = Paths::resolve(&env);
        assert_eq!(p.config_dir, PathBuf::from("/etc/mc"));
        assert_eq!(p.data_dir, PathBuf::from("/var/lib/mc"));
        assert_eq!(p.app_config_file(), PathBuf::from("/etc/mc/config.toml"));
        assert_eq!(p.keymap_file(), PathBuf::from("/etc/mc/keymap.toml"));
        assert_eq!(p.themes_dir(), PathBuf::from("/etc/mc/themes"));
    }

    #[test]
    fn overrides_expand_tilde_from_injected_home() {
        let env = env_of(&[
            ("HOME", "/home/ops"),
            ("USERPROFILE", "/home/ops"),
            (CONFIG_DIR_ENV, "~/cfg"),
            (DATA_DIR_ENV, "~"),
        ]);
        let p = Paths::resolve(&env);
        assert_eq!(p.config_dir, PathBuf::from("/home/ops/cfg"));
        assert_eq!(p.data_dir, PathBuf::from("/home/ops"));
    }

    #[test]
    fn empty_override_is_ignored() {
        let env = env_of(&[(CONFIG_DIR_ENV, ""), (DATA_DIR_ENV, "/d")]);
        let p = Paths::resolve(&env);
        assert_ne!(p.config_dir, PathBuf::from(""));
        assert_eq!(p.data_dir, PathBuf::from("/d"));
    }

    #[test]
    fn tilde_user_form_is_left_alone() {
        let env = env_of(&[("HOME", "/home/ops"), ("USERPROFILE", "/home/ops")]);
        assert_eq!(expand_tilde("~bob/x", &env), PathBuf::from("~bob/x"));
        assert_eq!(expand_tilde("/abs", &env), PathBuf::from("/abs"));
    }

    #[test]
    fn under_builds_a_sandbox() {
        let p = Paths::under(Path::new("/tmp/sb"));
        assert_eq!(p.config_dir, PathBuf::from("/tmp/sb/config"));
        assert_eq!(p.data_dir, PathBuf::from("/tmp/sb/data"));
    }
}
