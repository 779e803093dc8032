//! Reading the journal back: lenient parsing (a torn or corrupt line is reported and skipped,
//! never a panic), attempts paired with their results, and each change's standing.

use std::collections::HashMap;

use serde::Serialize;

use super::record::{Attempt, Outcome, Record, ResultRecord};

/// A line the reader skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    /// The last line has no newline and does not parse: a write cut short by a crash.
    TornTail { line: usize },
    /// A complete line that is not a record.
    Corrupt { line: usize, error: String },
    /// A result whose attempt is not in the file.
    OrphanResult { line: usize, id: String },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::TornTail { line } => write!(
                f,
                "line {line}: incomplete last record (a write was cut short), skipped"
            ),
            Problem::Corrupt { line, error } => {
                write!(f, "line {line}: not a journal record ({error}), skipped")
            }
            Problem::OrphanResult { line, id } => {
                write!(f, "line {line}: result for unknown change {id}, skipped")
            }
        }
    }
}

/// Where a change stands, from its latest result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Ok,
    Failed,
    VerifyFailed,
    /// Stopped half-way; the result's read-back says which part is in place.
    Partial,
    /// A result said the outcome is unknown.
    Unknown,
    /// The attempt has no result at all (a crash between request and result).
    NoResult,
}

impl Standing {
    /// How the Audit screen and `audit` print it.
    pub fn label(self) -> &'static str {
        match self {
            Standing::Ok => "ok",
            Standing::Failed => "failed",
            Standing::VerifyFailed => "verify failed",
            Standing::Partial => "partial",
            Standing::Unknown | Standing::NoResult => "unknown — verify",
        }
    }

    /// Whether the object should be re-read to learn what actually happened.
    pub fn needs_verify(self) -> bool {
        matches!(self, Standing::Unknown | Standing::NoResult)
    }
}

/// One change: its attempt and every result recorded for it, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub attempt: Attempt,
    pub results: Vec<ResultRecord>,
}

impl Entry {
    pub fn latest(&self) -> Option<&ResultRecord> {
        self.results.last()
    }

    pub fn standing(&self) -> Standing {
        match self.latest().map(|r| r.outcome) {
            None => Standing::NoResult,
            Some(Outcome::Ok) => Standing::Ok,
            Some(Outcome::Failed) => Standing::Failed,
            Some(Outcome::VerifyFailed) => Standing::VerifyFailed,
            Some(Outcome::Partial) => Standing::Partial,
            Some(Outcome::Unknown) => Standing::Unknown,
        }
    }

    /// Whether `text` (case-insensitive) appears in any field people search by.
    pub fn matches(&self, text: &str) -> bool {
        let needle = text.to_lowercase();
        let a = &self.attempt;
        [
            a.id.as_str(),
            a.profile.as_str(),
            a.host.as_str(),
            a.actor.as_deref().unwrap_or(""),
            a.action.as_str(),
            &a.target.describe(),
            &a.before.describe(),
            &a.after.describe(),
            a.comment.as_deref().unwrap_or(""),
            self.standing().label(),
        ]
        .iter()
        .any(|field| field.to_lowercase().contains(&needle))
    }
}

/// The journal as read: changes in the order they were attempted, and what was skipped.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct JournalView {
    pub entries: Vec<Entry>,
    pub problems: Vec<Problem>,
}

impl JournalView {
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.attempt.id == id)
    }

    /// Changes whose outcome is not known.
    pub fn needing_verify(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.standing().needs_verify())
    }
}

/// Parses the file's bytes. Never fails: whatever cannot be read becomes a [`Problem`].
pub fn parse(bytes: &[u8]) -> JournalView {
    let mut view = JournalView::default();
    let mut index: HashMap<String, usize> = HashMap::new();
    let complete = bytes.last() == Some(&b'\n');
    let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    // `split` yields an empty piece after a final newline.
    let count = if complete {
        lines.len() - 1
    } else {
        lines.len()
    };
    for (i, raw) in lines.iter().take(count).enumerate() {
        let line = i + 1;
        let text = String::from_utf8_lossy(raw);
        if text.trim().is_empty() {
            continue;
        }
        let record = match serde_json::from_str::<Record>(&text) {
            Ok(r) => r,
            Err(_) if !complete && i + 1 == count => {
                view.problems.push(Problem::TornTail { line });
                continue;
            }
            Err(e) => {
                view.problems.push(Problem::Corrupt {
                    line,
                    error: e.to_string(),
                });
                continue;
            }
        };
        match record {
            Record::Attempt(attempt) => {
                index.insert(attempt.id.clone(), view.entries.len());
                view.entries.push(Entry {
                    attempt: *attempt,
                    results: Vec::new(),
                });
            }
            Record::Result(result) => match index.get(&result.id) {
                Some(&at) => view.entries[at].results.push(result),
                None => view.problems.push(Problem::OrphanResult {
                    line,
                    id: result.id,
                }),
            },
        }
    }
    view
}
