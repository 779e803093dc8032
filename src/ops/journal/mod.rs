//! The audit journal: every change this console makes, as JSON lines in
//! `<data_dir>/audit.jsonl`.
//!
//! An `attempt` record is appended and fsynced before a change's first request is sent, and a
//! `result` record (ok / failed with the error / unknown / verify failed, with the state read
//! back) after it, so a crash mid-change leaves a record of what was attempted. Reading pairs
//! them; an attempt without a result reads as "unknown — verify" until a verification re-reads
//! the object and records what is actually there.
//!
//! `file` does the durable, lock-protected appends; `record` defines the lines; `view` reads
//! them back leniently.

mod file;
pub mod record;
pub mod view;

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub use record::{Attempt, Outcome, Record, ResultRecord, Via};
pub use view::{Entry, JournalView, Problem, Standing, parse};

/// The file name inside the data directory.
pub const FILE_NAME: &str = "audit.jsonl";

type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// A handle to one journal file; cheap to clone.
#[derive(Clone)]
pub struct Journal {
    path: PathBuf,
    clock: Clock,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn system_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Journal {
    /// The journal of a data directory (`<data_dir>/audit.jsonl`). Nothing is created until the
    /// first record is written.
    pub fn in_dir(data_dir: &Path) -> Journal {
        Journal::at(data_dir.join(FILE_NAME))
    }

    /// A journal at an explicit path.
    pub fn at(path: impl Into<PathBuf>) -> Journal {
        Journal {
            path: path.into(),
            clock: Arc::new(system_ms),
        }
    }

    /// The same journal with another clock (Unix milliseconds), for tests.
    pub fn with_clock(self, clock: impl Fn() -> i64 + Send + Sync + 'static) -> Journal {
        Journal {
            clock: Arc::new(clock),
            ..self
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Now, as Unix milliseconds and RFC 3339 (UTC, milliseconds).
    pub fn now(&self) -> (i64, String) {
        let ms = (self.clock)();
        let text = chrono::DateTime::from_timestamp_millis(ms)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .unwrap_or_else(|| ms.to_string());
        (ms, text)
    }

    /// A new change id: the time in hex and a random part, unique across consoles.
    pub fn new_id(&self) -> String {
        static SEQ: AtomicU64 = AtomicU64::new(0);
        let (ms, _) = self.now();
        let seq = SEQ.fetch_add(1, Ordering::Relaxed);
        let random = RandomState::new().hash_one((std::process::id(), seq, system_ms()));
        format!("{ms:011x}-{:08x}", random as u32)
    }

    /// Appends one record and syncs it to disk before returning.
    pub fn append(&self, record: &Record) -> io::Result<()> {
        let line = serde_json::to_string(record).map_err(io::Error::other)?;
        file::append_line(&self.path, &line)
    }

    /// [`Journal::append`] on the blocking pool, for async callers.
    pub async fn append_async(&self, record: Record) -> io::Result<()> {
        let journal = self.clone();
        tokio::task::spawn_blocking(move || journal.append(&record))
            .await
            .map_err(io::Error::other)?
    }

    /// Reads and pairs every record. Only I/O errors fail; bad lines are reported in the view.
    pub fn read(&self) -> io::Result<JournalView> {
        Ok(parse(&file::read_all(&self.path)?))
    }
}

#[cfg(test)]
mod tests;
