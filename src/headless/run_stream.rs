//! Every page of a run search handed to a sink as it is read, for listings too long to hold.
//! Two threads share the work: one decodes a page (see [`run_page`]) and hands its runs on in
//! batches; the other (the sink's) formats and writes them as they come, and writes the page
//! once it was read to its end. While the sink finishes a page, the next one is requested (a
//! listing read to its end asks for it while the page is still decoded). The batches on their
//! way are bounded, so at most three pages are held at once: the one written, the one decoded
//! and the one asked for.

use std::io;
use std::sync::mpsc::{self, Receiver, Sender};

use crate::api::models::mlflow::{Run, SearchRunsRequest};
use crate::api::paging::PageGuard;
use crate::api::{ApiError, Client, JsonBody};

use super::fetch::Reading;
use super::json_array::JsonArrayWriter;
use super::run_nesting::{self, Nesting};
use super::run_page::{self, Keep, PageRead, Pipe, ToSink};

/// Batches of runs on their way to the sink at most.
const IN_FLIGHT: usize = 8;

/// Takes the pages of a listing in order, run by run, on a thread of its own.
pub trait PageSink: Send + 'static {
    /// Takes more runs of the page being read; gives back what is left of `runs`, to be
    /// dropped on the thread that decoded them.
    fn push(&mut self, runs: Vec<Run>) -> io::Result<Vec<Run>>;
    /// The page was read to its end: it is part of the listing.
    fn commit(&mut self) -> io::Result<()>;
    /// The page is read again from its start, or the listing stops: drop what it gave.
    fn discard(&mut self);
}

/// `runs --json`: each run with its parent run id (see [`run_nesting::ListedRun`]).
impl<W: io::Write + Send + 'static> PageSink for JsonArrayWriter<W> {
    fn push(&mut self, runs: Vec<Run>) -> io::Result<Vec<Run>> {
        JsonArrayWriter::push(self, &run_nesting::listed(&runs))?;
        Ok(runs)
    }

    fn commit(&mut self) -> io::Result<()> {
        JsonArrayWriter::commit(self)
    }

    fn discard(&mut self) {
        JsonArrayWriter::discard(self)
    }
}

/// Every run kept, for a table (which needs them all to size its columns).
#[derive(Debug, Default)]
pub struct Gathered {
    runs: Vec<Run>,
    /// Runs of pages read to their end.
    committed: usize,
}

impl Gathered {
    pub fn into_runs(mut self) -> Vec<Run> {
        self.runs.truncate(self.committed);
        self.runs
    }
}

impl PageSink for Gathered {
    fn push(&mut self, mut runs: Vec<Run>) -> io::Result<Vec<Run>> {
        self.runs.append(&mut runs);
        Ok(runs)
    }

    fn commit(&mut self) -> io::Result<()> {
        self.committed = self.runs.len();
        Ok(())
    }

