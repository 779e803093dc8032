//! Every page of a run search handed to a sink as it arrives, for listings too long to hold:
//! while the sink writes one page (on a blocking thread), the next is requested and decoded.
//! At most two pages are held at once, and page N is written before page N+2 is requested.

use std::io;

use crate::api::models::mlflow::{Run, SearchRunsRequest};
use crate::api::paging::PageGuard;
use crate::api::{ApiError, Client};

use super::fetch::Reading;
use super::json_array::JsonArrayWriter;
use super::run_nesting::{self, Nesting};

/// Takes the pages of a listing in order, on a blocking thread.
pub trait PageSink: Send + 'static {
    fn page(&mut self, runs: Vec<Run>) -> io::Result<()>;
}

/// `runs --json`: each run with its parent run id (see [`run_nesting::ListedRun`]).
impl<W: io::Write + Send + 'static> PageSink for JsonArrayWriter<W> {
    fn page(&mut self, runs: Vec<Run>) -> io::Result<()> {
        JsonArrayWriter::page(self, &run_nesting::listed(&runs))
    }
}

/// Every run kept, for a table (which needs them all to size its columns).
impl PageSink for Vec<Run> {
    fn page(&mut self, runs: Vec<Run>) -> io::Result<()> {
        self.extend(runs);
        Ok(())
    }
}

/// Whether more runs match than the limit let through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum More {
    No,
    Yes,
    /// The server had more pages, but they were not read: with nested runs left out here, none
    /// of them may be a run to show.
    Maybe,
}

/// What a streamed read did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Streamed {
    /// Runs handed to the sink.
    pub runs: usize,
    /// Pages read.
    pub pages: usize,
    pub more: More,
    /// The server could not filter top-level runs: they were picked out here.
    pub filtered_here: bool,
    /// Nested runs read and left out here (all of them when the listing was read to its end).
    pub left_out: usize,
}

/// Why a streamed read stopped early; the pages before it were handed to the sink.
#[derive(Debug)]
pub enum StreamError {
    Api(ApiError),
    /// The sink failed (e.g. the reader of stdout went away).
    Write(io::Error),
}

/// Follows `next_page_token` of `runs/search` for `req` (the user's experiments, filter, view
/// and order; its size and token are replaced) under `nesting`, handing each page to `sink`;
/// the sink comes back when the listing ends. With `limit`, each request asks for no more than
/// is still wanted, unless nested runs are left out here (then for full pages).
pub async fn stream_runs<S: PageSink>(
    client: &Client,
    req: &SearchRunsRequest,
    nesting: Nesting,
    reading: Reading,
    mut sink: S,
) -> Result<(S, Streamed), StreamError> {
    let first = run_nesting::first_page(client, req, nesting, reading)
        .await
        .map_err(StreamError::Api)?;
    let filter_here = first.filter_here;
    let size = |have: usize| match filter_here {
        true => reading.page_size as i64,
        false => reading.next_size(have),
    };
    let ask = |token: String, have: usize| SearchRunsRequest {
        max_results: Some(size(have)),
        page_token: Some(token),
        ..first.req.clone()
    };
    let mut guard = PageGuard::new("runs/search");
    let mut done = Streamed {
        runs: 0,
        pages: 1,
        more: More::No,
        filtered_here: filter_here,
        left_out: 0,
    };
    let mut page = first.page;
    loop {
        let mut runs = std::mem::take(&mut page.runs);
        if filter_here {
            let read = runs.len();
            runs.retain(|r| r.parent_run_id().is_none());
            done.left_out += read - runs.len();
        }
        let token = guard
            .next(page.next_page_token.take())
            .map_err(StreamError::Api)?;
        let before = done.runs;
        let have = before + runs.len();
        let next = if reading.done(have) {
            done.more = match (reading.limit.is_some_and(|l| have > l), &token) {
                (true, _) => More::Yes,
                (false, Some(_)) if filter_here => More::Maybe,
                (false, Some(_)) => More::Yes,
                (false, None) => More::No,
            };
            runs.truncate(
                reading
                    .limit
                    .map_or(usize::MAX, |l| l.saturating_sub(before)),
            );
            None
        } else {
            token
        };
        done.runs += runs.len();
        let written = tokio::task::spawn_blocking(move || {
            let result = sink.page(runs);
            (sink, result)
        });
        let fetched = async {
            match next {
                Some(token) => Some(client.search_runs(&ask(token, have)).await),
                None => None,
            }
        };
        let (written, fetched) = tokio::join!(written, fetched);
        let (back, result) = written.map_err(|e| StreamError::Write(io::Error::other(e)))?;
        sink = back;
        result.map_err(StreamError::Write)?;
        match fetched {
            None => return Ok((sink, done)),
            Some(Ok(p)) => {
                done.pages += 1;
                page = p;
            }
            Some(Err(e)) => return Err(StreamError::Api(e)),
        }
    }
}
