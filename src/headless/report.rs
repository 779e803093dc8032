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

/// One line and the exit code for a read that came back incomplete because of `e`: an error
/// that fails every request (the credentials, the host, the server) is told as it is, once;
/// otherwise `summary` says what is missing. Never "not found" or "usage": the user asked for
/// nothing that is missing and gave nothing wrong.
pub fn incomplete(summary: &str, e: &ApiError) -> i32 {
    if e.fails_every_request() {
        crate::eprintln_escaped!("error: {e}");
    } else {
        crate::eprintln_escaped!("error: {summary}");
    }
    match exit::for_api_error(e) {
        exit::NOT_FOUND | exit::USAGE => exit::FAILURE,
        code => code,
    }
}
