//! `runs/search` over every run the world has: the story's full runs and, with `--scale large`,
//! the compact 100,000-run table. Both are read through [`RunFields`], so the filter language and
//! the ordering rules exist once.
//!
//! Sorting keys are computed once per run, not per comparison. A search over the scale
//! experiment alone (the table never changes) keeps its sorted order per (filter, order_by,
//! view), so paging through 100,000 runs sorts once and each later page is a slice.

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::api::models::mlflow::{LifecycleStage, Run, ViewType, lookup};

use super::experiments::view_includes;
use super::paging;
use super::scale::ScaleRuns;
use super::search::{self, Clause, Entity, OrderBy, SortValue};
use super::world::World;

/// A run attribute's value, typed the way the filter language compares it.
pub(crate) enum Attr<'a> {
    Num(Option<f64>),
    Text(Option<Cow<'a, str>>),
    Unknown,
}

/// What searches read of a run.
pub(crate) trait RunFields {
    fn lifecycle_stage(&self) -> Option<&LifecycleStage>;
    fn metric(&self, key: &str) -> Option<f64>;
    fn param(&self, key: &str) -> Option<Cow<'_, str>>;
    fn tag(&self, key: &str) -> Option<Cow<'_, str>>;
    /// `start_time`, `end_time`, `run_id`, `run_name`, `status`, `user_id`, `artifact_uri`.
    fn attribute(&self, key: &str) -> Attr<'_>;
}

impl RunFields for Run {
    fn lifecycle_stage(&self) -> Option<&LifecycleStage> {
        self.info.lifecycle_stage.as_ref()
    }

    fn metric(&self, key: &str) -> Option<f64> {
        self.data
            .metrics
            .iter()
            .find(|m| m.key == key)
            .map(|m| m.value)
    }

    fn param(&self, key: &str) -> Option<Cow<'_, str>> {
        lookup(&self.data.params, key).map(Cow::Borrowed)
    }

    fn tag(&self, key: &str) -> Option<Cow<'_, str>> {
        lookup(&self.data.tags, key).map(Cow::Borrowed)
    }

    fn attribute(&self, key: &str) -> Attr<'_> {
        let info = &self.info;
        fn text(s: Option<&str>) -> Attr<'_> {
            Attr::Text(s.map(Cow::Borrowed))
        }
        match key {
            "start_time" => Attr::Num(info.start_time.map(|t| t as f64)),
            "end_time" => Attr::Num(info.end_time.map(|t| t as f64)),
            "run_id" => text(Some(&info.run_id)),
            "run_name" => text(info.run_name.as_deref()),
            "status" => text(info.status.as_ref().map(|s| s.as_str())),
            "user_id" => text(info.user_id.as_deref()),
            "artifact_uri" => text(info.artifact_uri.as_deref()),
            _ => Attr::Unknown,
        }
    }
}

/// Run `i` of the scale table.
#[derive(Clone, Copy)]
pub(crate) struct ScaleRun<'a> {
    table: &'a ScaleRuns,
    i: usize,
}

impl RunFields for ScaleRun<'_> {
    fn lifecycle_stage(&self) -> Option<&LifecycleStage> {
        None
    }

    fn metric(&self, key: &str) -> Option<f64> {
        self.table.metric(self.i, key)
    }

    fn param(&self, key: &str) -> Option<Cow<'_, str>> {
        self.table.param(self.i, key).map(Cow::Owned)
    }

    fn tag(&self, key: &str) -> Option<Cow<'_, str>> {
        self.table.tag(self.i, key).map(Cow::Owned)
    }

    fn attribute(&self, key: &str) -> Attr<'_> {
        let (t, i) = (self.table, self.i);
        let owned = |s: String| Attr::Text(Some(Cow::Owned(s)));
        match key {
            "start_time" => Attr::Num(Some(t.start_time(i) as f64)),
            "end_time" => Attr::Num(Some(t.end_time(i) as f64)),
            "run_id" => owned(t.run_id(i)),
            "run_name" => owned(t.run_name(i)),
            "status" => Attr::Text(Some(Cow::Borrowed(t.status_name(i)))),
            "user_id" => Attr::Text(Some(Cow::Borrowed(t.user(i)))),
            "artifact_uri" => owned(t.artifact_uri(i)),
            _ => Attr::Unknown,
        }
    }
}

/// One run found by a search, before it is turned into its answer.
#[derive(Clone, Copy)]
enum Candidate<'a> {
    Full(&'a Run),
    Scale(ScaleRun<'a>),
}

impl Candidate<'_> {
    fn fields(&self) -> &dyn RunFields {
        match self {
            Candidate::Full(r) => *r,
            Candidate::Scale(s) => s,
        }
    }

    fn answer(&self) -> Run {
        match self {
            Candidate::Full(r) => (*r).clone(),
            Candidate::Scale(s) => s.table.materialize(s.i).run,
        }
    }
}

