//! `mlops-console profiles`: what is in `.databrickscfg`, without ever showing a secret.

use std::path::{Path, PathBuf};

use super::Env;
use super::databrickscfg::{DatabricksCfg, config_file_path};
use super::error::ConfigError;
use super::host::normalize_host;
use super::paths::{Paths, non_empty};

/// One profile as listed to the user. Carries no credential values by construction.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProfileSummary {
    pub name: String,
    /// Normalised when possible, else as written.
    pub host: Option<String>,
    /// The profile's `auth_type`, else what its keys amount to (`pat`, `oauth-m2m`,
    /// `azure-client-secret`, `azure-cli`, `databricks-cli`, `none`), or a conflict marker.
    pub auth_type: String,
    /// The profile used without `--profile`: `DATABRICKS_CONFIG_PROFILE`, else
    /// `[__settings__] default_profile`, else `DEFAULT`.
    pub is_default: bool,
}

/// Lists the profiles of the `.databrickscfg` that [`super::resolve`] would read. A missing file
/// yields an empty list (the caller prints how to create one); a broken file is an error.
/// `_paths` is accepted so callers pass the same context as to `resolve`; the app config is not
/// needed to list profiles.
pub fn list_profiles(
    env: Env<'_>,
    _paths: &Paths,
) -> Result<(PathBuf, Vec<ProfileSummary>), ConfigError> {
    let file = config_file_path(env);
    let Some(cfg) = DatabricksCfg::load(&file)? else {
        return Ok((file, Vec::new()));
    };
    let default = non_empty(env, "DATABRICKS_CONFIG_PROFILE")
        .map(|p| p.trim().to_string())
        .or_else(|| cfg.default_name().map(str::to_string));
    let summaries = cfg
        .profiles
        .iter()
        .map(|p| {
            let host = p
                .host
                .as_ref()
                .map(|h| normalize_host(h).unwrap_or_else(|_| h.clone()));
            ProfileSummary {
                name: p.name.clone(),
                auth_type: p.auth_label(env),
                host,
                is_default: default.as_deref() == Some(p.name.as_str()),
            }
        })
        .collect();
    Ok((file, summaries))
}

/// A plain-text table (`*` marks the default profile), aligned for terminals and pipes.
pub fn render_profiles_table(file: &Path, profiles: &[ProfileSummary]) -> String {
    if profiles.is_empty() {
        return format!(
            "No profiles in {}. Create one with `databricks configure`, or pass --host / set DATABRICKS_HOST.\n",
            file.display()
        );
    }
    let rows: Vec<[String; 4]> = profiles
        .iter()
        .map(|p| {
            [
                if p.is_default { "*" } else { " " }.to_string(),
                p.name.clone(),
                p.host.clone().unwrap_or_else(|| "-".to_string()),
                p.auth_type.clone(),
            ]
        })
        .collect();
    let header = [" ", "NAME", "HOST", "AUTH"].map(str::to_string);
    let width = |i: usize| {
        rows.iter()
            .chain(std::iter::once(&header))
            .map(|r| r[i].chars().count())
            .max()
            .unwrap_or(0)
    };
    let (w_name, w_host) = (width(1), width(2));
    let mut out = format!("Profiles in {} (* = default)\n", file.display());
    for r in std::iter::once(&header).chain(rows.iter()) {
        let line = format!("{} {:w_name$}  {:w_host$}  {}", r[0], r[1], r[2], r[3]);
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture_env(
        extra: &'static [(&'static str, &'static str)],
    ) -> impl Fn(&str) -> Option<String> {
        let file =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config/databrickscfg");
        move |k| {
            if k == "DATABRICKS_CONFIG_FILE" {
                return Some(file.to_string_lossy().into_owned());
            }
            extra
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    fn paths() -> Paths {
        Paths::under(Path::new("/nonexistent"))
    }

    #[test]
    fn lists_without_secrets_and_marks_default() {
        let (file, list) = list_profiles(&fixture_env(&[]), &paths()).unwrap();
        assert!(file.ends_with("databrickscfg"));
        let names: Vec<_> = list.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "DEFAULT",
                "prod",
                "prod-sp",
                "nohost",
                "both",
                "both-forced"
            ]
        );
        let defaults: Vec<_> = list
            .iter()
            .filter(|p| p.is_default)
            .map(|p| &p.name)
            .collect();
        assert_eq!(defaults, ["prod"]);
        let sp = &list[2];
        assert_eq!(sp.auth_type, "oauth-m2m");
        let table = render_profiles_table(&file, &list);
        assert!(
            !table.contains("dapi") && !table.contains("dose"),
            "{table}"
        );
        assert!(table.contains("* prod "), "{table}");
    }

    #[test]
    fn env_profile_is_the_default() {
        let (_, list) = list_profiles(
            &fixture_env(&[("DATABRICKS_CONFIG_PROFILE", "prod-sp")]),
            &paths(),
        )
        .unwrap();
        assert!(
            list.iter()
                .find(|p| p.name == "prod-sp")
                .unwrap()
                .is_default
        );
        assert_eq!(list.iter().filter(|p| p.is_default).count(), 1);
    }

    #[test]
    fn missing_file_is_empty_with_hint() {
        let env = |k: &str| (k == "DATABRICKS_CONFIG_FILE").then(|| "/nonexistent/cfg".to_string());
        let (file, list) = list_profiles(&env, &paths()).unwrap();
        assert!(list.is_empty());
        assert!(render_profiles_table(&file, &list).contains("databricks configure"));
    }

    #[test]
    fn table_is_aligned() {
        let list = vec![
            ProfileSummary {
                name: "a".into(),
                host: Some("https://h".into()),
                auth_type: "pat".into(),
                is_default: true,
            },
            ProfileSummary {
                name: "longer".into(),
                host: None,
                auth_type: "none".into(),
                is_default: false,
            },
        ];
        let t = render_profiles_table(Path::new("/c"), &list);
        let lines: Vec<_> = t.lines().collect();
        assert_eq!(lines[1], "  NAME    HOST       AUTH");
        assert_eq!(lines[2], "* a       https://h  pat");
        assert_eq!(lines[3], "  longer  -          none");
    }
}
