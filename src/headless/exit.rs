//! Exit codes of the binary, shared by every headless command (documented in the README).

use crate::api::{ApiError, ErrorKind};

pub const OK: i32 = 0;
/// Anything not covered below (network unreachable, server error, bad answer).
pub const FAILURE: i32 = 1;
/// Bad command line (clap's own code).
pub const USAGE: i32 = 2;
pub const NOT_FOUND: i32 = 3;
pub const CONFLICT_OR_PERMISSION: i32 = 4;
pub const AUTH: i32 = 5;
/// A change was sent but reading it back did not show it (or its outcome is unknown).
pub const VERIFY_FAILED: i32 = 6;
/// A canary gate failed (and traffic was rolled back).
pub const GATE_FAILED: i32 = 7;
/// Broken or incomplete configuration (missing profile, unreadable file, no host).
pub const CONFIG: i32 = 8;

/// The exit code for a client error.
pub fn for_api_error(e: &ApiError) -> i32 {
    match e {
        ApiError::Api { kind, .. } => match kind {
            ErrorKind::NotFound => NOT_FOUND,
            ErrorKind::Conflict | ErrorKind::PermissionDenied => CONFLICT_OR_PERMISSION,
            ErrorKind::Unauthenticated => AUTH,
            ErrorKind::BadRequest => USAGE,
            _ => FAILURE,
        },
        ApiError::Refused { source, .. } => for_api_error(source),
        ApiError::Auth { .. } => AUTH,
        ApiError::ReadOnly { .. } => CONFLICT_OR_PERMISSION,
        ApiError::Setup { .. } => CONFIG,
        _ => FAILURE,
    }
}
