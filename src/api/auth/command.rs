//! Asking a CLI for a token: `databricks auth token --host H` or `az account get-access-token
//! --resource R --output json`, run without a shell, with a time limit, and their answers read.
//! The token a CLI prints is never quoted back: errors quote only what it wrote to stderr (or,
//! when that is empty, stdout of a failed run, which holds no token).

use std::ffi::OsStr;
use std::process::Stdio;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::expiry;
use crate::api::http::error_map::excerpt;
use crate::api::secret::Secret;

/// How long a CLI may take to answer unless the client options say otherwise.
pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest CLI message quoted in an error.
const MESSAGE_CHARS: usize = 300;

/// Why running a CLI gave no token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RunError {
    /// The program is not installed (or not on `PATH`).
    NotFound,
    /// It ran and failed; `message` is its stderr (or stdout) in short.
    Failed { status: String, message: String },
    /// It did not finish within the limit and was stopped.
    TimedOut(Duration),
    /// It could not be started for another reason (permissions, ...).
    Io(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::NotFound => f.write_str("not found"),
            RunError::Failed { status, message } if message.is_empty() => {
                write!(f, "failed ({status})")
            }
            RunError::Failed { status, message } => write!(f, "failed ({status}): {message}"),
            RunError::TimedOut(limit) => {
                write!(f, "gave no answer within {:.0}s", limit.as_secs_f64())
            }
            RunError::Io(e) => write!(f, "could not be started: {e}"),
        }
    }
}

/// Runs `program args` with no stdin and returns its stdout. The child is killed when the limit
/// passes (and whenever the caller stops waiting).
pub(crate) async fn run(
    program: &OsStr,
    args: &[&str],
    limit: Duration,
) -> Result<Vec<u8>, RunError> {
    let mut command = tokio::process::Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = command.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => RunError::NotFound,
        _ => RunError::Io(e.to_string()),
    })?;
    let output = match tokio::time::timeout(limit, child.wait_with_output()).await {
        Ok(Ok(output)) => output,
        Ok(Err(e)) => return Err(RunError::Io(e.to_string())),
        Err(_) => return Err(RunError::TimedOut(limit)),
    };
    if output.status.success() {
        return Ok(output.stdout);
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let said = if stderr.trim().is_empty() {
        String::from_utf8_lossy(&output.stdout).into_owned()
    } else {
        stderr.into_owned()
    };
    let status = match output.status.code() {
        Some(code) => format!("exit status {code}"),
        None => "stopped by a signal".to_string(),
    };
    Err(RunError::Failed {
        status,
        message: excerpt(&said, MESSAGE_CHARS),
    })
}

/// A token a CLI printed.
pub(crate) struct CommandToken {
    pub access: Secret,
    pub token_type: String,
    pub expiry: SystemTime,
}

/// The JSON object a CLI printed, without quoting it when it is something else.
fn object(stdout: &[u8]) -> Result<serde_json::Map<String, Value>, String> {
    match serde_json::from_slice::<Value>(stdout) {
        Ok(Value::Object(obj)) => Ok(obj),
        _ => Err(format!(
            "its output is not a JSON token ({} bytes)",
            stdout.len()
        )),
    }
}

fn text<'a>(obj: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a str> {
    obj.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// `databricks auth token` output: Go's `oauth2.Token` as JSON (`access_token`, `token_type`,
/// `expiry` in RFC 3339; `refresh_token` is ignored).
pub(crate) fn databricks_token(stdout: &[u8]) -> Result<CommandToken, String> {
    let obj = object(stdout)?;
    let access = text(&obj, "access_token").ok_or("its output has no access_token")?;
    let expiry = text(&obj, "expiry")
        .and_then(expiry::parse_rfc3339)
        .ok_or("its output has no readable expiry")?;
    Ok(CommandToken {
        access: Secret::new(access),
        token_type: text(&obj, "token_type").unwrap_or("Bearer").to_string(),
        expiry,
    })
}

/// `az account get-access-token --output json` output: `accessToken`, `tokenType`, and
/// `expires_on` or `expiresOn`.
pub(crate) fn az_token(stdout: &[u8]) -> Result<CommandToken, String> {
    let obj = object(stdout)?;
    let access = text(&obj, "accessToken").ok_or("its output has no accessToken")?;
    let expiry = expiry::az_expiry(&obj).ok_or("its output has no readable expiresOn")?;
    Ok(CommandToken {
        access: Secret::new(access),
        token_type: text(&obj, "tokenType").unwrap_or("Bearer").to_string(),
        expiry,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn reads_the_databricks_cli_answer() {
        let out = br#"{
  "access_token": "eyJ-cli-SECRET",
  "token_type": "Bearer",
  "refresh_token": "rt-SECRET",
  "expiry": "2024-05-01T12:00:00.5Z"
}"#;
        let t = databricks_token(out).unwrap();
        assert_eq!(t.access.expose(), "eyJ-cli-SECRET");
        assert_eq!(t.token_type, "Bearer");
        assert_eq!(
            t.expiry,
            UNIX_EPOCH + Duration::from_millis(1_714_564_800_500)
        );
    }

    #[test]
    fn reads_the_az_answer() {
        let out = br#"{"accessToken":"eyJ-az-SECRET","expiresOn":"2024-05-01 12:00:00.000000",
            "expires_on":1714564800,"subscription":"s","tenant":"t","tokenType":"Bearer"}"#;
        let t = az_token(out).unwrap();
        assert_eq!(t.access.expose(), "eyJ-az-SECRET");
        assert_eq!(t.expiry, UNIX_EPOCH + Duration::from_secs(1_714_564_800));
    }

    #[test]
    fn unreadable_answers_never_quote_the_output() {
        for out in [
            &b"Bearer eyJ-SECRET"[..],
            br#"{"token_type":"Bearer","note":"SECRET"}"#,
            br#"{"access_token":"eyJ-SECRET"}"#,
            br#"{"access_token":"eyJ-SECRET","expiry":"soon"}"#,
        ] {
            let e = databricks_token(out).err().unwrap();
            assert!(!e.contains("SECRET"), "{e}");
        }
        let e = az_token(br#"{"accessToken":"eyJ-SECRET"}"#).err().unwrap();
        assert!(!e.contains("SECRET") && e.contains("expiresOn"), "{e}");
    }

    #[tokio::test]
    async fn a_missing_program_is_not_found() {
        let e = run(
            OsStr::new("/nonexistent/mlops-console-no-such-cli"),
            &[],
            DEFAULT_COMMAND_TIMEOUT,
        )
        .await
        .unwrap_err();
        assert_eq!(e, RunError::NotFound);
    }
}
