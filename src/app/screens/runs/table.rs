//! The compact row model of the runs table. An experiment can hold 100,000 runs, and a full
//! `Run` (every param, metric and tag as separate `String`s) costs kilobytes; here a row is a
//! fixed-size record pointing into shared pools:
//!
//! - run id, name and param values live in one string arena, addressed by spans;
//! - metric and param keys, users and parent run ids are interned once per table (column keys
//!   stay valid when the rows are reloaded, so column choices survive a refresh; a sweep's
//!   thousands of trials share one parent id);
//! - each row's metrics and params are a slice of two pools (`key id`, value) instead of maps.
//!
//! Tags are not kept (run detail reads them from `runs/get`), except the parent run id.

use std::collections::HashMap;

use crate::api::models::mlflow::{Run, RunStatus};

/// `mlflow.parentRunId`: the tag that makes a run a child (a sweep trial).
pub use crate::api::models::mlflow::PARENT_TAG;

/// Bytes of the string arena: `offset`, `len`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Span(u32, u32);

/// Each distinct string once, referred to by index.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    ids: HashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(id) = self.ids.get(s) {
            return *id;
        }
        let id = self.names.len() as u32;
        self.names.push(s.into());
        self.ids.insert(s.into(), id);
        id
    }

    pub fn get(&self, s: &str) -> Option<u32> {
        self.ids.get(s).copied()
    }

    pub fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", |s| s)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// Run status in one byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Running,
    Scheduled,
    Finished,
    Failed,
    Killed,
    Unknown,
}

impl Status {
    pub fn of(s: Option<&RunStatus>) -> Status {
        match s {
            Some(RunStatus::Running) => Status::Running,
            Some(RunStatus::Scheduled) => Status::Scheduled,
            Some(RunStatus::Finished) => Status::Finished,
            Some(RunStatus::Failed) => Status::Failed,
            Some(RunStatus::Killed) => Status::Killed,
            _ => Status::Unknown,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Running => "RUNNING",
            Status::Scheduled => "SCHEDULED",
            Status::Finished => "FINISHED",
            Status::Failed => "FAILED",
            Status::Killed => "KILLED",
            Status::Unknown => "-",
        }
    }
}

/// No user / no parent.
const NONE: u32 = u32::MAX;

/// One run in 56 bytes plus its share of the pools.
#[derive(Debug, Clone, Copy)]
struct Row {
    id: Span,
    name: Span,
    parent: u32,
    /// Epoch ms; 0 when unknown.
    start: i64,
    /// Epoch ms; 0 while running.
    end: i64,
    user: u32,
    metrics: u32,
    params: u32,
    n_metrics: u16,
    n_params: u16,
    status: Status,
}

/// The loaded runs of one query, compactly.
#[derive(Debug, Clone, Default)]
pub struct RunTable {
    arena: String,
    rows: Vec<Row>,
    pub metric_keys: Interner,
    pub param_keys: Interner,
    users: Interner,
    parents: Interner,
    metric_pool_keys: Vec<u32>,
    metric_pool_values: Vec<f64>,
    param_pool_keys: Vec<u32>,
    param_pool_values: Vec<Span>,
    /// Rows that have each metric / param key (indexed by key id), for the default columns.
    metric_counts: Vec<u32>,
    param_counts: Vec<u32>,
}

/// A borrowed view of one row.
#[derive(Clone, Copy)]
pub struct RowRef<'a> {
    table: &'a RunTable,
    row: &'a Row,
}

impl RunTable {
    /// Drops the rows but keeps the interned keys (column choices refer to them by name).
    pub fn clear_rows(&mut self) {
        self.arena.clear();
        self.rows.clear();
        self.metric_pool_keys.clear();
        self.metric_pool_values.clear();
        self.param_pool_keys.clear();
        self.param_pool_values.clear();
        self.metric_counts.iter_mut().for_each(|c| *c = 0);
        self.param_counts.iter_mut().for_each(|c| *c = 0);
    }

    fn store(&mut self, s: &str) -> Span {
        let at = self.arena.len() as u32;
        self.arena.push_str(s);
        Span(at, s.len() as u32)
    }

    fn text(&self, span: Span) -> &str {
        let (a, n) = (span.0 as usize, span.1 as usize);
        self.arena.get(a..a + n).unwrap_or("")
    }

