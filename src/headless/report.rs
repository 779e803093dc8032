//! One-line errors of the tracking commands, with their exit codes.

use crate::api::{ApiError, ErrorKind};

use super::exit;
use super::fetch::is_missing;

/// Prints `error: {what} not found` and returns NOT_FOUND.
pub fn not_found(what: &str) -> i32 {
    crate::eprintln_escaped!("error: {what} not found");
    exit::NOT_FOUND
}

/// Prints one line for a failed read of `what` (e.g. `run 'abc'`) and returns its exit code: a
/// missing thing is named plainly; a rejected request keeps the server's own message, which is
/// what a user needs to fix a filter.
pub fn failed(what: &str, e: &ApiError) -> i32 {
    if is_missing(e) {
        return not_found(what);
    }
    match e.kind() {
        Some(ErrorKind::BadRequest) => {
            crate::eprintln_escaped!("error: the server rejected the request: {e}")
        }
        _ => crate::eprintln_escaped!("error: {e}"),
    }
    exit::for_api_error(e)
}
