//! A pretty-printed JSON array written a page of elements at a time, so a listing of any length
//! needs the memory of one page. The bytes are exactly those of `serde_json::to_string_pretty`
//! of the whole list, with the hazards it leaves raw escaped as [`safe_text::json`] does, and a
//! trailing newline: what `output::json` prints for the same list.

use std::io::{self, Write};

use serde::Serialize;

use crate::safe_text;

/// Writes the elements given to [`JsonArrayWriter::page`] as one JSON array on `out`.
pub struct JsonArrayWriter<W: Write> {
    out: W,
    started: bool,
}

impl<W: Write> JsonArrayWriter<W> {
    pub fn new(out: W) -> Self {
        JsonArrayWriter {
            out,
            started: false,
        }
    }

    /// Writes `items` as the next elements and flushes, so a reader sees each page as soon
    /// as it is read.
    pub fn page<T: Serialize>(&mut self, items: &[T]) -> io::Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        // The page as an array of its own is `[\n  {…},\n  {…}\n]`, indented as inside the
        // whole list: its elements are the text between the brackets.
        let text = serde_json::to_string_pretty(items)?;
        let elements = text
            .strip_prefix('[')
            .and_then(|t| t.strip_suffix("\n]"))
            .ok_or_else(|| io::Error::other("a JSON array without brackets"))?;
        let open = if self.started { "," } else { "[" };
        self.started = true;
        self.out.write_all(open.as_bytes())?;
        self.out.write_all(safe_text::json(elements).as_bytes())?;
        self.out.flush()
    }

    /// Closes the array (`[]` when nothing was written) and hands back the output.
    pub fn finish(mut self) -> io::Result<W> {
        let close = if self.started { "\n]\n" } else { "[]\n" };
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
