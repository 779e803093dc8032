//! Every endpoint's metrics for the console's whole life, so leaving an endpoint and coming
//! back shows what was scraped before (the last hour of it) at once and carries on from there.
//! Owned by the state, not by the endpoint screen. Bounded twice: each endpoint's history by
//! [`MetricsHistory`]'s own caps (one hour of 2 s scrapes), and the number of endpoints by
//! [`MAX_ENDPOINTS`] — beyond it the endpoint viewed least recently goes, never one still being
//! scraped (on screen, or with a canary plan running here) nor one the caller keeps.
//!
//! Whether an endpoint is being scraped is counted in clock ticks: one not asked for during a
//! whole tick was left, and the scrape that finds it again starts after a hole.
//!
//! The console talks to one workspace per process: the store is made for that workspace, so an
//! endpoint of the same name on another workspace never shares its history.

use std::collections::BTreeMap;

use crate::api::ApiResult;
use crate::ops::Workspace;
use crate::ops::serving_metrics::Snapshot;

use super::super::super::remote::{Accepted, LoadError, Remote, RequestId};
use super::history::MetricsHistory;

/// Endpoints whose history is kept, each at most an hour of scrapes (see `MetricsHistory`):
/// most of an endpoint's memory is the snapshots' counters, kept for windows of any span.
pub const MAX_ENDPOINTS: usize = 8;

/// What an endpoint never scraped shows.
static NO_HISTORY: MetricsHistory = MetricsHistory::EMPTY;
static NO_SCRAPE: Remote<()> = Remote {
    data: None,
    loaded_at: None,
    answered_at: None,
    pending: None,
    error: None,
};

/// One endpoint's scrapes.
#[derive(Debug, Clone, Default)]
pub struct EndpointMetrics {
    pub history: MetricsHistory,
    /// The scrape in flight (at most one per endpoint) and the last answer: when the next is
    /// due, and the load state the screen shows.
    pub scrape: Remote<()>,
    /// When the endpoint was last on screen (ms since the epoch): the least recent goes first.
    pub viewed_ms: i64,
    /// The last tick its scrapes were looked after in.
    watched_tick: u64,
}

#[derive(Debug, Clone)]
pub struct MetricsStore {
    workspace: Workspace,
    endpoints: BTreeMap<String, EndpointMetrics>,
    limit: usize,
    /// Clock ticks so far.
    tick: u64,
}

impl MetricsStore {
    pub fn new(workspace: Workspace) -> MetricsStore {
        MetricsStore::with_limit(workspace, MAX_ENDPOINTS)
    }

    /// A store keeping at most `limit` endpoints (but those kept).
    pub fn with_limit(workspace: Workspace, limit: usize) -> MetricsStore {
        MetricsStore {
            workspace,
            endpoints: BTreeMap::new(),
            limit: limit.max(1),
            tick: 0,
        }
    }

    /// A clock tick begins.
    pub fn next_tick(&mut self) {
        self.tick += 1;
    }

    /// Whether `e` was looked after in this tick or the one before (it is being scraped).
    fn in_use(&self, e: &EndpointMetrics) -> bool {
        e.watched_tick + 1 >= self.tick
    }

