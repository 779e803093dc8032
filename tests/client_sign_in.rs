//! Signing in against the simulator's token services, on the simulator's hand-moved clock:
//! OAuth M2M, the Databricks CLI's cached sign-in (refreshed through the workspace's OAuth
//! endpoint and written back), `databricks auth token` and `az account get-access-token`
//! stand-ins, and an Azure service principal at the Entra ID stand-in. Tokens expire on the
//! simulator's clock and the simulator refuses them after: calls spanning an expiry must keep
//! working, and the token requests the simulator counts show the refreshes.

mod client_support;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use client_support::{assert_hidden, options};
use mlops_console::api::auth::Clock;
use mlops_console::api::auth::azure_env::AZURE_DATABRICKS_APP_ID;
use mlops_console::api::credentials::{
    AzureCli, AzureManagement, AzureServicePrincipal, DatabricksCli,
};
use mlops_console::api::{ApiError, Client, Credentials};
use mlops_console::sim::oauth::{
    AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_TENANT_ID, M2M_CLIENT_ID, M2M_CLIENT_SECRET,
};
use mlops_console::sim::{self, SimClock, SimHandle, SimOptions, UserSignIn};
use serde_json::{Value, json};

const ME: &str = "/api/2.0/preview/scim/v2/Me";
const TOKEN: &str = "/oidc/v1/token";
const MINUTE: Duration = Duration::from_secs(60);

/// A simulator on a hand-moved clock whose tokens live an hour.
async fn sim() -> SimHandle {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    sim::start(SimOptions {
        clock: SimClock::manual(now.as_millis() as i64),
        traffic_rps: 0.0,
        ..SimOptions::default()
    })
    .await
    .unwrap()
}

fn client(sim: &SimHandle, credentials: Credentials) -> Client {
    let mut o = options(&sim.base_url, credentials);
    let clock = sim.clock.clone();
    o.clock = Clock::new(move || UNIX_EPOCH + Duration::from_millis(clock.now_ms() as u64));
    o.command_timeout = Duration::from_secs(10);
    Client::new(o).unwrap()
}

async fn me(c: &Client) -> Result<Value, ApiError> {
    c.get_json::<Value>(ME, &[]).await
}

