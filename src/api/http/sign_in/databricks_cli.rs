//! The Databricks CLI's sign-in: its cached token, refreshed through the workspace's OAuth
//! endpoint and written back for the CLI, else `databricks auth token --host H`.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use reqwest::{Method, Url};

use super::super::oauth::{Lifetime, Token};
use super::super::retry::Replay;
use super::super::{Body, Call, CallAuth, Inner, JSON, setup};
use super::{auth_error, describe_run, detail};
use crate::api::auth::{cli_cache, command};
use crate::api::credentials::DatabricksCli;
use crate::api::error::ApiResult;
use crate::api::secret::Secret;

/// Where a workspace describes its OAuth endpoints.
const OIDC_DISCOVERY: &str = "/oidc/.well-known/oauth-authorization-server";
/// The public OAuth client of the Databricks CLI, which issued its refresh tokens.
const CLI_CLIENT_ID: &str = "databricks-cli";
/// A token from the CLI's cache is refreshed once less than this is left of it.
const CACHED_TOKEN_MARGIN: Duration = Duration::from_secs(5 * 60);
/// How long to wait for another process that is refreshing the CLI's sign-in.
const LOCK_WAIT: Duration = Duration::from_secs(5);

impl Inner {
    /// The Databricks CLI's sign-in: its cached token while it has time left, else refreshed
    /// through the workspace's OAuth endpoint (and written back for the CLI), else whatever
    /// `databricks auth token --host H` answers.
    pub(super) async fn cli_token(
        &self,
        cli: &DatabricksCli,
        endpoint: &tokio::sync::OnceCell<Url>,
        rejected: &Mutex<Vec<Secret>>,
    ) -> ApiResult<Token> {
        let keys = cli_cache::keys(cli.profile.as_deref(), &self.base);
        let usable = |found: &cli_cache::CachedSignIn| {
            let refused = rejected.lock().unwrap_or_else(|p| p.into_inner());
            !refused.contains(&found.access)
                && found.expiry.is_some_and(|at| {
                    at.duration_since(self.options.clock.now())
                        .is_ok_and(|left| left > CACHED_TOKEN_MARGIN)
                })
        };
        let mut problems = Vec::new();
        match cli_cache::lookup(&cli.token_cache, &keys) {
            Ok(Some(found)) if usable(&found) => return Ok(cached_token(&found)),
            Ok(Some(found)) if found.refresh.is_some() => {
                match self
                    .refresh_cli_sign_in(cli, &keys, endpoint, &usable)
                    .await
                {
                    Ok(token) => return Ok(token),
                    Err(e) => problems.push(format!(
                        "refreshing its cached sign-in failed: {}",
                        detail(&e)
                    )),
                }
            }
            Ok(Some(_)) => problems.push("its cached sign-in has expired".to_string()),
            Ok(None) => problems.push(format!(
                "{} holds no sign-in for this workspace",
                cli.token_cache.display()
            )),
            Err(e) => problems.push(e),
        }
        let program = cli
            .cli_path
            .clone()
            .unwrap_or_else(|| PathBuf::from("databricks"));
        let args = ["auth", "token", "--host", &self.base];
        let shown = format!("databricks auth token --host {}", self.base);
        match command::run(program.as_os_str(), &args, self.options.command_timeout).await {
            Ok(stdout) => match command::databricks_token(&stdout) {
                Ok(t) if t.expiry > self.options.clock.now() => {
                    return Ok(Token::new(
                        &t.token_type,
                        t.access.expose(),
                        Lifetime::Until(t.expiry),
                    ));
                }
                Ok(_) => problems.push(format!("`{shown}` gave an expired token")),
                Err(e) => problems.push(format!("`{shown}`: {e}")),
            },
            Err(e) => problems.push(describe_run("databricks", &shown, &e)),
        }
        Err(auth_error(problems.join("; ")))
    }

