//! The Databricks CLI's token cache, `~/.databricks/token-cache.json`, written by
//! `databricks auth login`:
//!
//! ```json
//! {"version": 1, "tokens": {"<key>": {"access_token": "…", "token_type": "Bearer",
//!                                      "refresh_token": "…", "expiry": "<RFC 3339>"}}}
//! ```
//!
//! A workspace sign-in is keyed by the profile name (newer CLIs) and by the host URL
//! (`https://adb-1.2.azuredatabricks.net`, no trailing slash; older CLIs, and newer ones too by
//! default). A refresh token is written back under every key that held it, so the CLI keeps
//! working with the rotated one; the CLI's lock file (`token-cache.lock`, beside the cache) is
//! held while doing so.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::{Map, Value};

use super::expiry;
use crate::api::secret::Secret;

const VERSION: u64 = 1;

/// The lock file the Databricks CLI holds while refreshing.
pub(crate) fn lock_path(cache: &Path) -> PathBuf {
    cache.with_file_name("token-cache.lock")
}

/// The cache keys for a workspace sign-in, in the order they are tried.
pub(crate) fn keys(profile: Option<&str>, host: &str) -> Vec<String> {
    let mut keys: Vec<String> = profile
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .into_iter()
        .collect();
    keys.push(host_key(host));
    keys
}

/// The host key as the CLI writes it: scheme included (`https://` when missing), no trailing
/// slash.
pub(crate) fn host_key(host: &str) -> String {
    let host = host.trim().trim_end_matches('/');
    if host.starts_with("http://") || host.starts_with("https://") {
        host.to_string()
    } else {
        format!("https://{host}")
    }
}

/// A sign-in found in the cache.
#[derive(Clone)]
pub(crate) struct CachedSignIn {
    /// The key it was found under.
    pub key: String,
    pub access: Secret,
    pub token_type: String,
    pub refresh: Option<Secret>,
    pub expiry: Option<SystemTime>,
}

impl std::fmt::Debug for CachedSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedSignIn")
            .field("key", &self.key)
            .field("expiry", &self.expiry)
            .field("has_refresh_token", &self.refresh.is_some())
            .finish_non_exhaustive()
    }
}

/// Reads the cache; `Ok(None)` when the file does not exist.
fn load(path: &Path) -> Result<Option<Map<String, Value>>, String> {
    let text = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let Ok(Value::Object(root)) = serde_json::from_slice::<Value>(&text) else {
        return Err(format!(
            "{} is not a token cache (not JSON)",
            path.display()
        ));
    };
    match root.get("version").and_then(Value::as_u64) {
        Some(VERSION) => Ok(Some(root)),
        other => Err(format!(
            "{} has token cache version {}, expected {VERSION}",
            path.display(),
            other.map_or("none".to_string(), |v| v.to_string())
        )),
    }
}

fn entry(root: &Map<String, Value>, key: &str) -> Option<CachedSignIn> {
    let obj = root.get("tokens")?.get(key)?.as_object()?;
    let text = |k: &str| {
        obj.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    Some(CachedSignIn {
        key: key.to_string(),
        access: Secret::new(text("access_token")?),
        token_type: text("token_type").unwrap_or_else(|| "Bearer".to_string()),
        refresh: text("refresh_token").map(Secret::new),
        expiry: text("expiry").and_then(|e| expiry::parse_rfc3339(&e)),
    })
}

/// The first sign-in found under `keys`.
pub(crate) fn lookup(path: &Path, keys: &[String]) -> Result<Option<CachedSignIn>, String> {
    let Some(root) = load(path)? else {
        return Ok(None);
    };
    Ok(keys.iter().find_map(|k| entry(&root, k)))
}

/// Whether the cache holds a sign-in under any of `keys` (for choosing an auth type; an
/// unreadable cache holds none).
pub(crate) fn has_sign_in(path: &Path, keys: &[String]) -> bool {
    matches!(lookup(path, keys), Ok(Some(_)))
}

/// A refreshed sign-in to write back.
pub(crate) struct Refreshed<'a> {
    pub access: &'a Secret,
    pub token_type: &'a str,
    pub refresh: &'a Secret,
    pub expiry: SystemTime,
}

/// Writes `new` under every key of `keys` whose entry still holds the refresh token `old`
/// (the keys the CLI dual-writes). Atomic: a temporary file beside the cache, then a rename,
/// readable by the owner only.
pub(crate) fn store(
    path: &Path,
    keys: &[String],
    old: &Secret,
    new: &Refreshed<'_>,
) -> Result<(), String> {
    let mut root = load(path)?.ok_or_else(|| format!("{} disappeared", path.display()))?;
    let Some(Value::Object(tokens)) = root.get_mut("tokens") else {
        return Err(format!("{} has no tokens", path.display()));
    };
    let mut written = 0;
    for key in keys {
        let Some(Value::Object(obj)) = tokens.get_mut(key) else {
            continue;
        };
        if obj.get("refresh_token").and_then(Value::as_str) != Some(old.expose()) {
            continue;
        }
        obj.insert("access_token".into(), new.access.expose().into());
        obj.insert("token_type".into(), new.token_type.into());
        obj.insert("refresh_token".into(), new.refresh.expose().into());
        obj.insert("expiry".into(), expiry::to_rfc3339(new.expiry).into());
        // A lifetime relative to the old token would now be wrong.
        obj.remove("expires_in");
        written += 1;
    }
    if written == 0 {
        return Ok(());
    }
    let text = serde_json::to_vec_pretty(&Value::Object(root))
        .map_err(|e| format!("cannot encode the token cache: {e}"))?;
    write_atomically(path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_file_name(format!(
        ".token-cache-{}-{}.tmp",
        std::process::id(),
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos())
    ));
    let result = (|| {
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The CLI's advisory lock, held until dropped.
pub(crate) struct CacheLock {
    _file: File,
}

/// Takes the lock if it is free: `Ok(None)` while another process holds it.
pub(crate) fn try_lock(cache: &Path) -> std::io::Result<Option<CacheLock>> {
    let path = lock_path(cache);
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).read(true).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(CacheLock { _file: file })),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => Err(e),
    }
}

#[cfg(test)]
#[path = "cli_cache_tests.rs"]
mod tests;