    /// The workspace the endpoints are of.
    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }

    pub fn get(&self, name: &str) -> Option<&EndpointMetrics> {
        self.endpoints.get(name)
    }

    pub fn get_mut(&mut self, name: &str) -> Option<&mut EndpointMetrics> {
        self.endpoints.get_mut(name)
    }

    /// The history of `name` (empty when it was never scraped or was dropped).
    pub fn history(&self, name: &str) -> &MetricsHistory {
        self.get(name).map_or(&NO_HISTORY, |e| &e.history)
    }

    /// The scrape state of `name` (never asked when it was never scraped).
    pub fn scrape(&self, name: &str) -> &Remote<()> {
        self.get(name).map_or(&NO_SCRAPE, |e| &e.scrape)
    }

    /// Endpoints kept, by name.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.endpoints.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.endpoints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.endpoints.is_empty()
    }

    /// The entry of `name`, made when new, whose scrapes are looked after now: when nobody
    /// scraped it for a whole tick, the next interval is a hole in its history. Beyond the
    /// limit, the endpoint viewed least recently that is not being scraped and that `keep` does
    /// not hold on to is dropped (none, when every other one is held).
    pub fn watch(&mut self, name: &str, keep: impl Fn(&str) -> bool) -> &mut EndpointMetrics {
        let tick = self.tick;
        if !self.endpoints.contains_key(name) {
            let fresh = EndpointMetrics {
                history: MetricsHistory::new(name),
                watched_tick: tick,
                ..EndpointMetrics::default()
            };
            self.endpoints.insert(name.to_string(), fresh);
            while self.endpoints.len() > self.limit {
                let oldest = self
                    .endpoints
                    .iter()
                    .filter(|(n, e)| n.as_str() != name && !keep(n) && !self.in_use(e))
                    .min_by_key(|(_, e)| e.viewed_ms)
                    .map(|(n, _)| n.clone());
                match oldest {
                    Some(n) => self.endpoints.remove(&n),
                    None => break,
                };
            }
        }
        let e = self
            .endpoints
            .get_mut(name)
            .expect("the entry was just made");
        if e.watched_tick + 1 < tick {
            e.history.mark_gap();
        }
        e.watched_tick = tick;
        e
    }

    /// The answer to scrape `req` of `name`: a snapshot joins its history. An answer for an
    /// endpoint dropped meanwhile, or not to its newest scrape, is stale.
    pub fn accept(
        &mut self,
        name: &str,
        req: RequestId,
        at_ms: i64,
        result: ApiResult<Box<Snapshot>>,
    ) -> Accepted {
        let Some(EndpointMetrics {
            history, scrape, ..
        }) = self.endpoints.get_mut(name)
        else {
            return Accepted::Stale;
        };
        scrape.accept(req, at_ms, result, |slot, snap| {
            *slot = Some(());
            history.push(*snap);
        })
    }

    /// Scrape `req` died (a panic): the endpoint it was for, and what became of the failure.
    pub fn fail(&mut self, req: RequestId, at_ms: i64, e: LoadError) -> Option<(String, Accepted)> {
        let (name, entry) = self
            .endpoints
            .iter_mut()
            .find(|(_, m)| m.scrape.pending == Some(req))?;
        Some((name.clone(), entry.scrape.fail(req, at_ms, e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::serving_metrics::EntityCounters;

    fn store(limit: usize) -> MetricsStore {
        MetricsStore::with_limit(
            Workspace::new("https://dbc-1.cloud.databricks.com", None),
            limit,
        )
    }

    fn snap(at_ms: i64, requests: f64) -> Box<Snapshot> {
        let c = EntityCounters {
            requests,
            ..EntityCounters::default()
        };
        Box::new(Snapshot {
            at_ms,
            entities: [("a".to_string(), c)].into_iter().collect(),
        })
    }

    /// Scrapes `name` once at `at_ms`, as the update does.
    fn scrape(s: &mut MetricsStore, name: &str, req: RequestId, at_ms: i64) -> Accepted {
        s.watch(name, |_| false).scrape.start(req);
        s.accept(name, req, at_ms, Ok(snap(at_ms, at_ms as f64 / 10.0)))
    }

    #[test]
    fn the_least_recently_viewed_endpoint_goes_but_never_a_kept_one() {
        let mut s = store(3);
        for (i, name) in ["a", "b", "c"].iter().enumerate() {
            s.watch(name, |_| false).viewed_ms = 10 * i as i64;
        }
        s.next_tick();
        s.next_tick();
        // "a" was viewed longest ago, but a canary runs on it: "b" goes.
        s.watch("d", |n| n == "a");
        assert_eq!(s.names().collect::<Vec<_>>(), ["a", "c", "d"]);
        // Nothing to drop: "d" is being scraped, the rest kept. The store grows past its limit
        // rather than lose one.
        s.watch("e", |n| n != "d");
        assert_eq!(s.len(), 4);
        // Two ticks later nothing is scraped any more: the oldest views go until the limit
        // holds again, "a" (at 0), then "d" (never on screen).
        s.next_tick();
        s.next_tick();
        s.watch("f", |_| false);
        assert_eq!(s.names().collect::<Vec<_>>(), ["c", "e", "f"]);
        assert_eq!(s.len(), 3);
    }

    #[test]
    fn many_endpoints_stay_within_the_limit() {
        let mut s = store(MAX_ENDPOINTS);
        for i in 0..50 {
            s.next_tick();
            s.next_tick();
            let name = format!("ep-{i}");
            s.watch(&name, |_| false).viewed_ms = i;
            assert!(s.len() <= MAX_ENDPOINTS);
        }
        assert!(s.get("ep-49").is_some() && s.get("ep-0").is_none());
        // Endpoints still being scraped are never dropped, even past the limit.
        let mut s = store(2);
        for i in 0..5 {
            s.watch(&format!("ep-{i}"), |_| false);
        }
        assert_eq!(s.len(), 5);
    }

    #[test]
    fn answers_join_their_endpoint_and_stale_ones_are_dropped() {
        let mut s = store(4);
        assert_eq!(scrape(&mut s, "a", 1, 2_000), Accepted::Ok);
        assert_eq!(scrape(&mut s, "a", 2, 4_000), Accepted::Ok);
        assert_eq!(scrape(&mut s, "b", 3, 4_000), Accepted::Ok);
        assert_eq!(s.history("a").snapshots.len(), 2);
        assert_eq!(s.history("b").snapshots.len(), 1);
        assert!(s.history("missing").snapshots.is_empty());
        assert!(s.scrape("missing").is_due(0, Some(2_000)));
        // Not the newest request, or an endpoint no longer kept.
        assert_eq!(
            s.accept("a", 1, 9_000, Ok(snap(9_000, 1.0))),
            Accepted::Stale
        );
        assert_eq!(
            s.accept("gone", 9, 9_000, Ok(snap(9_000, 1.0))),
            Accepted::Stale
        );
        // A scrape task that died fails its endpoint's scrape.
        s.watch("b", |_| false).scrape.start(4);
        let failed = s.fail(4, 5_000, LoadError::Failed("boom".into()));
        assert_eq!(
            failed,
            Some(("b".to_string(), Accepted::NewError("boom".into())))
        );
        assert_eq!(s.history("b").snapshots.len(), 1, "kept through the error");
    }

    #[test]
    fn scraping_again_after_nobody_watched_leaves_a_hole() {
        let mut s = store(4);
        for i in 1..=3 {
            scrape(&mut s, "a", i, i as i64 * 2_000);
        }
        assert_eq!(s.history("a").point_count(), 2);
        // Scraped again in the next tick: the next interval is a point.
        s.next_tick();
        scrape(&mut s, "a", 4, 8_000);
        assert_eq!(s.history("a").point_count(), 3);
        // A whole tick nobody asked for it, then back: the interval across is no point.
        s.next_tick();
        s.next_tick();
        scrape(&mut s, "a", 5, 120_000);
        assert_eq!(s.history("a").point_count(), 3);
        scrape(&mut s, "a", 6, 122_000);
        assert_eq!(s.history("a").point_count(), 4);
    }
}