    /// Exchanges the cached refresh token, holding the CLI's lock so that the CLI and this
    /// console never both spend the same refresh token, and writes the new sign-in back.
    async fn refresh_cli_sign_in(
        &self,
        cli: &DatabricksCli,
        keys: &[String],
        endpoint: &tokio::sync::OnceCell<Url>,
        usable: &(dyn Fn(&cli_cache::CachedSignIn) -> bool + Sync),
    ) -> ApiResult<Token> {
        let _lock = lock_cache(&cli.token_cache).await?;
        // Another process may have refreshed while we waited.
        let found = cli_cache::lookup(&cli.token_cache, keys)
            .map_err(auth_error)?
            .ok_or_else(|| auth_error("the cached sign-in disappeared".to_string()))?;
        if usable(&found) {
            return Ok(cached_token(&found));
        }
        let Some(old_refresh) = found.refresh.clone() else {
            return Err(auth_error("the cached sign-in has no refresh token".into()));
        };
        // The token endpoint may quote it back in an error.
        self.remember_secret(&old_refresh);
        let url = endpoint
            .get_or_try_init(|| self.discover_token_endpoint())
            .await?
            .clone();
        let form = vec![
            ("grant_type", "refresh_token".to_string()),
            ("refresh_token", old_refresh.expose().to_string()),
            ("client_id", CLI_CLIENT_ID.to_string()),
        ];
        let path = url.path().to_string();
        let mut token = self.token_request(Some(url), &path, None, form).await?;
        let now = self.options.clock.now();
        let expiry = match token.lifetime {
            Lifetime::For(ttl) => now.checked_add(ttl).unwrap_or(now),
            Lifetime::Until(at) => at,
        };
        token.lifetime = Lifetime::Until(expiry);
        let new_refresh = token.refresh.clone().unwrap_or(old_refresh.clone());
        let token_type = token
            .header
            .expose()
            .split_once(' ')
            .map_or("Bearer", |(t, _)| t)
            .to_string();
        let refreshed = cli_cache::Refreshed {
            access: &token.access,
            token_type: &token_type,
            refresh: &new_refresh,
            expiry,
        };
        // Without the write-back the CLI would hold a spent refresh token; the sign-in in
        // hand still works, so a failure here does not fail the request.
        let _ = cli_cache::store(&cli.token_cache, keys, &old_refresh, &refreshed);
        token.refresh = Some(new_refresh);
        Ok(token)
    }

    /// The workspace's token endpoint, from its OAuth metadata; it must be on the workspace's
    /// own origin, since the refresh token is sent there.
    async fn discover_token_endpoint(&self) -> ApiResult<Url> {
        let metadata: serde_json::Value = self
            .json(Call {
                method: Method::GET,
                path: OIDC_DISCOVERY,
                url: None,
                auth: CallAuth::Anonymous,
                query: &[],
                body: Body::Empty,
                accept: JSON,
                keep_headers: &[],
                replay: Replay::Safe,
                fixed_read: false,
            })
            .await?;
        let raw = metadata
            .get("token_endpoint")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| auth_error(format!("{OIDC_DISCOVERY} names no token_endpoint")))?;
        let url = Url::parse(raw)
            .map_err(|_| auth_error(format!("{OIDC_DISCOVERY} names an invalid token_endpoint")))?;
        let base = Url::parse(&self.base).map_err(|e| setup(e.to_string()))?;
        if url.origin() != base.origin() {
            return Err(auth_error(format!(
                "{OIDC_DISCOVERY} names a token endpoint on another host ({})",
                url.origin().ascii_serialization()
            )));
        }
        Ok(url)
    }
}

fn cached_token(found: &cli_cache::CachedSignIn) -> Token {
    let expiry = found.expiry.unwrap_or(std::time::UNIX_EPOCH);
    let mut token = Token::new(
        &found.token_type,
        found.access.expose(),
        Lifetime::Until(expiry),
    );
    token.refresh = found.refresh.clone();
    token
}

/// Takes the CLI's lock on its token cache, waiting a little for another holder. A lock file
/// that cannot be opened (a read-only home) is no reason to fail: go on without it.
async fn lock_cache(cache: &std::path::Path) -> ApiResult<Option<cli_cache::CacheLock>> {
    let step = Duration::from_millis(20);
    let mut waited = Duration::ZERO;
    loop {
        match cli_cache::try_lock(cache) {
            Ok(Some(lock)) => return Ok(Some(lock)),
            Err(_) => return Ok(None),
            Ok(None) if waited >= LOCK_WAIT => {
                return Err(auth_error(format!(
                    "{} stayed locked by another process",
                    cli_cache::lock_path(cache).display()
                )));
            }
            Ok(None) => {
                tokio::time::sleep(step).await;
                waited += step;
            }
        }
    }
}
