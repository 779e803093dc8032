//! Load state of one remote resource: data, when it arrived, the request in flight, the last
//! error. Data survives errors, so a failed refresh never blanks a table (the error shows beside
//! the stale rows).

/// Issued by `update` for every fetch; results carry it back. Only the newest id of a resource
/// is accepted ("latest request wins").
pub type RequestId = u64;

/// Why the last load failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// The server does not offer this API (e.g. Unity Catalog on open-source MLflow).
    NotAvailable,
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Remote<T> {
    pub data: Option<T>,
    /// When `data` last arrived (ms since the epoch).
    pub loaded_at: Option<i64>,
    /// When the last answer (data or error) arrived: the periodic refresh counts from here.
    pub answered_at: Option<i64>,
    pub pending: Option<RequestId>,
    pub error: Option<LoadError>,
}

impl<T> Default for Remote<T> {
    fn default() -> Self {
        Remote {
            data: None,
            loaded_at: None,
            answered_at: None,
            pending: None,
            error: None,
        }
    }
}

/// What happened to an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accepted {
    /// Not the newest request: dropped.
    Stale,
    Ok,
    /// A new error (or a different one): worth a toast. Repeats of the same error are
    /// `QuietError` so a periodic refresh against a dead server does not toast every interval.
    NewError(String),
    QuietError,
}

impl<T> Remote<T> {
    pub fn is_loading(&self) -> bool {
        self.pending.is_some()
    }

    /// Answered at least once and nothing in flight.
    pub fn is_settled(&self) -> bool {
        self.pending.is_none() && self.answered_at.is_some()
    }

    pub fn is_unavailable(&self) -> bool {
        self.error == Some(LoadError::NotAvailable)
    }

    /// Marks `req` as the request whose answer will be accepted.
    pub fn start(&mut self, req: RequestId) {
        self.pending = Some(req);
    }

    /// Whether a new load is due: never asked, or the last answer is `every_ms` old. APIs the
    /// server lacks are not polled again (only an explicit refresh retries them).
    pub fn is_due(&self, now_ms: i64, every_ms: Option<i64>) -> bool {
        if self.pending.is_some() {
            return false;
        }
        match (self.answered_at, every_ms) {
            (None, _) => true,
            (Some(_), _) if self.is_unavailable() => false,
            (Some(at), Some(every)) => now_ms.saturating_sub(at) >= every,
            (Some(_), None) => false,
        }
    }

    /// Applies the answer to request `req` with `apply` (which may merge pages), if it is current.
    pub fn accept<U, E: Into<LoadError>>(
        &mut self,
        req: RequestId,
        at_ms: i64,
        result: Result<U, E>,
        apply: impl FnOnce(&mut Option<T>, U),
    ) -> Accepted {
        match result {
            Ok(value) => {
                if self.pending != Some(req) {
                    return Accepted::Stale;
                }
                self.pending = None;
                self.answered_at = Some(at_ms);
                apply(&mut self.data, value);
                self.loaded_at = Some(at_ms);
                self.error = None;
                Accepted::Ok
            }
            Err(e) => self.fail(req, at_ms, e.into()),
        }
    }

    /// Records that request `req` failed (kept data stays), if it is current.
    pub fn fail(&mut self, req: RequestId, at_ms: i64, e: LoadError) -> Accepted {
        if self.pending != Some(req) {
            return Accepted::Stale;
        }
        self.pending = None;
        self.answered_at = Some(at_ms);
        let repeat = self.error.as_ref() == Some(&e);
        let out = match (&e, repeat) {
            (LoadError::NotAvailable, _) | (_, true) => Accepted::QuietError,
            (LoadError::Failed(m), false) => Accepted::NewError(m.clone()),
        };
        self.error = Some(e);
        out
    }
}

impl From<crate::api::ApiError> for LoadError {
    fn from(e: crate::api::ApiError) -> Self {
        if e.is_not_available() {
            LoadError::NotAvailable
        } else {
            LoadError::Failed(e.to_string())
        }
    }
}

/// Replaces the data (the usual `apply`).
pub fn replace<T>(slot: &mut Option<T>, value: T) {
    *slot = Some(value);
}

/// How many of a room's requests are in flight, from its flags.
pub fn in_flight(flags: &[bool]) -> usize {
    flags.iter().filter(|b| **b).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_newest_request_is_accepted_and_errors_keep_data() {
        let mut r: Remote<u32> = Remote::default();
        r.start(1);
        r.start(2);
        assert_eq!(
            r.accept(1, 10, Ok::<_, LoadError>(7), replace),
            Accepted::Stale
        );
        assert_eq!(r.data, None);
        assert_eq!(
            r.accept(2, 20, Ok::<_, LoadError>(8), replace),
            Accepted::Ok
        );
        assert_eq!((r.data, r.loaded_at), (Some(8), Some(20)));

        r.start(3);
        let e = || Err::<u32, _>(LoadError::Failed("boom".into()));
        assert_eq!(
            r.accept(3, 30, e(), replace),
            Accepted::NewError("boom".into())
        );
        assert_eq!(r.data, Some(8), "stale data stays");
        assert_eq!(r.loaded_at, Some(20));
        r.start(4);
        assert_eq!(r.accept(4, 40, e(), replace), Accepted::QuietError);
    }

    #[test]
    fn due_follows_the_last_answer_and_skips_unavailable_apis() {
        let mut r: Remote<u32> = Remote::default();
        assert!(r.is_due(0, None));
        r.start(1);
        assert!(!r.is_due(0, Some(1)));
        r.accept(1, 1_000, Err::<u32, _>(LoadError::NotAvailable), replace);
        assert!(r.is_settled());
        assert!(!r.is_due(100_000, Some(10_000)));

        let mut r: Remote<u32> = Remote::default();
        r.start(1);
        r.accept(1, 1_000, Ok::<_, LoadError>(1), replace);
        assert!(!r.is_due(5_000, Some(10_000)));
        assert!(r.is_due(11_000, Some(10_000)));
        assert!(!r.is_due(11_000, None));
    }
}
