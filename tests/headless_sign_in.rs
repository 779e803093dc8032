//! The binary signing in the ways organisations use, against the simulator: profiles with
//! `auth_type = databricks-cli`, `azure-cli` and an Azure service principal, with stand-in
//! `databricks` and `az` executables first on `PATH`; what `profiles` shows for each; the exit
//! code and message when a sign-in fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use mlops_console::sim::oauth::{
    AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_TENANT_ID, M2M_CLIENT_ID, M2M_CLIENT_SECRET,
};
use mlops_console::sim::{self, SimHandle, SimOptions, UserSignIn};
use serde_json::{Value, json};

/// Exit code of an authentication failure (README).
const AUTH: i32 = 5;
const TOKEN: &str = "/oidc/v1/token";

/// A home directory with a `.databrickscfg`, the Databricks CLI's token cache and a `bin`
/// directory put first on `PATH`.
struct Home {
    dir: tempfile::TempDir,
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Home {
    fn new(cfg: &str) -> Home {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".databrickscfg"), cfg).unwrap();
        std::fs::create_dir_all(dir.path().join("bin")).unwrap();
        Home { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn cache(&self) -> PathBuf {
        self.path().join(".databricks/token-cache.json")
    }

    fn sign_in(&self, key: &str, login: &UserSignIn) {
        let expiry = chrono::DateTime::from_timestamp_millis(login.expires_ms)
            .unwrap()
            .to_rfc3339();
        let doc = json!({"version": 1, "tokens": {key: {
            "access_token": login.access_token, "token_type": "Bearer",
            "refresh_token": login.refresh_token, "expiry": expiry}}});
        std::fs::create_dir_all(self.cache().parent().unwrap()).unwrap();
        std::fs::write(self.cache(), doc.to_string()).unwrap();
    }

    fn script(&self, name: &str, body: &str) {
        use std::os::unix::fs::PermissionsExt;
        let path = self.path().join("bin").join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    /// Runs the binary with this home, nothing of the machine's Databricks or Azure settings.
    async fn run(&self, args: &[&str]) -> Out {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mlops-console"));
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy();
            if ["DATABRICKS_", "ARM_", "AZURE_"]
                .iter()
                .any(|p| k.starts_with(p))
            {
                cmd.env_remove(k.as_ref());
            }
        }
        let path = format!(
            "{}:{}",
            self.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        cmd.env("HOME", self.path())
            .env("PATH", path)
            .env("DATABRICKS_CONFIG_FILE", self.path().join(".databrickscfg"))
            .env("MLOPS_CONSOLE_CONFIG_DIR", self.path().join("config"))
            .env("MLOPS_CONSOLE_DATA_DIR", self.path().join("data"))
            .args(args);
        let out = tokio::task::spawn_blocking(move || cmd.output().expect("binary runs"))
            .await
            .unwrap();
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

async fn sim_with_ttl(ttl_secs: u64) -> SimHandle {
    sim::start(SimOptions {
        traffic_rps: 0.0,
        token_ttl: std::time::Duration::from_secs(ttl_secs),
        ..SimOptions::default()
    })
    .await
    .unwrap()
}

fn count(sim: &SimHandle, path: &str) -> usize {
    sim.request_log().iter().filter(|r| r.path == path).count()
}

fn refused(sim: &SimHandle) -> usize {
    sim.request_log()
        .iter()
        .filter(|r| r.status == Some(401))
        .count()
}

fn ok(out: &Out) {
    assert_eq!(
        out.code, 0,
        "stdout: {}\nstderr: {}",
        out.stdout, out.stderr
    );
}

#[tokio::test]
async fn profiles_show_each_auth_type_and_never_a_secret() {
    let cfg = "\
[pat]
host  = https://dbc-1.cloud.databricks.com
token = dapi-SECRET-1
[m2m]
host          = https://dbc-1.cloud.databricks.com
client_id     = sp
client_secret = dose-SECRET-2
[cli]
host      = https://dbc-1.cloud.databricks.com
auth_type = databricks-cli
[az-sp]
host                = https://adb-1.2.azuredatabricks.net
azure_client_id     = app
azure_client_secret = az-SECRET-3
azure_tenant_id     = tenant
[az-cli]
host      = https://adb-1.2.azuredatabricks.net
auth_type = azure-cli
[az-implied]
host = https://adb-2.3.azuredatabricks.net
[signed-in]
host = https://dbc-2.cloud.databricks.com
[plain]
host = https://dbc-3.cloud.databricks.com
[mixed]
host            = https://adb-1.2.azuredatabricks.net
token           = dapi-SECRET-4
azure_tenant_id = tenant
";
    let home = Home::new(cfg);
    // `az` on PATH, and a sign-in of `databricks auth login --profile signed-in`.
    home.script("az", "exit 1");
    let login = UserSignIn {
        access_token: "at-SECRET-5".into(),
        refresh_token: "rt-SECRET-6".into(),
        expires_ms: 4_102_444_800_000,
    };
    home.sign_in("signed-in", &login);
    let out = home.run(&["profiles", "--json"]).await;
    ok(&out);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let types: Vec<(String, String)> = doc["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["auth_type"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("pat", "pat"),
        ("m2m", "oauth-m2m"),
        ("cli", "databricks-cli"),
        ("az-sp", "azure-client-secret"),
        ("az-cli", "azure-cli"),
        ("az-implied", "azure-cli"),
        ("signed-in", "databricks-cli"),
        ("plain", "none"),
        ("mixed", "conflict (pat + azure)"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    assert_eq!(types, want);
    let table = home.run(&["profiles"]).await;
    ok(&table);
    assert!(
        table.stdout.contains("azure-client-secret"),
        "{}",
        table.stdout
    );
    for text in [&out.stdout, &out.stderr, &table.stdout, &table.stderr] {
        assert!(!text.contains("SECRET"), "{text}");
    }
}

#[tokio::test]
async fn a_databricks_cli_sign_in_works_and_is_refreshed_across_processes() {
    // Tokens live two seconds: every one is due at once, so each run refreshes.
    let sim = sim_with_ttl(2).await;
    let home = Home::new(&format!(
        "[dev]\nhost = {}\nauth_type = databricks-cli\n",
        sim.base_url
    ));
    home.sign_in("dev", &sim.sign_in_user());
    for _ in 0..2 {
        ok(&home.run(&["--profile", "dev", "status"]).await);
    }
    // Each run spent the refresh token the one before wrote back.
    assert!(count(&sim, TOKEN) >= 2, "{}", count(&sim, TOKEN));
    assert_eq!(refused(&sim), 0);
}

#[tokio::test]
async fn the_databricks_cli_on_path_is_asked_and_its_failure_says_how_to_sign_in() {
    let sim = sim_with_ttl(3600).await;
    let home = Home::new(&format!(
        "[dev]\nhost = {}\nauth_type = databricks-cli\n",
        sim.base_url
    ));
    let login = sim.sign_in_user();
    let expiry = chrono::DateTime::from_timestamp_millis(login.expires_ms)
        .unwrap()
        .to_rfc3339();
    let answer = json!({"access_token": login.access_token, "token_type": "Bearer",
                        "expiry": expiry});
    home.script("databricks", &format!("cat <<'EOF'\n{answer}\nEOF"));
    ok(&home
        .run(&["--profile", "dev", "experiments", "--json"])
        .await);

    home.script(
        "databricks",
        "echo 'Error: cache: databricks OAuth is not configured for this host' >&2\nexit 1",
    );
    let out = home
        .run(&["--profile", "dev", "experiments", "--json"])
        .await;
    assert_eq!(out.code, AUTH, "{}", out.stderr);
    let host = &sim.base_url;
    assert!(
        out.stderr
            .contains(&format!("databricks-cli sign-in failed for {host}")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains(&format!("run `databricks auth login --host {host}`")),
        "{}",
        out.stderr
    );
}

#[tokio::test]
async fn an_azure_service_principal_signs_in_at_the_entra_stand_in() {
    let sim = sim_with_ttl(3600).await;
    let profile = |secret: &str| {
        format!(
            "[az]\nhost = {}\nazure_client_id = {AZURE_CLIENT_ID}\nazure_client_secret = {secret}\n\
             azure_tenant_id = {AZURE_TENANT_ID}\nazure_authority_host = {}/entra/\n",
            sim.base_url, sim.base_url
        )
    };
    let home = Home::new(&profile(AZURE_CLIENT_SECRET));
    ok(&home
        .run(&["--profile", "az", "experiments", "--json"])
        .await);
    let entra = format!("/entra/{AZURE_TENANT_ID}/oauth2/token");
    assert_eq!(count(&sim, &entra), 1);

    let home = Home::new(&profile("not~the~SECRET"));
    let out = home
        .run(&["--profile", "az", "experiments", "--json"])
        .await;
    assert_eq!(out.code, AUTH, "{}", out.stderr);
    assert!(
        out.stderr.contains("azure-client-secret sign-in failed"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("AADSTS7000215"), "{}", out.stderr);
    assert!(!out.stderr.contains("not~the~SECRET"), "{}", out.stderr);
}

#[tokio::test]
async fn the_azure_cli_on_path_is_asked_and_its_failure_says_how_to_sign_in() {
    let sim = sim_with_ttl(3600).await;
    let home = Home::new(&format!(
        "[az]\nhost = {}\nauth_type = azure-cli\n",
        sim.base_url
    ));
    let (token, expires_ms) = sim.azure_cli_token();
    let answer = json!({"accessToken": token, "expires_on": expires_ms / 1000,
                        "expiresOn": "2000-01-01 00:00:00.000000", "tokenType": "Bearer"});
    home.script("az", &format!("cat <<'EOF'\n{answer}\nEOF"));
    ok(&home
        .run(&["--profile", "az", "experiments", "--json"])
        .await);

    home.script(
        "az",
        "echo \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1",
    );
    let out = home
        .run(&["--profile", "az", "experiments", "--json"])
        .await;
    assert_eq!(out.code, AUTH, "{}", out.stderr);
    assert!(
        out.stderr.contains("azure-cli sign-in failed"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("run `az login`"), "{}", out.stderr);
}

#[tokio::test]
async fn m2m_with_short_lived_tokens_keeps_working() {
    let sim = sim_with_ttl(2).await;
    let home = Home::new(&format!(
        "[sp]\nhost = {}\nclient_id = {M2M_CLIENT_ID}\nclient_secret = {M2M_CLIENT_SECRET}\n",
        sim.base_url
    ));
    ok(&home.run(&["--profile", "sp", "status"]).await);
    assert!(count(&sim, TOKEN) >= 1);
    assert_eq!(refused(&sim), 0);
}

#[tokio::test]
async fn an_unknown_auth_type_names_the_supported_ones() {
    let home = Home::new("[x]\nhost = https://dbc-1.cloud.databricks.com\nauth_type = azure-msi\n");
    let out = home.run(&["--profile", "x", "experiments"]).await;
    assert_eq!(out.code, 8, "{}", out.stderr);
    for t in [
        "'azure-msi'",
        "'pat'",
        "'oauth-m2m'",
        "'databricks-cli'",
        "'azure-client-secret'",
        "'azure-cli'",
    ] {
        assert!(out.stderr.contains(t), "{t}: {}", out.stderr);
    }
}
