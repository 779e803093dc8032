//! Every page of a run search handed to a sink as it arrives, for listings too long to hold:
//! while the sink writes one page (on a blocking thread), the next is requested and decoded.
//! At most two pages are held at once, and page N is written before page N+2 is requested.

use std::io;

use crate::api::models::mlflow::{Run, SearchRunsRequest};
use crate::api::paging::PageGuard;
use crate::api::{ApiError, Client};

use super::fetch::Reading;
use super::json_array::JsonArrayWriter;

/// Takes the pages of a listing in order, on a blocking thread.
pub trait PageSink: Send + 'static {
    fn page(&mut self, runs: Vec<Run>) -> io::Result<()>;
}

impl<W: io::Write + Send + 'static> PageSink for JsonArrayWriter<W> {
    fn page(&mut self, runs: Vec<Run>) -> io::Result<()> {
        JsonArrayWriter::page(self, &runs)
    }
}

/// What a streamed read did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Streamed {
    /// Runs handed to the sink.
    pub runs: usize,
    /// Requests sent.
    pub pages: usize,
    /// The server had more when the limit stopped the reading.
    pub more: bool,
}

/// Why a streamed read stopped early; the pages before it were handed to the sink.
#[derive(Debug)]
pub enum StreamError {
    Api(ApiError),
    /// The sink failed (e.g. the reader of stdout went away).
    Write(io::Error),
}

/// Follows `next_page_token` of `runs/search` as `fetch::search_runs` does, handing each page
/// to `sink`; the sink comes back when the listing ends.
pub async fn stream_runs<S: PageSink>(
    client: &Client,
    req: &SearchRunsRequest,
    reading: Reading,
    mut sink: S,
) -> Result<(S, Streamed), StreamError> {
    let ask = |token: Option<String>, have: usize| SearchRunsRequest {
        max_results: Some(reading.next_size(have)),
        page_token: token,
        ..req.clone()
    };
    let mut guard = PageGuard::new("runs/search");
    let mut done = Streamed {
        runs: 0,
        pages: 1,
        more: false,
    };
    let mut page = client
        .search_runs(&ask(None, 0))
        .await
        .map_err(StreamError::Api)?;
    loop {
        let mut runs = std::mem::take(&mut page.runs);
        let token = guard
            .next(page.next_page_token.take())
            .map_err(StreamError::Api)?;
        let before = done.runs;
        let have = before + runs.len();
        let next = if reading.done(have) {
            done.more = token.is_some() || reading.limit.is_some_and(|l| have > l);
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
                Some(token) => Some(client.search_runs(&ask(Some(token), have)).await),
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
