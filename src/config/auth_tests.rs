use std::collections::HashMap;

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

fn azure_sp(l: &mut Layers) {
    let p = || Origin::Profile("az".into());
    l.azure_client_id = sourced("app-id".to_string(), p());
    l.azure_client_secret = sourced(Secret::new("az-secret"), p());
    l.azure_tenant_id = sourced("tenant-1".to_string(), p());
}

/// An environment with `HOME` (and `PATH`) pointing where the test says.
fn env_with(vars: &[(&str, String)]) -> impl Fn(&str) -> Option<String> + use<> {
    let mut map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    map.entry("HOME".into())
        .or_insert_with(|| "/nonexistent/home".into());
    move |k| map.get(k).cloned()
}

fn resolve_at(l: &Layers, host: &str) -> Result<Credentials, ConfigError> {
    let env = env_with(&[]);
    credentials(
        l,
        &AuthContext {
            host,
            profile: None,
            env: &env,
        },
    )
}

const LOCAL: &str = "http://127.0.0.1:5000";
const AZURE: &str = "https://adb-1.2.azuredatabricks.net";

#[test]
fn single_methods() {
    assert_eq!(
        resolve_at(&layers(true, false, false, None), LOCAL).unwrap(),
        Credentials::Pat(Secret::new("tok-secret"))
    );
    let m2m = resolve_at(&layers(false, true, true, None), LOCAL).unwrap();
    assert_eq!(m2m.auth_type(), "oauth-m2m");
    assert_eq!(
        resolve_at(&layers(false, false, false, None), LOCAL).unwrap(),
        Credentials::None
    );
    let mut l = layers(false, false, false, None);
    azure_sp(&mut l);
    assert_eq!(
        resolve_at(&l, AZURE).unwrap().auth_type(),
        "azure-client-secret"
    );
}

#[test]
fn two_methods_without_auth_type_is_a_conflict_naming_origins() {
    let err = resolve_at(&layers(true, true, true, None), LOCAL)
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
    // As in the SDK, any `azure_*` attribute is a method of its own.
    let mut l = layers(true, false, false, None);
    l.azure_tenant_id = sourced("t".into(), Origin::Env("ARM_TENANT_ID"));
    let err = resolve_at(&l, AZURE).unwrap_err().to_string();
    assert!(
        err.contains("azure (azure_tenant_id from ARM_TENANT_ID)"),
        "{err}"
    );
    assert!(err.contains("'databricks-cli'"), "{err}");
}

#[test]
fn auth_type_forces_one() {
    let l = layers(true, true, true, Some("oauth-m2m"));
    assert_eq!(resolve_at(&l, LOCAL).unwrap().auth_type(), "oauth-m2m");
    let l = layers(true, true, true, Some("pat"));
    assert_eq!(resolve_at(&l, LOCAL).unwrap().auth_type(), "pat");
    let mut l = layers(true, false, false, Some("databricks-cli"));
    l.databricks_cli_path = sourced("~/bin/databricks".into(), Origin::Env("X"));
    match resolve_at(&l, LOCAL).unwrap() {
        Credentials::DatabricksCli(cli) => {
            assert_eq!(
                cli.token_cache,
                std::path::Path::new("/nonexistent/home/.databricks/token-cache.json")
            );
            assert_eq!(
                cli.cli_path.as_deref(),
                Some(std::path::Path::new("/nonexistent/home/bin/databricks"))
            );
        }
        other => panic!("{other:?}"),
    }
    let l = layers(false, false, false, Some(" azure-cli "));
    assert_eq!(resolve_at(&l, LOCAL).unwrap().auth_type(), "azure-cli");
}

#[test]
fn incomplete_and_unsupported() {
    let err = resolve_at(&layers(false, true, false, None), LOCAL)
        .unwrap_err()
        .to_string();
    assert!(err.contains("client_secret"), "{err}");
    let err = resolve_at(&layers(false, false, false, Some("pat")), LOCAL)
        .unwrap_err()
        .to_string();
    assert!(err.contains("token"), "{err}");
    let mut l = layers(false, false, false, Some("azure-client-secret"));
    l.azure_client_id = sourced("app".into(), Origin::Env("ARM_CLIENT_ID"));
    let err = resolve_at(&l, AZURE).unwrap_err().to_string();
    assert!(
        err.contains("azure_client_secret (ARM_CLIENT_SECRET"),
        "{err}"
    );
    let err = resolve_at(&layers(false, false, false, Some("azure-msi")), LOCAL)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("'azure-msi'") && err.contains("not supported"),
        "{err}"
    );
    for supported in crate::api::credentials::auth_type::SUPPORTED {
        assert!(err.contains(&format!("'{supported}'")), "{err}");
    }
}

#[test]
fn azure_service_principal_follows_the_host_cloud() {
    let mut l = layers(false, false, false, None);
    azure_sp(&mut l);
    let Credentials::AzureClientSecret(sp) = resolve_at(&l, AZURE).unwrap() else {
        panic!()
    };
    assert_eq!(sp.login_endpoint, "https://login.microsoftonline.com/");
    assert_eq!(sp.resource, "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d");
    assert_eq!(sp.tenant_id, "tenant-1");
    assert!(sp.management.is_none());
    let Credentials::AzureClientSecret(sp) =
        resolve_at(&l, "https://adb-1.databricks.azure.us").unwrap()
    else {
        panic!()
    };
    assert_eq!(sp.login_endpoint, "https://login.microsoftonline.us/");
    // Another host name: azure_environment, else the public cloud.
    l.azure_environment = sourced("AzureChinaCloud".into(), Origin::Env("ARM_ENVIRONMENT"));
    l.azure_workspace_resource_id = sourced(
        "/subscriptions/sub-1/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/w".into(),
        Origin::Env("DATABRICKS_AZURE_RESOURCE_ID"),
    );
    let Credentials::AzureClientSecret(sp) = resolve_at(&l, "https://dbx.corp.example").unwrap()
    else {
        panic!()
    };
    assert_eq!(sp.login_endpoint, "https://login.chinacloudapi.cn/");
    let m = sp.management.unwrap();
    assert_eq!(m.endpoint, "https://management.core.chinacloudapi.cn/");
    l.azure_environment = sourced("mars".into(), Origin::Env("ARM_ENVIRONMENT"));
    let err = resolve_at(&l, "https://dbx.corp.example")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("azure_environment") && err.contains("mars"),
        "{err}"
    );
}

