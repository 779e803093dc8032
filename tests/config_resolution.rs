//! Integration tests of config resolution through the public library API.
//!
//! The environment is always an injected map and every file comes from `tests/fixtures/config/`,
//! so these tests never read the real home directory or process environment.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use mlops_console::api::credentials::Credentials;
use mlops_console::api::secret::Secret;
use mlops_console::config::{
    ConfigError, Overrides, Paths, Resolved, list_profiles, render_profiles_table, resolve,
};

/// Every fake credential in the fixtures and tests contains this marker (upper case, so it
/// cannot match key names such as `client_secret`); it must never appear in any output.
const SECRET_MARKER: &str = "SECRET";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(name)
}

/// An env lookup over `pairs`, with `DATABRICKS_CONFIG_FILE` pointing at the main fixture unless
/// given, and a fake `HOME` so nothing can fall back to the real one.
fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let mut map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let cfg = fixture("databrickscfg").to_string_lossy().into_owned();
    map.entry("DATABRICKS_CONFIG_FILE".into()).or_insert(cfg);
    map.entry("HOME".into())
        .or_insert_with(|| "/nonexistent/home".into());
    map.entry("USERPROFILE".into())
        .or_insert_with(|| "/nonexistent/home".into());
    move |k| map.get(k).cloned()
}

/// Paths whose config dir is a fixture directory (or one that does not exist).
fn paths(app_dir: &str) -> Paths {
    Paths {
        config_dir: fixture(app_dir),
        data_dir: PathBuf::from("/nonexistent/data"),
    }
}

fn run(ov: &Overrides, pairs: &[(&str, &str)]) -> Result<Resolved, ConfigError> {
    resolve(ov, &env_of(pairs), &paths("no-app-config"))
}

fn profile(name: &str) -> Overrides {
    Overrides {
        profile: Some(name.into()),
        ..Overrides::default()
    }
}

fn token_of(r: &Resolved) -> &str {
    match &r.credentials {
        Credentials::Pat(t) => t.expose(),
        other => panic!("expected a PAT, got {other:?}"),
    }
}

fn assert_no_secret(text: &str) {
    assert!(!text.contains(SECRET_MARKER), "secret leaked in: {text}");
}

#[test]
fn flags_beat_env_beat_profile() {
    let env = [
        ("DATABRICKS_HOST", "env.cloud.databricks.com"),
        ("DATABRICKS_TOKEN", "env-token-SECRET"),
    ];
    let flags = Overrides {
        profile: Some("prod".into()),
        host: Some("https://flag.cloud.databricks.com/".into()),
        token: Some(Secret::new("flag-token-SECRET")),
        readonly: false,
    };
    let r = run(&flags, &env).unwrap();
    assert_eq!(r.host, "https://flag.cloud.databricks.com");
    assert_eq!(token_of(&r), "flag-token-SECRET");

    let r = run(&profile("prod"), &env).unwrap();
    assert_eq!(r.host, "https://env.cloud.databricks.com");
    assert_eq!(token_of(&r), "env-token-SECRET");
    assert_eq!(r.profile.as_deref(), Some("prod"));

    let r = run(&profile("prod"), &[]).unwrap();
    assert_eq!(r.host, "https://dbc-prod.cloud.databricks.com");
    assert_eq!(token_of(&r), "dapi-prod-SECRET-0002");
}

#[test]
fn file_is_skipped_when_env_configures_host_and_no_profile_requested() {
    let env = [
        ("DATABRICKS_HOST", "http://127.0.0.1:5000"),
        ("DATABRICKS_TOKEN", "env-token-SECRET"),
    ];
    let r = run(&Overrides::default(), &env).unwrap();
    assert_eq!(r.profile, None);
    assert_eq!(r.host, "http://127.0.0.1:5000");
    assert_eq!(token_of(&r), "env-token-SECRET");

    // A bare --host (open-source MLflow) must not pick up any profile's token.
    let ov = Overrides {
        host: Some("http://localhost:5000/".into()),
        ..Overrides::default()
    };
    let r = run(&ov, &[]).unwrap();
    assert_eq!(r.credentials, Credentials::None);
    assert_eq!(r.host, "http://localhost:5000");
}