    fn bump(counts: &mut Vec<u32>, id: u32) {
        let i = id as usize;
        if counts.len() <= i {
            counts.resize(i + 1, 0);
        }
        counts[i] += 1;
    }

    /// Appends one run.
    pub fn push(&mut self, run: &Run) {
        let info = &run.info;
        let id = self.store(&info.run_id);
        let name = self.store(info.run_name.as_deref().unwrap_or(""));
        let parent = match run.parent_run_id() {
            Some(p) => self.parents.intern(p),
            None => NONE,
        };
        let user = match info.user_id.as_deref() {
            Some(u) if !u.is_empty() => self.users.intern(u),
            _ => NONE,
        };
        let metrics = self.metric_pool_keys.len() as u32;
        for m in &run.data.metrics {
            let k = self.metric_keys.intern(&m.key);
            Self::bump(&mut self.metric_counts, k);
            self.metric_pool_keys.push(k);
            self.metric_pool_values.push(m.value);
        }
        let params = self.param_pool_keys.len() as u32;
        for p in &run.data.params {
            let k = self.param_keys.intern(&p.key);
            Self::bump(&mut self.param_counts, k);
            let v = self.store(&p.value);
            self.param_pool_keys.push(k);
            self.param_pool_values.push(v);
        }
        self.rows.push(Row {
            id,
            name,
            parent,
            start: info.start_time.unwrap_or(0),
            end: info.end_time.unwrap_or(0),
            user,
            metrics,
            params,
            n_metrics: run.data.metrics.len().min(u16::MAX as usize) as u16,
            n_params: run.data.params.len().min(u16::MAX as usize) as u16,
            status: Status::of(info.status.as_ref()),
        });
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn row(&self, i: usize) -> Option<RowRef<'_>> {
        self.rows.get(i).map(|row| RowRef { table: self, row })
    }

    /// Position of a run among the loaded rows.
    pub fn position(&self, run_id: &str) -> Option<usize> {
        self.rows.iter().position(|r| self.text(r.id) == run_id)
    }

    /// Up to `n` keys, the most common first (ties by name).
    fn common(keys: &Interner, counts: &[u32], n: usize) -> Vec<String> {
        let mut ids: Vec<u32> = (0..keys.len() as u32)
            .filter(|i| counts.get(*i as usize).copied().unwrap_or(0) > 0)
            .collect();
        ids.sort_by(|a, b| {
            counts[*b as usize]
                .cmp(&counts[*a as usize])
                .then_with(|| keys.name(*a).cmp(keys.name(*b)))
        });
        ids.into_iter()
            .take(n)
            .map(|i| keys.name(i).to_string())
            .collect()
    }

    pub fn common_metrics(&self, n: usize) -> Vec<String> {
        Self::common(&self.metric_keys, &self.metric_counts, n)
    }

    pub fn common_params(&self, n: usize) -> Vec<String> {
        Self::common(&self.param_keys, &self.param_counts, n)
    }

    /// Keys present in the loaded rows, by name.
    pub fn present_metric_keys(&self) -> Vec<String> {
        Self::common(&self.metric_keys, &self.metric_counts, usize::MAX)
    }

    pub fn present_param_keys(&self) -> Vec<String> {
        Self::common(&self.param_keys, &self.param_counts, usize::MAX)
    }

    /// Heap bytes held (approximate: capacities of the pools), for the bench.
    pub fn heap_bytes(&self) -> usize {
        self.arena.capacity()
            + self.rows.capacity() * std::mem::size_of::<Row>()
            + self.metric_pool_keys.capacity() * 4
            + self.metric_pool_values.capacity() * 8
            + self.param_pool_keys.capacity() * 4
            + self.param_pool_values.capacity() * std::mem::size_of::<Span>()
    }
}

