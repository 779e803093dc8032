//! Reads shared by the tracking commands: an experiment by name or id, how much of a paged
//! listing to read, and every page of a metric history (run searches: `run_stream`).

use crate::api::models::mlflow::{Experiment, Metric};
use crate::api::paging::PageGuard;
use crate::api::{ApiError, ApiResult, Client, ErrorKind};

/// What a paged read brought back.
#[derive(Debug, Clone, PartialEq)]
pub struct Paged<T> {
    pub items: Vec<T>,
    /// Requests sent.
    pub pages: usize,
    /// The server had more when the limit stopped the reading.
    pub more: bool,
}

/// How much to read: at most `limit` items (all when `None`), `page_size` per request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    pub limit: Option<usize>,
    pub page_size: usize,
}

impl Reading {
    /// The size of the next request: never more than is still wanted, so `--max 5` asks for 5.
    pub(crate) fn next_size(&self, have: usize) -> i64 {
        let want = self.limit.map_or(self.page_size, |l| {
            l.saturating_sub(have).min(self.page_size)
        });
        want.max(1) as i64
    }

    /// Enough has been read.
    pub(crate) fn done(&self, have: usize) -> bool {
        self.limit.is_some_and(|l| have >= l)
    }
}

/// Follows `next_page_token` of `metrics/get-history` and returns the points ordered by step,
/// then timestamp (the server's order within a step is kept).
pub async fn metric_history(
    client: &Client,
    run_id: &str,
    key: &str,
    reading: Reading,
) -> ApiResult<Paged<Metric>> {
    let mut out = Paged {
        items: Vec::new(),
        pages: 0,
        more: false,
    };
    let mut token: Option<String> = None;
    let mut guard = PageGuard::new("metrics/get-history");
    loop {
        let size = reading.next_size(out.items.len());
        let page = client
            .get_metric_history(run_id, key, Some(size), token.as_deref())
            .await?;
        out.pages += 1;
        out.items.extend(page.metrics);
        token = guard.next(page.next_page_token)?;
        if reading.done(out.items.len()) {
            out.more = token.is_some() || reading.limit.is_some_and(|l| out.items.len() > l);
            break;
        }
        if token.is_none() {
            break;
        }
    }
    out.items.sort_by_key(|m| (m.step, m.timestamp));
    out.items.truncate(reading.limit.unwrap_or(usize::MAX));
    Ok(out)
}

/// Why an experiment could not be found.
#[derive(Debug)]
pub enum Lookup {
    /// Neither a name nor an id of any experiment.
    Missing,
    /// The server failed for another reason.
    Failed(ApiError),
}

/// True for a "no such thing" answer, not for a server without the API at all.
pub fn is_missing(e: &ApiError) -> bool {
    e.is_not_found() && !e.is_not_available()
}

pub fn is_numeric(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The experiment named `name_or_id`; when no experiment has that name and it is numeric, the
/// experiment with that id. Ids are numeric on Databricks and on open-source MLflow, so other
/// strings are only names (Databricks also answers 400 for a name that is not a path).
pub async fn experiment(client: &Client, name_or_id: &str) -> Result<Experiment, Lookup> {
    let numeric = is_numeric(name_or_id);
    match client.get_experiment_by_name(name_or_id).await {
        Ok(e) => return Ok(e),
        Err(e) if is_missing(&e) && !numeric => return Err(Lookup::Missing),
        Err(e) if is_missing(&e) || (numeric && e.kind() == Some(ErrorKind::BadRequest)) => {}
        Err(e) => return Err(Lookup::Failed(e)),
    }
    match client.get_experiment(name_or_id).await {
        Ok(e) => Ok(e),
        Err(e) if is_missing(&e) || e.kind() == Some(ErrorKind::BadRequest) => Err(Lookup::Missing),
        Err(e) => Err(Lookup::Failed(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_never_ask_for_more_than_is_wanted() {
        let r = Reading {
            limit: Some(5),
            page_size: 2,
        };
        assert_eq!(
            [0, 2, 4].map(|have| r.next_size(have)),
            [2, 2, 1],
            "5 runs in pages of 2"
        );
        assert!(r.done(5) && !r.done(4));
        let all = Reading {
            limit: None,
            page_size: 1000,
        };
        assert_eq!(all.next_size(123_456), 1000);
        assert!(!all.done(usize::MAX));
    }

    #[test]
    fn only_digits_are_ids() {
        assert!(is_numeric("1234567890123456"));
        assert!(!is_numeric("/Shared/churn/training"));
        assert!(!is_numeric("12a"));
        assert!(!is_numeric(""));
    }
}