/// `n` calls at once; every one must succeed.
async fn me_concurrently(c: &Client, n: usize) {
    let calls: Vec<_> = (0..n)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { me(&c).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
}

fn count(sim: &SimHandle, path: &str) -> usize {
    sim.request_log().iter().filter(|r| r.path == path).count()
}

fn refused(sim: &SimHandle) -> usize {
    sim.request_log()
        .iter()
        .filter(|r| r.path == ME && r.status == Some(401))
        .count()
}

fn m2m() -> Credentials {
    Credentials::OAuthM2m {
        client_id: M2M_CLIENT_ID.into(),
        client_secret: M2M_CLIENT_SECRET.into(),
    }
}

#[tokio::test]
async fn m2m_tokens_are_refreshed_before_they_expire() {
    let sim = sim().await;
    let c = client(&sim, m2m());
    assert_eq!(me(&c).await.unwrap()["userName"], "ml-eng@acme.com");
    sim.clock.advance(30 * MINUTE);
    me(&c).await.unwrap();
    assert_eq!(count(&sim, TOKEN), 1, "a fresh token is reused");
    // 45 minutes in, 15 are left: inside the stale window, so this call refreshes.
    sim.clock.advance(15 * MINUTE);
    me(&c).await.unwrap();
    assert_eq!(count(&sim, TOKEN), 2);
    // Past the first token's expiry: the simulator would refuse it; the new one is used.
    sim.clock.advance(20 * MINUTE);
    me_concurrently(&c, 6).await;
    assert_eq!(count(&sim, TOKEN), 2);
    assert_eq!(refused(&sim), 0);
    // Past the second one's: the concurrent calls share one refresh.
    sim.clock.advance(60 * MINUTE);
    me_concurrently(&c, 6).await;
    assert_eq!(count(&sim, TOKEN), 3);
    assert_eq!(refused(&sim), 0);
}

#[tokio::test]
async fn m2m_failure_names_the_auth_type_and_hides_the_secret() {
    let sim = sim().await;
    let c = client(
        &sim,
        Credentials::OAuthM2m {
            client_id: M2M_CLIENT_ID.into(),
            client_secret: "dose-wrong-SECRET".into(),
        },
    );
    let e = me(&c).await.unwrap_err();
    let shown = e.to_string();
    assert!(matches!(e, ApiError::Auth { .. }), "{e:?}");
    assert!(
        shown.contains(&format!("oauth-m2m sign-in failed for {}", sim.base_url)),
        "{shown}"
    );
    assert!(shown.contains("invalid_client"), "{shown}");
    assert!(
        shown.contains("check client_id and client_secret"),
        "{shown}"
    );
    assert_hidden(&e, &shown, "dose-wrong-SECRET");
}

/// A home directory holding the Databricks CLI's token cache.
struct CliHome {
    dir: tempfile::TempDir,
}

impl CliHome {
    fn new() -> CliHome {
        CliHome {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn cache(&self) -> PathBuf {
        self.dir.path().join(".databricks/token-cache.json")
    }

    /// Writes `sign_in` under each key, as `databricks auth login --profile P` does.
    fn write(&self, keys: &[&str], sign_in: &UserSignIn) {
        let expiry = chrono::DateTime::from_timestamp_millis(sign_in.expires_ms)
            .unwrap()
            .to_rfc3339();
        let entry = json!({"access_token": sign_in.access_token, "token_type": "Bearer",
                           "refresh_token": sign_in.refresh_token, "expiry": expiry});
        let tokens: serde_json::Map<String, Value> = keys
            .iter()
            .map(|k| (k.to_string(), entry.clone()))
            .collect();
        std::fs::create_dir_all(self.cache().parent().unwrap()).unwrap();
        let doc = json!({"version": 1, "tokens": tokens});
        std::fs::write(self.cache(), serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    }

    fn entry(&self, key: &str) -> Value {
        let doc: Value = serde_json::from_slice(&std::fs::read(self.cache()).unwrap()).unwrap();
        doc["tokens"][key].clone()
    }

    /// A stand-in executable `name` in this home's `bin`, running `body` under `sh`.
    fn script(&self, name: &str, body: &str) -> PathBuf {
        let bin = self.dir.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let path = bin.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        make_executable(&path);
        path
    }

    fn credentials(&self, profile: Option<&str>, cli: Option<PathBuf>) -> Credentials {
        let cli_path = cli.or_else(|| Some(self.dir.path().join("bin/no-databricks-here")));
        Credentials::DatabricksCli(DatabricksCli {
            profile: profile.map(str::to_string),
            cli_path,
            token_cache: self.cache(),
        })
    }
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[tokio::test]
async fn databricks_cli_sign_in_is_reused_refreshed_and_written_back() {
    let sim = sim().await;
    let home = CliHome::new();
    let login = sim.sign_in_user();
    home.write(&["dev", &sim.base_url], &login);
    let c = client(&sim, home.credentials(Some("dev"), None));
    me(&c).await.unwrap();
    sim.clock.advance(30 * MINUTE);
    me(&c).await.unwrap();
    assert_eq!(count(&sim, TOKEN), 0, "the cached sign-in is used as it is");
    // Less than five minutes left: refreshed through the discovered token endpoint.
    sim.clock.advance(27 * MINUTE);
    me(&c).await.unwrap();
    assert_eq!(
        count(&sim, "/oidc/.well-known/oauth-authorization-server"),
        1
    );
    assert_eq!(count(&sim, TOKEN), 1);
    // The rotated sign-in is written back under both keys, for the CLI to go on with.
    let by_profile = home.entry("dev");
    assert_eq!(by_profile, home.entry(&sim.base_url));
    let rotated = by_profile["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(rotated, login.refresh_token);
    assert_ne!(by_profile["access_token"], login.access_token.as_str());
    // Hours later every token so far has expired: the written-back refresh token works (the
    // first was spent), and calls before and after go through.
    for _ in 0..3 {
        sim.clock.advance(70 * MINUTE);
        me(&c).await.unwrap();
    }
    assert_eq!(count(&sim, TOKEN), 4);
    assert_eq!(refused(&sim), 0);
    // A second console (another process) picks up the sign-in written back, without a refresh.
    let other = client(&sim, home.credentials(Some("dev"), None));
    me(&other).await.unwrap();
    assert_eq!(count(&sim, TOKEN), 4);
}

#[tokio::test]
async fn databricks_cli_falls_back_to_databricks_auth_token() {
    let sim = sim().await;
    let home = CliHome::new();
    let login = sim.sign_in_user();
    let expiry = chrono::DateTime::from_timestamp_millis(login.expires_ms)
        .unwrap()
        .to_rfc3339();
    let args = home.dir.path().join("args");
    let cli = home.script(
        "databricks",
        &format!(
            "echo \"$@\" >> '{}'\ncat <<'EOF'\n{}\nEOF",
            args.display(),
            json!({"access_token": login.access_token, "token_type": "Bearer", "expiry": expiry})
        ),
    );
    // No cache file at all.
    let c = client(&sim, home.credentials(None, Some(cli)));
    me(&c).await.unwrap();
    me(&c).await.unwrap();
    let asked = std::fs::read_to_string(&args).unwrap();
    assert_eq!(asked, format!("auth token --host {}\n", sim.base_url));
    // An hour later the CLI is asked again (it refreshes its own sign-in).
    sim.clock.advance(59 * MINUTE);
    let _ = me(&c).await;
    assert_eq!(std::fs::read_to_string(&args).unwrap().lines().count(), 2);
}

#[tokio::test]
async fn databricks_cli_failure_says_how_to_sign_in_again() {
    let sim = sim().await;
    let home = CliHome::new();
    // A sign-in whose refresh token the workspace no longer takes.
    let mut login = sim.sign_in_user();
    login.refresh_token = "sim-refresh-REVOKED".into();
    home.write(&[&sim.base_url], &login);
    let cli = home.script(
        "databricks",
        "echo 'Error: cache: databricks OAuth is not configured for this host' >&2\nexit 1",
    );
    let c = client(&sim, home.credentials(None, Some(cli)));
    sim.clock.advance(61 * MINUTE);
    let e = me(&c).await.unwrap_err();
    let shown = e.to_string();
    assert!(matches!(e, ApiError::Auth { .. }), "{e:?}");
    let host = &sim.base_url;
    assert!(
        shown.contains(&format!("databricks-cli sign-in failed for {host}")),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("run `databricks auth login --host {host}`")),
        "{shown}"
    );
    assert!(shown.contains("invalid_grant"), "{shown}");
    assert!(
        shown.contains("databricks OAuth is not configured for this host"),
        "{shown}"
    );
    assert!(shown.contains("exit status 1"), "{shown}");
    assert_hidden(&e, &shown, "sim-refresh-REVOKED");
    assert_hidden(&e, &shown, &login.access_token);
    // Nothing reached the API without a token.
    assert_eq!(count(&sim, ME), 0);
}

#[tokio::test]
async fn a_databricks_cli_that_hangs_is_stopped() {
    let sim = sim().await;
    let home = CliHome::new();
    let cli = home.script("databricks", "exec sleep 30");
    let mut o = options(&sim.base_url, home.credentials(None, Some(cli)));
    o.command_timeout = Duration::from_millis(300);
    let c = Client::new(o).unwrap();
    let shown = me(&c).await.unwrap_err().to_string();
    assert!(shown.contains("gave no answer within"), "{shown}");
    assert!(shown.contains("databricks auth login"), "{shown}");
}

#[tokio::test]
async fn databricks_cli_not_installed_is_said_plainly() {
    let sim = sim().await;
    let home = CliHome::new();
    let c = client(&sim, home.credentials(None, None));
    let shown = me(&c).await.unwrap_err().to_string();
    assert!(
        shown.contains("holds no sign-in for this workspace"),
        "{shown}"
    );
    assert!(shown.contains("is not installed or not on PATH"), "{shown}");
}

#[tokio::test]
async fn refused_cached_token_is_not_taken_again() {
    let sim = sim().await;
    let home = CliHome::new();
    let mut login = sim.sign_in_user();
    let refresh = login.refresh_token.clone();
    // An access token the workspace does not know (revoked), still "valid" by its expiry.
    login.access_token = "sim-u2m-REVOKED".into();
    home.write(&[&sim.base_url], &login);
    let c = client(&sim, home.credentials(None, None));
    let e = me(&c).await.unwrap_err();
    assert!(e.to_string().contains("UNAUTHENTICATED"), "{e}");
    // The next call refreshes instead of sending the refused token again.
    me(&c).await.unwrap();
    assert_eq!(count(&sim, TOKEN), 1);
    assert_ne!(home.entry(&sim.base_url)["refresh_token"], refresh.as_str());
}

fn service_principal(sim: &SimHandle, secret: &str) -> AzureServicePrincipal {
    AzureServicePrincipal {
        client_id: AZURE_CLIENT_ID.into(),
        client_secret: secret.into(),
        tenant_id: AZURE_TENANT_ID.into(),
        login_endpoint: format!("{}/entra/", sim.base_url),
        resource: AZURE_DATABRICKS_APP_ID.into(),
        management: None,
    }
}

fn entra_path() -> String {
    format!("/entra/{AZURE_TENANT_ID}/oauth2/token")
}

#[tokio::test]
async fn azure_service_principal_tokens_come_from_entra_and_are_refreshed() {
    let sim = sim().await;
    let sp = service_principal(&sim, AZURE_CLIENT_SECRET);
    let c = client(&sim, Credentials::AzureClientSecret(sp));
    assert_eq!(me(&c).await.unwrap()["userName"], "ml-eng@acme.com");
    for _ in 0..3 {
        sim.clock.advance(50 * MINUTE);
        me(&c).await.unwrap();
    }
    assert_eq!(count(&sim, &entra_path()), 4);
    assert_eq!(refused(&sim), 0);
}

#[tokio::test]
async fn azure_service_principal_sends_a_management_token_with_the_resource_id() {
    let sim = sim().await;
    let mut sp = service_principal(&sim, AZURE_CLIENT_SECRET);
    sp.management = Some(AzureManagement {
        workspace_resource_id:
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/w".into(),
        endpoint: "https://management.core.windows.net/".into(),
    });
    let c = client(&sim, Credentials::AzureClientSecret(sp));
    me(&c).await.unwrap();
    sim.clock.advance(70 * MINUTE);
    me(&c).await.unwrap();
    // One token per resource, each refreshed once; the simulator checked the management one.
    assert_eq!(count(&sim, &entra_path()), 4);
    assert_eq!(refused(&sim), 0);
}

#[tokio::test]
async fn azure_service_principal_failure_names_the_type_and_hides_the_secret() {
    let sim = sim().await;
    let sp = service_principal(&sim, "wrong~SECRET~value");
    let c = client(&sim, Credentials::AzureClientSecret(sp));
    let e = me(&c).await.unwrap_err();
    let shown = e.to_string();
    assert!(
        shown.contains("azure-client-secret sign-in failed"),
        "{shown}"
    );
    assert!(
        shown.contains(AZURE_TENANT_ID) && shown.contains(AZURE_CLIENT_ID),
        "{shown}"
    );
    assert!(shown.contains("AADSTS7000215"), "{shown}");
    assert!(
        shown.contains("azure_client_secret (it may have expired)"),
        "{shown}"
    );
    assert_hidden(&e, &shown, "wrong~SECRET~value");
    assert_hidden(&c, &format!("{c:?}"), "wrong~SECRET~value");
}

/// An `az` stand-in that prints a token of the simulator, or fails like `az` does.
fn az(home: &CliHome, sim: &SimHandle, args_log: &Path) -> PathBuf {
    let (token, expires_ms) = sim.azure_cli_token();
    let local = chrono::DateTime::from_timestamp_millis(expires_ms)
        .unwrap()
        .with_timezone(&chrono::Local)
        .format("%Y-%m-%d %H:%M:%S%.6f");
    let answer = json!({"accessToken": token, "expiresOn": local.to_string(),
                        "subscription": "s", "tenant": AZURE_TENANT_ID, "tokenType": "Bearer"});
    home.script(
        "az",
        &format!(
            "echo \"$@\" >> '{}'\ncat <<'EOF'\n{answer}\nEOF",
            args_log.display()
        ),
    )
}

fn azure_cli(program: PathBuf) -> Credentials {
    Credentials::AzureCli(AzureCli {
        program,
        resource: AZURE_DATABRICKS_APP_ID.into(),
        tenant_id: Some(AZURE_TENANT_ID.into()),
        subscription: None,
        workspace_resource_id: None,
    })
}

#[tokio::test]
async fn azure_cli_token_is_used_until_it_is_due() {
    let sim = sim().await;
    let home = CliHome::new();
    let log = home.dir.path().join("az-args");
    let c = client(&sim, azure_cli(az(&home, &sim, &log)));
    me(&c).await.unwrap();
    me(&c).await.unwrap();
    let asked = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        asked,
        format!(
            "account get-access-token --resource {AZURE_DATABRICKS_APP_ID} --output json \
             --tenant {AZURE_TENANT_ID}\n"
        )
    );
    sim.clock.advance(45 * MINUTE);
    me(&c).await.unwrap();
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 2);
}

#[tokio::test]
async fn azure_cli_failure_says_how_to_sign_in_again() {
    let sim = sim().await;
    let home = CliHome::new();
    let az = home.script(
        "az",
        "echo \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1",
    );
    let e = me(&client(&sim, azure_cli(az))).await.unwrap_err();
    let shown = e.to_string();
    assert!(shown.contains("azure-cli sign-in failed for"), "{shown}");
    assert!(
        shown.contains("Please run 'az login' to setup account."),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("run `az login --tenant {AZURE_TENANT_ID}`")),
        "{shown}"
    );
    let missing = azure_cli(home.dir.path().join("bin/no-az"));
    let shown = me(&client(&sim, missing)).await.unwrap_err().to_string();
    assert!(
        shown.contains("`az` is not installed or not on PATH"),
        "{shown}"
    );
}
