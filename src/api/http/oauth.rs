//! OAuth tokens (reference §1.2): the token answer, its errors, and an in-memory cache that
//! refreshes ahead of expiry. The exchanges themselves live in `sign_in.rs`, which hands the
//! cache a fetch function, so the cache is tested here without a server or a real clock.

use std::future::Future;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::api::error::{ApiError, ApiResult};
use crate::api::secret::Secret;

/// Where the workspace issues tokens.
pub(crate) const TOKEN_PATH: &str = "/oidc/v1/token";

/// A token is treated as expired this long before it really expires, so a request never leaves
/// with a token that dies in flight (the SDK's 40 s).
const EXPIRY_BUFFER: Duration = Duration::from_secs(40);
/// Refreshing starts once less than min(TTL/2, this) of the lifetime remains.
const MAX_STALE_WINDOW: Duration = Duration::from_secs(20 * 60);
/// Lifetime assumed when the answer has no `expires_in` (workspace tokens live one hour).
const DEFAULT_TTL: Duration = Duration::from_secs(3600);

/// How long a token lives: a lifetime counted from when it was asked for (`expires_in`), or an
/// instant on the wall clock (a CLI's `expiry`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lifetime {
    For(Duration),
    Until(SystemTime),
}

/// An access token ready for use.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Token {
    /// `Authorization` value: `<token_type> <access_token>`.
    pub header: Secret,
    /// The bare token, kept so error texts can be scrubbed of it.
    pub access: Secret,
    pub lifetime: Lifetime,
    /// A refresh token that came with it (kept only to scrub error texts of it).
    pub refresh: Option<Secret>,
}

impl Token {
    pub(crate) fn new(token_type: &str, access: &str, lifetime: Lifetime) -> Token {
        let token_type = if token_type.trim().is_empty() {
            "Bearer"
        } else {
            token_type.trim()
        };
        Token {
            header: Secret::new(format!("{token_type} {access}")),
            access: Secret::new(access),
            lifetime,
            refresh: None,
        }
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

/// Reads a 2xx answer of the token endpoint. Never quotes the body: it holds the token.
pub(crate) fn parse_token_response(body: &str) -> ApiResult<Token> {
    let missing = || ApiError::Auth {
        message: "the token endpoint answered without an access_token".into(),
    };
    let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(body) else {
        return Err(missing());
    };
    let access = obj
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(missing)?;
    let token_type = obj
        .get("token_type")
        .and_then(Value::as_str)
        .unwrap_or("Bearer");
    let ttl = match obj.get("expires_in") {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|s| s.is_finite() && *s >= 0.0)
    .map_or(DEFAULT_TTL, |s| Duration::from_secs_f64(s.min(1e9)));
    let mut token = Token::new(token_type, access, Lifetime::For(ttl));
    token.refresh = obj
        .get("refresh_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .map(Secret::new);
    Ok(token)
}

/// The error for a non-2xx answer of the token endpoint: `{error, error_description}` (or the
/// `errorCode`/`errorSummary` some identity providers send), else the generic mapping's text.
pub(crate) fn token_error(status: u16, body: &str) -> ApiError {
    let obj = match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(obj)) => Some(obj),
        _ => None,
    };
    let field = |k: &str| {
        obj.as_ref()
            .and_then(|o| o.get(k))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let code = field("error").or_else(|| field("errorCode"));
    let description = field("error_description").or_else(|| field("errorSummary"));
    let detail = match (code, description) {
        (Some(c), Some(d)) => format!("{c}: {d}"),
        (Some(c), None) => c.to_string(),
        (None, Some(d)) => d.to_string(),
        // Not an OAuth body (an HTML page, a Databricks error): reuse the general reading.
        (None, None) => super::error_map::api_error(status, TOKEN_PATH, body).to_string(),
    };
    ApiError::Auth {
        message: format!("token request refused (HTTP {status}): {detail}"),
    }
}

/// How usable a cached token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Freshness {
    Fresh,
    /// Still valid, but due for refresh.
    Stale,
    Expired,
}

pub(crate) fn freshness(remaining: Duration, ttl: Duration) -> Freshness {
    let stale_window = (ttl / 2).min(MAX_STALE_WINDOW);
    if remaining < EXPIRY_BUFFER {
        Freshness::Expired
    } else if remaining < stale_window {
        Freshness::Stale
    } else {
        Freshness::Fresh
    }
}

struct Cached {
    token: Token,
    expires_at: SystemTime,
    /// Its whole life as seen when it was cached, for the stale window.
    ttl: Duration,
}

/// One token shared by every request of a client. The lock is held while fetching, so many
/// requests finding no usable token cause one token request, not one each.
#[derive(Default)]
pub(crate) struct TokenCache {
    slot: tokio::sync::Mutex<Option<Cached>>,
}

impl TokenCache {
    /// A usable token, fetching one when none is cached or the cached one is due.
    #[cfg(test)]
    pub(crate) async fn get<F, Fut>(&self, fetch: F) -> ApiResult<Token>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = ApiResult<Token>>,
    {
        self.get_with(SystemTime::now, fetch).await
    }

    /// [`TokenCache::get`] on the given clock.
    pub(crate) async fn get_with<C, F, Fut>(&self, clock: C, fetch: F) -> ApiResult<Token>
    where
        C: Fn() -> SystemTime,
        F: FnOnce() -> Fut,
        Fut: Future<Output = ApiResult<Token>>,
    {
        let mut slot = self.slot.lock().await;
        let now = clock();
        let state = slot.as_ref().map(|c| {
            let remaining = c.expires_at.duration_since(now).unwrap_or_default();
            (freshness(remaining, c.ttl), c.token.clone())
        });
        let previous = match state {
            Some((Freshness::Fresh, token)) => return Ok(token),
            Some((Freshness::Stale, token)) => Some(token),
            Some((Freshness::Expired, _)) | None => None,
        };
        // The lifetime counts from before the request, so the cache never overestimates it.
        match fetch().await {
            Ok(token) => {
                let expires_at = match token.lifetime {
                    Lifetime::For(ttl) => now.checked_add(ttl).unwrap_or(now),
                    Lifetime::Until(at) => at,
                };
                *slot = Some(Cached {
                    expires_at,
                    ttl: expires_at.duration_since(now).unwrap_or_default(),
                    token: token.clone(),
                });
                Ok(token)
            }
            // A stale token is still valid: keep working with it and try again next call.
            Err(e) => previous.ok_or(e),
        }
    }

    /// Forgets `used` after the server rejected it (401), unless it was already replaced.
    pub(crate) async fn invalidate(&self, used: &Secret) {
        let mut slot = self.slot.lock().await;
        if slot.as_ref().is_some_and(|c| &c.token.header == used) {
            *slot = None;
        }
    }
}

#[cfg(test)]
#[path = "oauth_tests.rs"]
mod tests;
