//! A pretty-printed JSON array written a page of elements at a time, so a listing of any length
//! needs the memory of one page. The bytes are exactly those of `serde_json::to_string_pretty`
//! of the whole list, with the hazards it leaves raw escaped as [`safe_text::json`] does, and a
//! trailing newline: what `output::json` prints for the same list.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

use crate::safe_text;

/// Writes the elements given to [`JsonArrayWriter::push`] as one JSON array on `out`, a page
/// at a time: the elements of a page are gathered and written by [`JsonArrayWriter::commit`],
/// or dropped by [`JsonArrayWriter::discard`].
pub struct JsonArrayWriter<W: Write> {
    out: W,
    /// The elements of the page being gathered, as they will be written.
    pending: Vec<u8>,
    /// Elements were written to `out`.
    written: bool,
}

impl<W: Write> JsonArrayWriter<W> {
    pub fn new(out: W) -> Self {
        JsonArrayWriter {
            out,
            pending: Vec::new(),
            written: false,
        }
    }

    /// Adds `items` to the page being gathered.
    pub fn push<T: Serialize>(&mut self, items: &[T]) -> io::Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        let first = !self.written && self.pending.is_empty();
        // The items as an array of their own are `[\n  {…},\n  {…}\n]`, indented as inside
        // the whole list: their opening bracket becomes the separator, the closing one goes.
        let start = self.pending.len();
        serde_json::to_writer_pretty(&mut self.pending, items)?;
        let text = &self.pending[start..];
        if !(text.starts_with(b"[") && text.ends_with(b"\n]")) {
            self.pending.truncate(start);
            return Err(io::Error::other("a JSON array without brackets"));
        }
        self.pending.truncate(self.pending.len() - 2);
        if !first {
            self.pending[start] = b',';
        }
        let added = std::str::from_utf8(&self.pending[start..]).map_err(io::Error::other)?;
        if let Cow::Owned(safe) = safe_text::json(added) {
            self.pending.truncate(start);
            self.pending.extend_from_slice(safe.as_bytes());
        }
        Ok(())
    }

    /// Writes the page gathered and flushes, so a reader sees each page as soon as it is read.
    pub fn commit(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        self.out.write_all(&self.pending)?;
        self.pending.clear();
        self.written = true;
        self.out.flush()
    }

    /// Drops the page gathered.
    pub fn discard(&mut self) {
        self.pending.clear();
    }

    /// Writes `items` as the next elements: [`JsonArrayWriter::push`], then
    /// [`JsonArrayWriter::commit`].
    pub fn page<T: Serialize>(&mut self, items: &[T]) -> io::Result<()> {
        self.push(items)?;
        self.commit()
    }

    /// Closes the array (`[]` when nothing was written) and hands back the output; a page
    /// gathered and not committed is dropped.
    pub fn finish(mut self) -> io::Result<W> {
        let close = if self.written { "\n]\n" } else { "[]\n" };
        self.out.write_all(close.as_bytes())?;
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::mlflow::{KeyValue, Metric, Run};

    fn run(id: &str, name: &str) -> Run {
        let mut r = Run::default();
        r.info.run_id = id.into();
        r.info.run_name = Some(name.into());
        r.data.params = vec![KeyValue::new("note", "line one\nline two\ttab")];
        r.data.metrics = vec![Metric {
            key: "loss".into(),
            value: 0.25,
            timestamp: 7,
            step: 1,
        }];
        r
    }

    /// What `output::json` prints for `all`.
    fn whole(all: &[Run]) -> String {
        let pretty = serde_json::to_string_pretty(all).unwrap();
        format!("{}\n", safe_text::json(&pretty))
    }

    fn streamed(pages: &[Vec<Run>]) -> String {
        let mut w = JsonArrayWriter::new(Vec::new());
        for p in pages {
            w.page(p).unwrap();
        }
        String::from_utf8(w.finish().unwrap()).unwrap()
    }

    #[test]
    fn pages_write_the_same_bytes_as_the_whole_list() {
        let hostile = "x\u{9b}2J\u{202e}y\x7f\x1b]0;t\x07 naïve 模型";
        let runs: Vec<Run> = (0..5)
            .map(|i| run(&format!("r{i}"), if i == 2 { hostile } else { "ok" }))
            .collect();
        let pages = vec![
            runs[..2].to_vec(),
            Vec::new(),
            runs[2..3].to_vec(),
            runs[3..].to_vec(),
        ];
        let out = streamed(&pages);
        assert_eq!(out, whole(&runs));
        assert!(!out.chars().any(|c| c != '\n' && safe_text::is_hazard(c)));
        let back: Vec<Run> = serde_json::from_str(&out).unwrap();
        assert_eq!(back, runs);
    }

    #[test]
    fn no_elements_is_an_empty_array() {
        assert_eq!(streamed(&[]), whole(&[]));
        assert_eq!(streamed(&[Vec::new(), Vec::new()]), "[]\n");
    }

    #[test]
    fn pushed_runs_are_written_on_commit_and_dropped_on_discard() {
        let runs: Vec<Run> = (0..6).map(|i| run(&format!("r{i}"), "ok")).collect();
        let mut w = JsonArrayWriter::new(Vec::new());
        w.push(&runs[..1]).unwrap();
        w.push(&runs[1..3]).unwrap();
        assert!(
            w.out.is_empty(),
            "nothing written before the page is committed"
        );
        w.commit().unwrap();
        w.push(&[run("gone", "half a page")]).unwrap();
        w.discard();
        w.push(&runs[3..4]).unwrap();
        w.push(&[] as &[Run]).unwrap();
        w.push(&runs[4..]).unwrap();
        w.commit().unwrap();
        w.push(&[run("late", "never committed")]).unwrap();
        let out = String::from_utf8(w.finish().unwrap()).unwrap();
        assert_eq!(out, whole(&runs));
    }

    #[test]
    fn a_discarded_first_page_leaves_the_array_to_the_next() {
        let mut w = JsonArrayWriter::new(Vec::new());
        w.push(&[run("gone", "x")]).unwrap();
        w.discard();
        w.page(&[run("a", "kept")]).unwrap();
        let out = String::from_utf8(w.finish().unwrap()).unwrap();
        assert_eq!(out, whole(&[run("a", "kept")]));
    }

    #[test]
    fn each_page_is_on_the_output_when_written() {
        let mut w = JsonArrayWriter::new(Vec::new());
        w.page(&[run("a", "first")]).unwrap();
        let after_first = String::from_utf8(w.out.clone()).unwrap();
        assert!(after_first.starts_with("[\n  {") && after_first.contains("\"a\""));
        w.page(&[run("b", "second")]).unwrap();
        let out = String::from_utf8(w.finish().unwrap()).unwrap();
        assert!(out.starts_with(&after_first));
    }
}