#[test]
fn env_profile_selects_section() {
    let r = run(
        &Overrides::default(),
        &[("DATABRICKS_CONFIG_PROFILE", "prod-sp")],
    )
    .unwrap();
    assert_eq!(r.profile.as_deref(), Some("prod-sp"));
    assert_eq!(r.host, "https://dbc-sp.cloud.databricks.com");
    match &r.credentials {
        Credentials::OAuthM2m {
            client_id,
            client_secret,
        } => {
            assert_eq!(client_id, "00000000-0000-0000-0000-000000000000");
            assert_eq!(client_secret.expose(), "dose-sp-SECRET-0003");
        }
        other => panic!("expected OAuth M2M, got {other:?}"),
    }
    // The flag beats the env var.
    let r = run(
        &profile("prod"),
        &[("DATABRICKS_CONFIG_PROFILE", "prod-sp")],
    )
    .unwrap();
    assert_eq!(r.profile.as_deref(), Some("prod"));
}

#[test]
fn settings_default_profile_then_default_section() {
    let r = run(&Overrides::default(), &[]).unwrap();
    assert_eq!(r.profile.as_deref(), Some("prod"));
    assert_eq!(token_of(&r), "dapi-prod-SECRET-0002");

    let no_settings = fixture("databrickscfg-no-settings");
    let env = [("DATABRICKS_CONFIG_FILE", no_settings.to_str().unwrap())];
    let r = run(&Overrides::default(), &env).unwrap();
    assert_eq!(r.profile.as_deref(), Some("DEFAULT"));
    assert_eq!(r.host, "https://adb-1234567890123456.7.azuredatabricks.net");
    assert_eq!(token_of(&r), "dapi-default-SECRET-0001");
}

#[test]
fn profiles_do_not_inherit_from_default() {
    // DEFAULT has a token; prod-sp must not get it (that would be a conflict with its M2M).
    let r = run(&profile("prod-sp"), &[]).unwrap();
    assert_eq!(r.auth_type(), "oauth-m2m");
    // DEFAULT has a host; nohost must not get it.
    let err = run(&profile("nohost"), &[]).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, ConfigError::MissingHost { .. }), "{msg}");
    assert!(msg.contains("'nohost'"), "{msg}");
    assert!(
        msg.contains(fixture("databrickscfg").to_str().unwrap()),
        "{msg}"
    );
    assert!(
        msg.contains("--host") && msg.contains("DATABRICKS_HOST"),
        "{msg}"
    );
    assert_no_secret(&msg);
}

#[test]
fn missing_profile_names_profile_file_and_alternatives() {
    let err = run(&profile("nosuch"), &[]).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "profile 'nosuch' not found in {} (available: DEFAULT, prod, prod-sp, nohost, both, both-forced)",
            fixture("databrickscfg").display()
        )
    );
    let err = run(&profile("__settings__"), &[]).unwrap_err();
    assert!(matches!(err, ConfigError::ProfileNotFound { .. }), "{err}");
}

#[test]
fn missing_file_is_fine_unless_a_profile_is_requested() {
    let env = [
        ("DATABRICKS_CONFIG_FILE", "/nonexistent/.databrickscfg"),
        ("DATABRICKS_HOST", "https://h.cloud.databricks.com"),
    ];
    assert!(run(&Overrides::default(), &env).is_ok());
    let err = run(&profile("prod"), &env).unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(err, ConfigError::ConfigFileMissing { .. }),
        "{msg}"
    );
    assert!(
        msg.contains("'prod'") && msg.contains("/nonexistent/.databrickscfg"),
        "{msg}"
    );
}

#[test]
fn broken_ini_names_file_and_line() {
    let broken = fixture("databrickscfg-broken");
    let err = run(
        &Overrides::default(),
        &[("DATABRICKS_CONFIG_FILE", broken.to_str().unwrap())],
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(err, ConfigError::InvalidIni { line: Some(5), .. }),
        "{msg}"
    );
    assert!(
        msg.starts_with(&format!("{}:5:", broken.display())),
        "{msg}"
    );
    assert_no_secret(&msg);
    assert_no_secret(&format!("{err:?}"));
}

