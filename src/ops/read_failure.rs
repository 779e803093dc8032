//! The error behind a result that is usable but incomplete (a list with an unreadable source,
//! an inventory with a part missing), kept so a caller can tell its kind — the credentials, the
//! host, a refusal — rather than only its text.

use crate::api::ApiError;

/// A kept [`ApiError`]; two are equal when they read the same.
#[derive(Debug, Clone)]
pub struct ReadFailure(pub ApiError);

impl PartialEq for ReadFailure {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_string() == other.0.to_string()
    }
}

impl Eq for ReadFailure {}

/// Keeps the first failure of several.
pub fn keep_first(slot: &mut Option<ReadFailure>, e: &ApiError) {
    if slot.is_none() {
        *slot = Some(ReadFailure(e.clone()));
    }
}
