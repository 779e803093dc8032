//! One page of `runs/search` read run by run: each run, as soon as it is decoded, is kept or
//! left out (nested runs the server could not filter, runs past the limit) and handed on in
//! small batches to the thread that writes the listing, which works on them while the rest of
//! the page is decoded. The batches come back to be dropped here, on the thread that allocated
//! them (freeing on another thread costs as much as decoding).

use std::fmt;
use std::sync::mpsc::{Receiver, SyncSender};

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::api::models::mlflow::Run;

/// Runs handed on at a time: small enough that the writer starts early, large enough that the
/// channel is not the cost.
const BATCH: usize = 32;

/// What the reader of a page tells the writer of the listing.
#[derive(Debug)]
pub enum ToSink {
    /// More runs of the page being read.
    Runs(Vec<Run>),
    /// The page was read to its end: write what it gave.
    Commit,
    /// The page is read again from its start (or not at all): drop what it gave so far.
    Discard,
}

/// The reader's ends of the channels to the writer: batches go out on `to`, spent batches come
/// back on `spent`.
pub struct Pipe {
    pub to: SyncSender<ToSink>,
    pub spent: Receiver<Vec<Run>>,
}

impl Pipe {
    /// Sends `msg`; false when the writer has stopped.
    pub fn send(&self, msg: ToSink) -> bool {
        self.to.send(msg).is_ok()
    }

    /// Drops the batches the writer is done with.
    fn drop_spent(&self) {
        while let Ok(batch) = self.spent.try_recv() {
            drop(batch);
        }
    }
}

/// Which runs of a page are handed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keep {
    /// Leave out nested runs (the server could not filter them).
    pub top_level_only: bool,
    /// Runs still wanted; the ones after them are counted, not handed on.
    pub wanted: usize,
}

/// What a page held.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PageRead {
    /// Runs handed on.
    pub taken: usize,
    /// Runs that would have been handed on but were past the limit.
    pub over: usize,
    /// Nested runs left out.
    pub left_out: usize,
    pub next_page_token: Option<String>,
    /// The writer stopped before the page was read to its end.
    pub writer_gone: bool,
}

/// Reads a `runs/search` answer from `body`, handing the runs `keep` lets through to `pipe`.
/// Every call starts the page afresh (a [`ToSink::Discard`] first), so a body read a second
/// time (as text, after invalid UTF-8) does not hand a run on twice.
pub fn read_page(body: &[u8], keep: Keep, pipe: &Pipe) -> serde_json::Result<PageRead> {
    let mut read = PageRead::default();
    if !pipe.send(ToSink::Discard) {
        read.writer_gone = true;
        return Ok(read);
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    de.deserialize_map(PageVisitor {
        keep,
        pipe,
        read: &mut read,
    })?;
    de.end()?;
    pipe.drop_spent();
    Ok(read)
}

/// The `next_page_token` of an answer, guessed from its last bytes without decoding the page:
/// the last `"next_page_token"` field, which servers write after the runs. Only a guess (a
/// run's inputs may hold a field of that name): it lets the next page be asked for while this
/// one is decoded, and the decoded token decides whether that answer is used.
pub fn token_hint(body: &[u8]) -> Option<String> {
    const FIELD: &[u8] = b"\"next_page_token\"";
    let at = memchr::memmem::rfind(body, FIELD)?;
    let rest = body[at + FIELD.len()..].trim_ascii_start();
    let value = rest.strip_prefix(b":")?.trim_ascii_start();
    let mut strings = serde_json::Deserializer::from_slice(value).into_iter::<String>();
    strings.next()?.ok().filter(|t| !t.is_empty())
}

struct PageVisitor<'a> {
    keep: Keep,
    pipe: &'a Pipe,
    read: &'a mut PageRead,
}

impl<'de> Visitor<'de> for PageVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a runs/search answer (an object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen_runs = false;
        let mut seen_token = false;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Runs if seen_runs => return Err(de::Error::duplicate_field("runs")),
                Key::Runs => {
                    seen_runs = true;
                    map.next_value_seed(RunsSeed {
                        keep: self.keep,
                        pipe: self.pipe,
                        read: &mut *self.read,
                    })?;
                }
                Key::Token if seen_token => {
                    return Err(de::Error::duplicate_field("next_page_token"));
                }
                Key::Token => {
                    seen_token = true;
                    self.read.next_page_token = map.next_value()?;
                }
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// The fields of an answer that matter here.
enum Key {
    Runs,
    Token,
    Other,
}

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(match v {
                    "runs" => Key::Runs,
                    "next_page_token" => Key::Token,
                    _ => Key::Other,
                })
            }
        }
        d.deserialize_identifier(KeyVisitor)
    }
}

/// The `runs` array (`null` reads as none, as `SearchRunsResponse` reads it).
struct RunsSeed<'a> {
    keep: Keep,
    pipe: &'a Pipe,
    read: &'a mut PageRead,
}