#[test]
fn conflicting_auth_is_an_error_unless_auth_type_chooses() {
    let err = run(&profile("both"), &[]).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, ConfigError::ConflictingAuth { .. }), "{msg}");
    assert!(
        msg.contains("more than one authorization method configured"),
        "{msg}"
    );
    assert_no_secret(&msg);
    assert_no_secret(&format!("{err:?}"));

    // An env token on top of an M2M profile conflicts too, and says where each came from.
    let err = run(
        &profile("prod-sp"),
        &[("DATABRICKS_TOKEN", "env-token-SECRET")],
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("DATABRICKS_TOKEN") && msg.contains("profile 'prod-sp'"),
        "{msg}"
    );
    assert_no_secret(&msg);

    let r = run(&profile("both-forced"), &[]).unwrap();
    assert_eq!(r.auth_type(), "oauth-m2m");
    let r = run(&profile("both"), &[("DATABRICKS_AUTH_TYPE", "pat")]).unwrap();
    assert_eq!(token_of(&r), "dapi-both-SECRET-0005");
}

#[test]
fn host_normalisation_matches_sdk() {
    let cases = [
        (
            "dbc-x.cloud.databricks.com",
            "https://dbc-x.cloud.databricks.com",
        ),
        (
            "https://dbc-x.cloud.databricks.com/",
            "https://dbc-x.cloud.databricks.com",
        ),
        (
            "https://dbc-x.cloud.databricks.com:443",
            "https://dbc-x.cloud.databricks.com",
        ),
        ("http://127.0.0.1:5000/", "http://127.0.0.1:5000"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ];
    for (raw, want) in cases {
        let r = run(&Overrides::default(), &[("DATABRICKS_HOST", raw)]).unwrap();
        assert_eq!(r.host, want, "from {raw}");
    }
}

#[test]
fn secrets_never_in_debug_or_display() {
    let mut outputs = Vec::new();
    for name in ["DEFAULT", "prod", "prod-sp", "both-forced"] {
        let r = run(&profile(name), &[]).unwrap();
        outputs.push(format!("{r:?}"));
        outputs.push(format!("{:?}", r.credentials));
    }
    let flags = Overrides {
        host: Some("h".into()),
        token: Some(Secret::new("flag-token-SECRET")),
        ..Overrides::default()
    };
    outputs.push(format!("{flags:?}"));
    outputs.push(format!("{:?}", run(&flags, &[]).unwrap()));
    for name in ["nosuch", "nohost", "both"] {
        let err = run(&profile(name), &[]).unwrap_err();
        outputs.push(err.to_string());
        outputs.push(format!("{err:?}"));
    }
    for out in &outputs {
        assert_no_secret(out);
    }
}

#[test]
fn app_settings_merge_and_readonly_flag() {
    let env = env_of(&[]);
    let r = resolve(&profile("prod"), &env, &paths("app-valid")).unwrap();
    assert!(r.settings.production && !r.settings.readonly);
    assert_eq!(r.settings.theme.as_deref(), Some("high-contrast"));
    assert_eq!(r.settings.refresh_secs, 15);

    let r = resolve(&profile("prod-sp"), &env, &paths("app-valid")).unwrap();
    assert!(r.settings.readonly && !r.settings.production);
    assert_eq!(r.settings.theme.as_deref(), Some("dark"));
    assert_eq!(r.settings.refresh_secs, 30);

    let ov = Overrides {
        readonly: true,
        ..profile("prod")
    };
    let r = resolve(&ov, &env, &paths("app-valid")).unwrap();
    assert!(r.settings.readonly && r.settings.production);

    // No app config at all: defaults.
    let r = run(&profile("prod"), &[]).unwrap();
    assert_eq!(r.settings.refresh_secs, 30);
    assert!(!r.settings.readonly && !r.settings.production && r.settings.theme.is_none());
}

#[test]
fn app_config_unknown_key_and_broken_toml_are_errors() {
    let env = env_of(&[]);
    let err = resolve(&profile("prod"), &env, &paths("app-unknown-key")).unwrap_err();
    let msg = err.to_string();
    let file = fixture("app-unknown-key/config.toml");
    assert!(msg.starts_with(&format!("{}:6:", file.display())), "{msg}");
    assert!(msg.contains("readonyl"), "{msg}");

    let err = resolve(&profile("prod"), &env, &paths("app-broken")).unwrap_err();
    let msg = err.to_string();
    let file = fixture("app-broken/config.toml");
    assert!(
        matches!(err, ConfigError::InvalidToml { line: Some(3), .. }),
        "{msg}"
    );
    assert!(msg.starts_with(&format!("{}:3:", file.display())), "{msg}");
    assert!(!msg.contains('\n'), "{msg}");
}

#[test]
fn profiles_listing_never_shows_secrets() {
    let env = env_of(&[]);
    let (file, list) = list_profiles(&env, &paths("app-valid")).unwrap();
    assert_eq!(file, fixture("databrickscfg"));
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
    let prod = &list[1];
    assert!(prod.is_default);
    assert_eq!(
        prod.host.as_deref(),
        Some("https://dbc-prod.cloud.databricks.com")
    );
    assert_eq!(prod.auth_type, "pat");
    let table = render_profiles_table(&file, &list);
    assert_no_secret(&table);
    assert_no_secret(&format!("{list:?}"));
    assert!(
        table.contains("prod-sp") && table.contains("oauth-m2m"),
        "{table}"
    );
}

#[test]
fn azure_keys_come_from_arm_env_vars_and_skip_the_file_like_a_token() {
    let env = [
        ("DATABRICKS_HOST", "adb-1.2.azuredatabricks.net"),
        ("ARM_CLIENT_ID", "app-id"),
        ("ARM_CLIENT_SECRET", "az-SECRET-1"),
        ("ARM_TENANT_ID", "tenant-1"),
        ("AZURE_AUTHORITY_HOST", "http://127.0.0.1:9/entra"),
    ];
    let r = run(&Overrides::default(), &env).unwrap();
    // The file's DEFAULT profile (a PAT) was not read: no conflict, no profile.
    assert_eq!(r.profile, None);
    assert_eq!(r.auth_type(), "azure-client-secret");
    match &r.credentials {
        Credentials::AzureClientSecret(sp) => {
            assert_eq!(sp.client_id, "app-id");
            assert_eq!(sp.tenant_id, "tenant-1");
            assert_eq!(sp.login_endpoint, "http://127.0.0.1:9/entra/");
            assert_eq!(sp.resource, "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d");
        }
        other => panic!("{other:?}"),
    }
    assert_no_secret(&format!("{r:?}"));

    // A profile's token and a tenant id in the environment: two methods, as in the SDK.
    let err = run(&profile("prod"), &[("ARM_TENANT_ID", "tenant-1")]).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("pat (token from profile 'prod')")
            && msg.contains("azure (azure_tenant_id from ARM_TENANT_ID)"),
        "{msg}"
    );
    assert_no_secret(&msg);
    // DATABRICKS_AUTH_TYPE settles it.
    let r = run(
        &profile("prod"),
        &[
            ("ARM_TENANT_ID", "tenant-1"),
            ("DATABRICKS_AUTH_TYPE", "pat"),
        ],
    )
    .unwrap();
    assert_eq!(token_of(&r), "dapi-prod-SECRET-0002");
}

#[test]
fn databricks_cli_auth_type_points_at_the_cli_token_cache() {
    let r = run(
        &profile("prod"),
        &[
            ("DATABRICKS_AUTH_TYPE", "databricks-cli"),
            ("DATABRICKS_CLI_PATH", "/opt/databricks/bin/databricks"),
        ],
    )
    .unwrap();
    match &r.credentials {
        Credentials::DatabricksCli(cli) => {
            assert_eq!(cli.profile.as_deref(), Some("prod"));
            assert_eq!(
                cli.token_cache,
                Path::new("/nonexistent/home/.databricks/token-cache.json")
            );
            assert_eq!(
                cli.cli_path.as_deref(),
                Some(Path::new("/opt/databricks/bin/databricks"))
            );
        }
        other => panic!("{other:?}"),
    }
}