pub(crate) fn matches(r: &dyn RunFields, c: &Clause) -> bool {
    match c.entity {
        Entity::Metric => c.matches_num(r.metric(&c.key)),
        Entity::Param => c.matches_str(r.param(&c.key).as_deref()),
        Entity::Tag => c.matches_str(r.tag(&c.key).as_deref()),
        Entity::Attribute => match r.attribute(&c.key) {
            Attr::Num(n) => c.matches_num(n),
            Attr::Text(t) => c.matches_str(t.as_deref()),
            Attr::Unknown => false,
        },
        // No simulated run logs dataset inputs, so dataset clauses match nothing (as in MLflow).
        Entity::Dataset => false,
    }
}

fn sort_value(r: &dyn RunFields, o: &OrderBy) -> SortValue {
    let text =
        |s: Option<Cow<'_, str>>| s.map_or(SortValue::Missing, |s| SortValue::Text(s.into_owned()));
    let num = |n: Option<f64>| n.map_or(SortValue::Missing, SortValue::Num);
    match o.entity {
        Entity::Metric => num(r.metric(&o.key)),
        Entity::Param => text(r.param(&o.key)),
        Entity::Tag => text(r.tag(&o.key)),
        _ => match r.attribute(&o.key) {
            Attr::Num(n) => num(n),
            Attr::Text(t) => text(t),
            Attr::Unknown => SortValue::Missing,
        },
    }
}

/// A search as parsed from the request.
pub(crate) struct RunQuery<'a> {
    pub experiment_ids: &'a [String],
    pub view: &'a ViewType,
    pub clauses: &'a [Clause],
    pub orders: &'a [OrderBy],
    /// Identifies filter, order and view for the scale table's order cache.
    pub cache_key: String,
}

/// The run's id, for the last tie-break.
fn run_id<'a>(c: &'a Candidate<'_>) -> Cow<'a, str> {
    match c.fields().attribute("run_id") {
        Attr::Text(Some(id)) => id,
        _ => Cow::Borrowed(""),
    }
}

/// The matching runs in MLflow's order: the requested orders, then `start_time DESC`, then
/// `run_id`. Each run's keys are computed once, into one flat table (no allocation per run);
/// run ids, costly to build for the scale table, are only built to break a full tie.
fn ordered<'a>(candidates: Vec<Candidate<'a>>, q: &RunQuery<'_>) -> Vec<Candidate<'a>> {
    let found: Vec<Candidate<'a>> = candidates
        .into_iter()
        .filter(|c| view_includes(q.view, c.fields().lifecycle_stage()))
        .filter(|c| q.clauses.iter().all(|clause| matches(c.fields(), clause)))
        .collect();
    let width = q.orders.len() + 1;
    let mut keys = Vec::with_capacity(found.len() * width);
    for c in &found {
        let f = c.fields();
        keys.extend(q.orders.iter().map(|o| sort_value(f, o)));
        keys.push(match f.attribute("start_time") {
            Attr::Num(Some(t)) => SortValue::Num(t),
            _ => SortValue::Missing,
        });
    }
    let mut order: Vec<usize> = (0..found.len()).collect();
    order.sort_unstable_by(|&a, &b| {
        let (ka, kb) = (&keys[a * width..][..width], &keys[b * width..][..width]);
        q.orders
            .iter()
            .enumerate()
            .map(|(j, o)| search::compare(&ka[j], &kb[j], o.ascending))
            .find(|ord| *ord != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
            .then_with(|| search::compare(&ka[width - 1], &kb[width - 1], false))
            .then_with(|| run_id(&found[a]).cmp(&run_id(&found[b])))
    });
    order.into_iter().map(|i| found[i]).collect()
}

/// One page of a search: the runs and the token of the next page, if more remain.
pub(crate) fn search(
    world: &mut World,
    q: &RunQuery<'_>,
    offset: usize,
    size: usize,
) -> (Vec<Run>, Option<String>) {
    let scale_only = !q.experiment_ids.is_empty()
        && world
            .scale
            .as_ref()
            .is_some_and(|t| q.experiment_ids.iter().all(|id| *id == t.experiment_id));
    if scale_only && let Some(table) = world.scale.as_mut() {
        let order = table.cached_order(&q.cache_key, |t| {
            let all = (0..t.len())
                .map(|i| Candidate::Scale(ScaleRun { table: t, i }))
                .collect();
            ordered(all, q)
                .into_iter()
                .filter_map(|c| match c {
                    Candidate::Scale(s) => Some(s.i as u32),
                    Candidate::Full(_) => None,
                })
                .collect()
        });
        let (page, next) = paging::page(&order, offset, size);
        let runs = page
            .into_iter()
            .map(|i| table.materialize(i as usize).run)
            .collect();
        return (runs, next);
    }

    let mut candidates: Vec<Candidate<'_>> = world
        .runs
        .iter()
        .map(|r| &r.run)
        .filter(|r| q.experiment_ids.contains(&r.info.experiment_id))
        .map(Candidate::Full)
        .collect();
    if let Some(t) = &world.scale
        && q.experiment_ids.contains(&t.experiment_id)
    {
        candidates.extend((0..t.len()).map(|i| Candidate::Scale(ScaleRun { table: t, i })));
    }
    let (page, next) = paging::page(&ordered(candidates, q), offset, size);
    (page.iter().map(Candidate::answer).collect(), next)
}