#[test]
fn authority_override_is_https_or_loopback() {
    let mut l = layers(false, false, false, None);
    azure_sp(&mut l);
    let ok = [
        (
            "http://127.0.0.1:8080/entra",
            "http://127.0.0.1:8080/entra/",
        ),
        ("https://login.example.com/", "https://login.example.com/"),
    ];
    for (given, wanted) in ok {
        l.azure_authority_host = sourced(given.into(), Origin::Env("AZURE_AUTHORITY_HOST"));
        let Credentials::AzureClientSecret(sp) = resolve_at(&l, AZURE).unwrap() else {
            panic!()
        };
        assert_eq!(sp.login_endpoint, wanted);
    }
    for bad in ["http://login.example.com/", "not a url", "ftp://127.0.0.1/"] {
        l.azure_authority_host = sourced(bad.into(), Origin::Env("AZURE_AUTHORITY_HOST"));
        let err = resolve_at(&l, AZURE).unwrap_err().to_string();
        assert!(
            err.contains("azure_authority_host (from AZURE_AUTHORITY_HOST)"),
            "{err}"
        );
        assert!(!err.contains("az-secret"), "{err}");
    }
}

#[test]
fn azure_cli_takes_tenant_and_subscription() {
    let mut l = layers(false, false, false, Some("azure-cli"));
    l.azure_tenant_id = sourced("tenant-1".into(), Origin::Env("ARM_TENANT_ID"));
    l.azure_workspace_resource_id = sourced(
        "/subscriptions/sub-1/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/w".into(),
        Origin::Env("DATABRICKS_AZURE_RESOURCE_ID"),
    );
    let Credentials::AzureCli(az) = resolve_at(&l, AZURE).unwrap() else {
        panic!()
    };
    assert_eq!(az.tenant_id.as_deref(), Some("tenant-1"));
    assert_eq!(az.subscription.as_deref(), Some("sub-1"));
    assert_eq!(az.resource, "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d");
    // A tenant alone on an Azure workspace implies the Azure CLI's sign-in.
    l.auth_type = None;
    l.azure_workspace_resource_id = None;
    assert_eq!(resolve_at(&l, AZURE).unwrap().auth_type(), "azure-cli");
    assert_eq!(resolve_at(&l, LOCAL).unwrap(), Credentials::None);
}

#[test]
fn sign_ins_of_the_clis_are_implied_only_on_evidence() {
    let home = tempfile::tempdir().unwrap();
    let bin = home.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let az = bin.join("az");
    std::fs::write(&az, "#!/bin/sh\nexit 1\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let cache = home.path().join(".databricks/token-cache.json");
    std::fs::create_dir_all(cache.parent().unwrap()).unwrap();
    std::fs::write(
        &cache,
        r#"{"version":1,"tokens":{"http://127.0.0.1:5000":{"access_token":"a","expiry":"2099-01-01T00:00:00Z"},
            "dev":{"access_token":"b","expiry":"2099-01-01T00:00:00Z"}}}"#,
    )
    .unwrap();
    let home_s = home.path().to_string_lossy().into_owned();
    let path_s = bin.to_string_lossy().into_owned();
    let env = env_with(&[("HOME", home_s.clone()), ("PATH", path_s)]);
    let l = layers(false, false, false, None);
    let at = |host: &str, profile: Option<&str>| {
        let cx = AuthContext {
            host,
            profile,
            env: &env,
        };
        credentials(&l, &cx).unwrap().auth_type()
    };
    // `az` on PATH counts on an Azure workspace only.
    assert_eq!(at(AZURE, None), "azure-cli");
    // A sign-in cached for the host, or for the profile.
    assert_eq!(at(LOCAL, None), "databricks-cli");
    assert_eq!(
        at("https://dbc-1.cloud.databricks.com", Some("dev")),
        "databricks-cli"
    );
    assert_eq!(at("https://dbc-1.cloud.databricks.com", None), "none");
    // Without `az` on PATH, the Azure workspace falls to the CLI's sign-in if it has one.
    let env = env_with(&[("HOME", home_s)]);
    let cx = AuthContext {
        host: AZURE,
        profile: Some("dev"),
        env: &env,
    };
    assert_eq!(credentials(&l, &cx).unwrap().auth_type(), "databricks-cli");
    assert_eq!(label(&l, &cx), "databricks-cli");
}

#[test]
fn labels_name_the_type_or_the_conflict() {
    let env = env_with(&[]);
    let cx = AuthContext {
        host: LOCAL,
        profile: None,
        env: &env,
    };
    assert_eq!(
        label(&layers(true, true, false, None), &cx),
        "conflict (pat + oauth-m2m)"
    );
    assert_eq!(label(&layers(true, true, false, Some("pat")), &cx), "pat");
    assert_eq!(label(&layers(false, true, false, None), &cx), "oauth-m2m");
    let mut l = layers(false, false, false, None);
    azure_sp(&mut l);
    assert_eq!(label(&l, &cx), "azure-client-secret");
    assert_eq!(label(&layers(false, false, false, None), &cx), "none");
}