    fn discard(&mut self) {
        self.runs.truncate(self.committed);
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
    sink: S,
) -> Result<(S, Streamed), StreamError> {
    let first = run_nesting::first_page(client, req, nesting, reading)
        .await
        .map_err(StreamError::Api)?;
    let (to, from) = mpsc::sync_channel(IN_FLIGHT);
    let (give_back, spent) = mpsc::channel();
    let writer = std::thread::Builder::new()
        .name("runs-writer".into())
        .spawn(move || write_pages(sink, from, give_back))
        .map_err(StreamError::Write)?;
    let read = read_pages(client, first, reading, Pipe { to, spent }).await;
    // The pipe is closed: the sink writes what it was given and comes back.
    let (sink, written) = tokio::task::spawn_blocking(move || writer.join())
        .await
        .map_err(|e| StreamError::Write(io::Error::other(e)))?
        .map_err(|_| StreamError::Write(io::Error::other("the writer of the listing failed")))?;
    match (read, written) {
        (Err(Stop::Api(e)), _) => Err(StreamError::Api(e)),
        (_, Err(e)) => Err(StreamError::Write(e)),
        (Err(Stop::Writer), Ok(())) => Err(StreamError::Write(io::Error::other(
            "the writer of the listing stopped",
        ))),
        (Err(Stop::Broken), Ok(())) => Err(StreamError::Write(io::Error::other(
            "decoding a page of runs failed",
        ))),
        (Ok(done), Ok(())) => Ok((sink, done)),
    }
}

/// Why reading stopped early.
enum Stop {
    Api(ApiError),
    /// The sink stopped (its error comes back with it).
    Writer,
    /// Decoding a page failed without an answer (its thread panicked).
    Broken,
}

/// The sink's thread: takes what the reader sends until the pipe closes, or the sink fails.
fn write_pages<S: PageSink>(
    mut sink: S,
    from: Receiver<ToSink>,
    give_back: Sender<Vec<Run>>,
) -> (S, io::Result<()>) {
    for msg in from {
        let done = match msg {
            ToSink::Runs(runs) => sink.push(runs).map(|rest| {
                // The reader may be gone already; then the batch is dropped here.
                let _ = give_back.send(rest);
            }),
            ToSink::Commit => sink.commit(),
            ToSink::Discard => {
                sink.discard();
                Ok(())
            }
        };
        if let Err(e) = done {
            sink.discard();
            return (sink, Err(e));
        }
    }
    sink.discard();
    (sink, Ok(()))
}

/// Reads the pages from `first` on, each decoded on a blocking thread into `pipe`.
async fn read_pages(
    client: &Client,
    first: run_nesting::FirstPage,
    reading: Reading,
    mut pipe: Pipe,
) -> Result<Streamed, Stop> {
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
    // A listing read to its end asks for the next page while it decodes this one.
    let read_ahead = reading.limit.is_none();
    let mut body = first.body;
    loop {
        let keep = Keep {
            top_level_only: filter_here,
            wanted: reading
                .limit
                .map_or(usize::MAX, |l| l.saturating_sub(done.runs)),
        };
        let hint = read_ahead
            .then(|| run_page::token_hint(body.as_bytes()))
            .flatten();
        let ahead = async {
            let token = hint?;
            let answer = client.search_runs_body(&ask(token.clone(), 0)).await;
            Some((token, answer))
        };
        let (decoded, ahead) = tokio::join!(decode_page(body, keep, pipe), ahead);
        let (back, read) = decoded?;
        pipe = back;
        let read = read.map_err(Stop::Api)?;
        if read.writer_gone || !pipe.send(ToSink::Commit) {
            return Err(Stop::Writer);
        }
        let token = guard.next(read.next_page_token).map_err(Stop::Api)?;
        let have = done.runs + read.taken + read.over;
        done.runs += read.taken;
        done.left_out += read.left_out;
        if reading.done(have) {
            done.more = match (reading.limit.is_some_and(|l| have > l), &token) {
                (true, _) => More::Yes,
                (false, Some(_)) if filter_here => More::Maybe,
                (false, Some(_)) => More::Yes,
                (false, None) => More::No,
            };
            return Ok(done);
        }
        let Some(token) = token else {
            return Ok(done);
        };
        // The page read ahead is used only when it was asked with the token the page holds.
        let answer = match ahead {
            Some((guessed, answer)) if guessed == token => answer,
            _ => client.search_runs_body(&ask(token, have)).await,
        };
        body = answer.map_err(Stop::Api)?;
        done.pages += 1;
    }
}

/// Reads `body` into `pipe` on a blocking thread; the pipe comes back with the outcome.
async fn decode_page(
    body: JsonBody,
    keep: Keep,
    pipe: Pipe,
) -> Result<(Pipe, Result<PageRead, ApiError>), Stop> {
    tokio::task::spawn_blocking(move || {
        let read = body.decode_with(|bytes| run_page::read_page(bytes, keep, &pipe));
        (pipe, read)
    })
    .await
    .map_err(|_| Stop::Broken)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ClientOptions, Credentials};

    fn run(id: &str) -> Run {
        let mut r = Run::default();
        r.info.run_id = id.into();
        r
    }

    fn ids(runs: &[Run]) -> Vec<&str> {
        runs.iter().map(|r| r.info.run_id.as_str()).collect()
    }

    /// Drives `write_pages` with `msgs`; the runs the sink kept.
    fn written(msgs: Vec<ToSink>) -> Vec<Run> {
        let (to, from) = mpsc::sync_channel(msgs.len());
        for m in msgs {
            to.send(m).unwrap();
        }
        drop(to);
        let (give_back, _spent) = mpsc::channel();
        let (sink, done) = write_pages(Gathered::default(), from, give_back);
        done.unwrap();
        sink.into_runs()
    }

    #[test]
    fn only_committed_pages_are_kept() {
        let kept = written(vec![
            ToSink::Runs(vec![run("a")]),
            ToSink::Discard,
            ToSink::Runs(vec![run("a"), run("b")]),
            ToSink::Commit,
            ToSink::Runs(vec![run("c")]),
        ]);
        assert_eq!(ids(&kept), ["a", "b"], "a page cut short is not kept");
    }

    /// A body with invalid UTF-8 inside a string is read twice (as bytes, then as text):
    /// the runs of the first reading are dropped, none is handed on twice.
    #[test]
    fn a_page_read_again_as_text_hands_each_run_on_once() {
        let client =
            Client::new(ClientOptions::new("http://127.0.0.1:9", Credentials::None)).unwrap();
        let mut bytes = br#"{"runs":["#.to_vec();
        for i in 0..40 {
            bytes.extend_from_slice(format!(r#"{{"info":{{"run_id":"r{i}"}}}},"#).as_bytes());
        }
        bytes.extend_from_slice(b"{\"info\":{\"run_id\":\"bad\xff\"}}]}");
        let body = JsonBody::for_tests(&client, "/api/2.0/mlflow/runs/search", bytes);
        let (to, from) = mpsc::sync_channel(64);
        let (give_back, spent) = mpsc::channel();
        let pipe = Pipe { to, spent };
        let keep = Keep {
            top_level_only: false,
            wanted: usize::MAX,
        };
        let mut readings = 0;
        let read = body
            .decode_with(|b| {
                readings += 1;
                run_page::read_page(b, keep, &pipe)
            })
            .unwrap();
        assert_eq!(readings, 2, "read as bytes, then as text");
        assert_eq!(read.taken, 41);
        pipe.send(ToSink::Commit);
        drop(pipe);
        let (sink, done) = write_pages(Gathered::default(), from, give_back);
        done.unwrap();
        let kept = sink.into_runs();
        assert_eq!(kept.len(), 41, "{:?}", ids(&kept));
        assert_eq!(kept[40].info.run_id, "bad\u{fffd}");
    }
}