impl<'a> RowRef<'a> {
    pub fn id(&self) -> &'a str {
        self.table.text(self.row.id)
    }

    pub fn name(&self) -> &'a str {
        self.table.text(self.row.name)
    }

    /// The parent run id, for a nested run.
    pub fn parent(&self) -> Option<&'a str> {
        (self.row.parent != NONE).then(|| self.table.parents.name(self.row.parent))
    }

    pub fn status(&self) -> Status {
        self.row.status
    }

    pub fn start(&self) -> Option<i64> {
        (self.row.start > 0).then_some(self.row.start)
    }

    pub fn end(&self) -> Option<i64> {
        (self.row.end > 0).then_some(self.row.end)
    }

    /// Wall time: to the end, or to `now_ms` while running.
    pub fn duration(&self, now_ms: i64) -> Option<i64> {
        let start = self.start()?;
        let end = match (self.end(), self.row.status) {
            (Some(e), _) => e,
            (None, Status::Running | Status::Scheduled) => now_ms,
            (None, _) => return None,
        };
        Some((end - start).max(0))
    }

    pub fn user(&self) -> &'a str {
        if self.row.user == NONE {
            return "";
        }
        self.table.users.name(self.row.user)
    }

    /// The latest value of metric `key` (an interned id).
    pub fn metric(&self, key: u32) -> Option<f64> {
        let (a, n) = (self.row.metrics as usize, self.row.n_metrics as usize);
        let keys = self.table.metric_pool_keys.get(a..a + n)?;
        let i = keys.iter().position(|k| *k == key)?;
        self.table.metric_pool_values.get(a + i).copied()
    }

    pub fn param(&self, key: u32) -> Option<&'a str> {
        let (a, n) = (self.row.params as usize, self.row.n_params as usize);
        let keys = self.table.param_pool_keys.get(a..a + n)?;
        let i = keys.iter().position(|k| *k == key)?;
        self.table
            .param_pool_values
            .get(a + i)
            .map(|s| self.table.text(*s))
    }

    /// Every param value (for the local text filter).
    pub fn param_values(&self) -> impl Iterator<Item = &'a str> + 'a {
        let (a, n) = (self.row.params as usize, self.row.n_params as usize);
        let table = self.table;
        table.param_pool_values[a..a + n]
            .iter()
            .map(move |s| table.text(*s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::mlflow::{KeyValue, Metric, RunData, RunInfo};

    fn run(id: &str, metrics: &[(&str, f64)], params: &[(&str, &str)], parent: bool) -> Run {
        let mut tags = vec![KeyValue::new("mlflow.user", "me")];
        if parent {
            tags.push(KeyValue::new(PARENT_TAG, "p1"));
        }
        Run {
            info: RunInfo {
                run_id: id.into(),
                run_name: Some(format!("name-{id}")),
                user_id: Some("jane@acme.com".into()),
                status: Some(RunStatus::Finished),
                start_time: Some(1_000),
                end_time: Some(61_000),
                ..Default::default()
            },
            data: RunData {
                metrics: metrics
                    .iter()
                    .map(|(k, v)| Metric {
                        key: k.to_string(),
                        value: *v,
                        timestamp: 0,
                        step: 0,
                    })
                    .collect(),
                params: params.iter().map(|(k, v)| KeyValue::new(*k, *v)).collect(),
                tags,
            },
            ..Default::default()
        }
    }

    #[test]
    fn a_row_is_small() {
        assert!(std::mem::size_of::<Row>() <= 56);
    }

    #[test]
    fn rows_read_back_what_was_pushed() {
        let mut t = RunTable::default();
        t.push(&run(
            "a",
            &[("loss", 0.5), ("auc", 0.8)],
            &[("depth", "6")],
            false,
        ));
        t.push(&run(
            "b",
            &[("auc", 0.9)],
            &[("depth", "3"), ("lr", "0.1")],
            true,
        ));
        let auc = t.metric_keys.get("auc").unwrap();
        let loss = t.metric_keys.get("loss").unwrap();
        let depth = t.param_keys.get("depth").unwrap();
        let a = t.row(0).unwrap();
        assert_eq!(
            (a.id(), a.name(), a.user()),
            ("a", "name-a", "jane@acme.com")
        );
        assert_eq!((a.metric(auc), a.metric(loss)), (Some(0.8), Some(0.5)));
        assert_eq!(a.param(depth), Some("6"));
        assert_eq!(a.parent(), None);
        assert_eq!(a.duration(0), Some(60_000));
        let b = t.row(1).unwrap();
        assert_eq!(b.metric(loss), None);
        assert_eq!(b.parent(), Some("p1"));
        assert_eq!(b.param_values().collect::<Vec<_>>(), vec!["3", "0.1"]);
        assert_eq!(t.position("b"), Some(1));
        assert_eq!(t.common_metrics(1), vec!["auc"]);
        assert_eq!(t.common_params(5), vec!["depth", "lr"]);

        t.clear_rows();
        assert!(t.is_empty());
        assert_eq!(t.metric_keys.get("auc"), Some(auc), "keys survive a reload");
        assert!(t.common_metrics(3).is_empty());
    }
}
