//! Top-level runs and nested ones in `runs`: by default only runs without a parent (the server
//! filters with `tags.mlflow.parentRunId IS NULL`, as the TUI asks); a server that refuses
//! `IS NULL` (older MLflow) is asked without it and the nested runs are left out here, page by
//! page. Every listed run carries its parent run id in JSON.

use serde::Serialize;

use crate::api::models::mlflow::{Run, SearchRunsRequest};
use crate::api::{ApiResult, Client, ErrorKind, JsonBody};
use crate::ops::run_filter;

use super::fetch::Reading;

/// Which runs a listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    /// Runs without a parent only (the default).
    TopLevel,
    /// Every run, nested ones included (`--nested`).
    All,
}

/// A run as `runs --json` lists it: the API's `Run` object with its parent run id beside it
/// (`null` for a top-level run).
#[derive(Debug, Serialize)]
pub struct ListedRun<'a> {
    #[serde(flatten)]
    pub run: &'a Run,
    pub parent_run_id: Option<&'a str>,
}

/// The JSON elements of `runs`.
pub fn listed(runs: &[Run]) -> Vec<ListedRun<'_>> {
    runs.iter()
        .map(|run| ListedRun {
            run,
            parent_run_id: run.parent_run_id(),
        })
        .collect()
}

/// The first page of a listing, and how the pages after it are asked for.
#[derive(Debug)]
pub struct FirstPage {
    /// Its answer, decoded as it is listed.
    pub body: JsonBody,
    /// The request the next pages repeat (with their own page token and size).
    pub req: SearchRunsRequest,
    /// The server could not filter top-level runs: nested runs are to be left out here.
    pub filter_here: bool,
}

/// Asks for the first page of `req` (the user's filter, view and order) under `nesting`. When
/// the server refuses the top-level clause (400), the user's filter is sent alone: if that is
/// refused too, the user's filter was at fault and its error is returned; else the listing
/// goes on without the clause and with full pages, the nested runs to be left out here.
pub async fn first_page(
    client: &Client,
    req: &SearchRunsRequest,
    nesting: Nesting,
    reading: Reading,
) -> ApiResult<FirstPage> {
    let ask = |top_level: bool, size: i64| SearchRunsRequest {
        filter: run_filter::compose(req.filter.as_deref(), top_level),
        max_results: Some(size),
        page_token: None,
        ..req.clone()
    };
    let server = ask(nesting == Nesting::TopLevel, reading.next_size(0));
    match client.search_runs_body(&server).await {
        Ok(body) => Ok(FirstPage {
            body,
            req: server,
            filter_here: false,
        }),
        Err(e) if nesting == Nesting::TopLevel && e.kind() == Some(ErrorKind::BadRequest) => {
            let plain = ask(false, reading.page_size as i64);
            let body = client.search_runs_body(&plain).await?;
            Ok(FirstPage {
                body,
                req: plain,
                filter_here: true,
            })
        }
        Err(e) => Err(e),
    }
}

/// How many nested runs match the user's filter of `req` when no top-level run does, read from
/// one page of `page_size`: the count, and whether the server had more.
pub async fn count_nested(
    client: &Client,
    req: &SearchRunsRequest,
    page_size: usize,
) -> ApiResult<(usize, bool)> {
    let all = SearchRunsRequest {
        filter: run_filter::compose(req.filter.as_deref(), false),
        max_results: Some(page_size as i64),
        page_token: None,
        ..req.clone()
    };
    let page = client.search_runs(&all).await?;
    let nested = page
        .runs
        .iter()
        .filter(|r| r.parent_run_id().is_some())
        .count();
    let more = page.next_page_token.is_some_and(|t| !t.is_empty());
    Ok((nested, more))
}

/// The line for a listing with no run to show: "no runs found", or, when nested runs match,
/// how many and how to see them (`more`: the count is of one page, the server had more).
pub fn nothing_found(nesting: Nesting, nested: Option<(usize, bool)>) -> String {
    match (nesting, nested) {
        (Nesting::All, _) | (Nesting::TopLevel, Some((0, false))) => "no runs found".to_string(),
        (Nesting::TopLevel, Some((n, more))) if n > 0 => {
            let plus = if more { "+" } else { "" };
            let runs = if n == 1 && !more { "run" } else { "runs" };
            format!("no top-level runs found ({n}{plus} nested {runs}: use --nested)")
        }
        (Nesting::TopLevel, _) => {
            "no top-level runs found (nested runs not counted: use --nested to list them)"
                .to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::mlflow::{KeyValue, PARENT_TAG};

    fn run(id: &str, parent: Option<&str>) -> Run {
        let mut r = Run::default();
        r.info.run_id = id.into();
        if let Some(p) = parent {
            r.data.tags = vec![KeyValue::new(PARENT_TAG, p)];
        }
        r
    }

    #[test]
    fn listed_runs_carry_their_parent_or_null() {
        let runs = [run("p", None), run("c", Some("p"))];
        let json = serde_json::to_value(listed(&runs)).unwrap();
        assert_eq!(json[0]["info"]["run_id"], "p");
        assert_eq!(json[0]["parent_run_id"], serde_json::Value::Null);
        assert_eq!(json[1]["parent_run_id"], "p");
        assert_eq!(json[1]["data"]["tags"][0]["value"], "p");
        let back: Vec<Run> = serde_json::from_value(json).unwrap();
        assert_eq!(back, runs, "still the API's Run objects");
    }

    #[test]
    fn nothing_found_says_how_many_are_nested() {
        use Nesting::*;
        assert_eq!(nothing_found(All, None), "no runs found");
        assert_eq!(nothing_found(TopLevel, Some((0, false))), "no runs found");
        assert_eq!(
            nothing_found(TopLevel, Some((40, false))),
            "no top-level runs found (40 nested runs: use --nested)"
        );
        assert_eq!(
            nothing_found(TopLevel, Some((1, false))),
            "no top-level runs found (1 nested run: use --nested)"
        );
        assert_eq!(
            nothing_found(TopLevel, Some((1000, true))),
            "no top-level runs found (1000+ nested runs: use --nested)"
        );
        assert!(nothing_found(TopLevel, None).contains("--nested"));
    }
}