impl<'de> DeserializeSeed<'de> for RunsSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for RunsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of runs")
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let read = self.read;
        let mut batch = Vec::with_capacity(BATCH);
        while let Some(run) = seq.next_element::<Run>()? {
            if read.writer_gone {
                continue;
            }
            if self.keep.top_level_only && run.parent_run_id().is_some() {
                read.left_out += 1;
                continue;
            }
            if read.taken == self.keep.wanted {
                read.over += 1;
                continue;
            }
            read.taken += 1;
            batch.push(run);
            if batch.len() == BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                read.writer_gone = !self.pipe.send(ToSink::Runs(full));
                self.pipe.drop_spent();
            }
        }
        if !batch.is_empty() && !read.writer_gone {
            read.writer_gone = !self.pipe.send(ToSink::Runs(batch));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;
    use crate::api::models::mlflow::{KeyValue, PARENT_TAG, SearchRunsResponse};

    fn run(id: &str, parent: Option<&str>) -> Run {
        let mut r = Run::default();
        r.info.run_id = id.into();
        if let Some(p) = parent {
            r.data.tags = vec![KeyValue::new(PARENT_TAG, p)];
        }
        r
    }

    fn body(runs: Vec<Run>, token: Option<&str>) -> Vec<u8> {
        serde_json::to_vec(&SearchRunsResponse {
            runs,
            next_page_token: token.map(str::to_string),
        })
        .unwrap()
    }

    /// Reads `body` under `keep`; the messages the writer would have had.
    fn read(body: &[u8], keep: Keep) -> (serde_json::Result<PageRead>, Vec<ToSink>) {
        let (to, from) = mpsc::sync_channel(1024);
        let (_back, spent) = mpsc::channel();
        let pipe = Pipe { to, spent };
        let r = read_page(body, keep, &pipe);
        drop(pipe);
        (r, from.into_iter().collect())
    }

    fn ids(msgs: &[ToSink]) -> Vec<String> {
        msgs.iter()
            .flat_map(|m| match m {
                ToSink::Runs(runs) => runs.iter().map(|r| r.info.run_id.clone()).collect(),
                _ => Vec::new(),
            })
            .collect()
    }

    const ALL: Keep = Keep {
        top_level_only: false,
        wanted: usize::MAX,
    };

    #[test]
    fn every_run_is_handed_on_in_order_in_batches() {
        let runs: Vec<Run> = (0..70).map(|i| run(&format!("r{i}"), None)).collect();
        let (r, msgs) = read(&body(runs, Some("next")), ALL);
        let r = r.unwrap();
        assert_eq!((r.taken, r.over, r.left_out), (70, 0, 0));
        assert_eq!(r.next_page_token.as_deref(), Some("next"));
        let want: Vec<String> = (0..70).map(|i| format!("r{i}")).collect();
        assert_eq!(ids(&msgs), want);
        assert!(matches!(msgs[0], ToSink::Discard), "a page starts afresh");
        let batches = msgs.iter().filter(|m| matches!(m, ToSink::Runs(_))).count();
        assert_eq!(batches, 3, "70 runs in batches of {BATCH}");
    }

    #[test]
    fn nested_runs_are_left_out_and_the_limit_counts_the_rest() {
        let runs = vec![
            run("a", None),
            run("a1", Some("a")),
            run("b", None),
            run("c", None),
            run("c1", Some("c")),
            run("d", None),
        ];
        let keep = Keep {
            top_level_only: true,
            wanted: 2,
        };
        let (r, msgs) = read(&body(runs, None), keep);
        let r = r.unwrap();
        assert_eq!(ids(&msgs), ["a", "b"]);
        assert_eq!((r.taken, r.over, r.left_out), (2, 2, 2));
        assert_eq!(r.next_page_token, None);
    }

    #[test]
    fn the_token_may_come_first_and_unknown_fields_are_skipped() {
        let text =
            br#"{"next_page_token":"t","extra":{"a":[1,2]},"runs":[{"info":{"run_id":"x"}}]}"#;
        let (r, msgs) = read(text, ALL);
        assert_eq!(r.unwrap().next_page_token.as_deref(), Some("t"));
        assert_eq!(ids(&msgs), ["x"]);
    }

    #[test]
    fn empty_and_null_runs_are_no_runs() {
        for text in [&b"{}"[..], br#"{"runs":null}"#, br#"{"runs":[]}"#] {
            let (r, msgs) = read(text, ALL);
            assert_eq!(r.unwrap(), PageRead::default());
            assert!(ids(&msgs).is_empty());
        }
    }

    #[test]
    fn broken_answers_are_errors_not_panics() {
        for text in [
            &b"[]"[..],
            b"<html>oops</html>",
            br#"{"runs":[{"info":{"run_id":7}}]}"#,
            br#"{"runs":{}}"#,
            br#"{"runs":[],"runs":[]}"#,
            br#"{"runs":[]} trailing"#,
            br#"{"runs":[{"info":{"run_id":"x"}}"#,
        ] {
            let (r, _) = read(text, ALL);
            assert!(r.is_err(), "{}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn the_token_hint_is_the_last_token_field() {
        let runs = vec![run("a", None)];
        assert_eq!(
            token_hint(&body(runs.clone(), Some("p2"))).as_deref(),
            Some("p2")
        );
        assert_eq!(token_hint(&body(runs, None)), None);
        let spaced = br#"{ "runs" : [ ] , "next_page_token" : "a\"b" }"#;
        assert_eq!(token_hint(spaced).as_deref(), Some("a\"b"));
        for none in [
            &br#"{"next_page_token":""}"#[..],
            br#"{"next_page_token":null}"#,
            br#"{"next_page_token":7}"#,
            br#"{"next_page_token":"unterminated"#,
            br#"{"next_page_token""#,
            b"",
        ] {
            assert_eq!(token_hint(none), None, "{}", String::from_utf8_lossy(none));
        }
    }

    #[test]
    fn a_writer_that_stopped_ends_the_handing_on() {
        let (to, from) = mpsc::sync_channel(1024);
        drop(from);
        let (_back, spent) = mpsc::channel();
        let pipe = Pipe { to, spent };
        let runs: Vec<Run> = (0..40).map(|i| run(&format!("r{i}"), None)).collect();
        let r = read_page(&body(runs, None), ALL, &pipe).unwrap();
        assert!(r.writer_gone);
    }
}
