//! The metrics scraped of one endpoint: the raw snapshots (for windows over any span, as the
//! A/B view and the charts need) and, per served entity, one point per scrape interval (rates
//! from counter deltas, percentiles from bucket deltas). Kept for the console's life in the
//! metrics store (see `store`), so it may have holes: an interval that spans time nobody
//! scraped (see [`MetricsHistory::mark_gap`]) or longer than [`MAX_INTERVAL_MS`] gives no
//! point, and the charts break their lines there instead of drawing across.

use std::collections::{BTreeMap, VecDeque};

use crate::ops::serving_metrics::{EntityWindow, Snapshot, window, windows};

/// Snapshots kept: one hour at the 2 s poll.
pub const MAX_SNAPSHOTS: usize = 1_800;
/// Snapshots older than this before the newest are dropped (the longest chart window), but
/// for the one a window of exactly this span counts from.
pub const MAX_AGE_MS: i64 = 3_600_000;
/// An interval longer than this is a hole, not a point: a rate averaged over it would draw as
/// a flat line across time nobody saw (twice the request timeout: a scrape never legitimately
/// takes longer).
pub const MAX_INTERVAL_MS: i64 = 60_000;

/// What one entity did in one scrape interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// The start of the interval (the earlier scrape), ms since the epoch. A point whose start
    /// is not the previous point's end follows a hole.
    pub from_ms: i64,
    /// The end of the interval (the later scrape), ms since the epoch.
    pub at_ms: i64,
    pub requests_per_s: f64,
    pub errors_4xx_per_s: f64,
    pub errors_5xx_per_s: f64,
    /// Latency percentiles of the interval in ms (`None` without requests).
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub p99: Option<f64>,
}

impl Point {
    fn of(from_ms: i64, at_ms: i64, w: &EntityWindow) -> Point {
        Point {
            from_ms,
            at_ms,
            requests_per_s: w.requests_per_s,
            errors_4xx_per_s: w.errors_4xx_per_s,
            errors_5xx_per_s: w.errors_5xx_per_s,
            p50: w.latency.map(|l| l.p50),
            p90: w.latency.map(|l| l.p90),
            p99: w.latency.map(|l| l.p99),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MetricsHistory {
    /// The endpoint these scrapes are of.
    pub endpoint: String,
    pub snapshots: VecDeque<Snapshot>,
    /// Per served entity, one point per interval, oldest first.
    pub points: BTreeMap<String, VecDeque<Point>>,
    /// The next scrape starts after a hole: it gives no point.
    gap_pending: bool,
    /// The first snapshot since the last hole: windows never count across a hole.
    run_from_ms: i64,
}

impl Default for MetricsHistory {
    fn default() -> Self {
        MetricsHistory::EMPTY
    }
}

impl MetricsHistory {
    /// No scrapes of no endpoint (what a view shows of an endpoint never scraped).
    pub const EMPTY: MetricsHistory = MetricsHistory {
        endpoint: String::new(),
        snapshots: VecDeque::new(),
        points: BTreeMap::new(),
        gap_pending: false,
        run_from_ms: i64::MIN,
    };

    pub fn new(endpoint: &str) -> MetricsHistory {
        MetricsHistory {
            endpoint: endpoint.to_string(),
            ..MetricsHistory::EMPTY
        }
    }

    /// Says that nobody scraped since the last snapshot (the endpoint was off screen and had
    /// no running canary): the interval up to the next scrape is a hole, not a point.
    pub fn mark_gap(&mut self) {
        if !self.snapshots.is_empty() {
            self.gap_pending = true;
        }
    }

    /// Adds a scrape. One not newer than the last is ignored (a late answer).
    pub fn push(&mut self, snap: Snapshot) {
        if let Some(last) = self.snapshots.back() {
            if snap.at_ms <= last.at_ms {
                return;
            }
            let hole = self.gap_pending || snap.at_ms - last.at_ms > MAX_INTERVAL_MS;
            if hole {
                self.run_from_ms = snap.at_ms;
            } else {
                for w in windows(last, &snap) {
                    self.points
                        .entry(w.entity.clone())
                        .or_default()
                        .push_back(Point::of(last.at_ms, snap.at_ms, &w));
                }
            }
        }
        self.gap_pending = false;
        self.snapshots.push_back(snap);
        self.trim();
    }

    /// Keeps at most [`MAX_SNAPSHOTS`], none older than [`MAX_AGE_MS`] before the newest but
    /// the base of a window of that span, and the points those snapshots cover.
    fn trim(&mut self) {
        let cutoff = self.latest().map_or(i64::MIN, |l| l.at_ms - MAX_AGE_MS);
        let mut dropped = false;
        while self.snapshots.len() > MAX_SNAPSHOTS
            || self.snapshots.get(1).is_some_and(|s| s.at_ms <= cutoff)
        {
            self.snapshots.pop_front();
            dropped = true;
        }
        if !dropped {
            return;
        }
        let oldest = self.snapshots.front().map_or(0, |s| s.at_ms);
        for pts in self.points.values_mut() {
            while pts.front().is_some_and(|p| p.at_ms <= oldest) {
                pts.pop_front();
            }
        }
    }

    /// Points kept over every entity (for the store's bound and tests).
    pub fn point_count(&self) -> usize {
        self.points.values().map(VecDeque::len).sum()
    }

    pub fn latest(&self) -> Option<&Snapshot> {
        self.snapshots.back()
    }

    /// The newest point of `entity`.
    pub fn last_point(&self, entity: &str) -> Option<&Point> {
        self.points.get(entity)?.back()
    }

    /// Points of `entity` newer than `since_ms`.
    pub fn points_since(&self, entity: &str, since_ms: i64) -> impl Iterator<Item = &Point> {
        self.points
            .get(entity)
            .into_iter()
            .flat_map(move |pts| pts.iter().filter(move |p| p.at_ms > since_ms))
    }

    /// The snapshot to count a window of `span_ms` from: the newest one at least `span_ms`
    /// older than the latest, or the oldest kept — never one before a hole (a window is not
    /// averaged over time nobody scraped; it covers less while the run is young).
    fn base_for(&self, span_ms: i64) -> Option<&Snapshot> {
        let latest = self.latest()?;
        let cutoff = latest.at_ms - span_ms;
        let mut oldest = None;
        for s in self.snapshots.iter().rev() {
            if s.at_ms < self.run_from_ms {
                break;
            }
            if s.at_ms <= cutoff {
                oldest = Some(s);
                break;
            }
            oldest = Some(s);
        }
        oldest.filter(|s| s.at_ms < latest.at_ms)
    }

    /// What `entity` did over (about) the last `span_ms`: from the base snapshot to the latest.
    /// `None` until two scrapes exist or when the entity is not in the latest one.
    pub fn window(&self, entity: &str, span_ms: i64) -> Option<EntityWindow> {
        let latest = self.latest()?;
        let base = self.base_for(span_ms)?;
        let curr = latest.entities.get(entity)?;
        let seconds = (latest.at_ms - base.at_ms) as f64 / 1000.0;
        Some(window(entity, base.entities.get(entity), curr, seconds))
    }

    /// The span a window of `span_ms` really covers (shorter while history is young).
    pub fn covered_ms(&self, span_ms: i64) -> i64 {
        match (self.latest(), self.base_for(span_ms)) {
            (Some(l), Some(b)) => l.at_ms - b.at_ms,
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::serving_metrics::{Bucket, EntityCounters};

    fn snap(at_ms: i64, requests: f64, errors: f64) -> Snapshot {
        let c = EntityCounters {
            requests,
            errors_5xx: errors,
            latency_buckets: vec![
                Bucket {
                    le: 10.0,
                    count: requests * 0.5,
                },
                Bucket {
                    le: 50.0,
                    count: requests * 0.9,
                },
                Bucket {
                    le: f64::INFINITY,
                    count: requests,
                },
            ],
            latency_count: requests,
            latency_sum: requests * 20.0,
            ..EntityCounters::default()
        };
        Snapshot {
            at_ms,
            entities: [("a".to_string(), c)].into_iter().collect(),
        }
    }

    #[test]
    fn points_are_rates_between_scrapes_and_late_answers_are_ignored() {
        let mut h = MetricsHistory::new("ep");
        h.push(snap(0, 0.0, 0.0));
        assert!(
            h.last_point("a").is_none(),
            "one scrape has no interval yet"
        );
        h.push(snap(2_000, 100.0, 4.0));
        h.push(snap(1_000, 9_999.0, 0.0));
        let p = h.last_point("a").unwrap();
        assert_eq!(p.at_ms, 2_000);
        assert!((p.requests_per_s - 50.0).abs() < 1e-9);
        assert!((p.errors_5xx_per_s - 2.0).abs() < 1e-9);
        assert!(p.p50.unwrap() > 0.0 && p.p50.unwrap() <= 10.0);
        assert_eq!(h.snapshots.len(), 2);
    }

    #[test]
    fn windows_count_from_the_snapshot_before_the_span() {
        let mut h = MetricsHistory::new("ep");
        for i in 0..=10 {
            h.push(snap(i * 1_000, i as f64 * 10.0, 0.0));
        }
        let w = h.window("a", 4_000).unwrap();
        assert!((w.requests - 40.0).abs() < 1e-9);
        assert_eq!(h.covered_ms(4_000), 4_000);
        // Longer than the history: everything kept.
        let all = h.window("a", 60_000).unwrap();
        assert!((all.requests - 100.0).abs() < 1e-9);
        assert_eq!(h.covered_ms(60_000), 10_000);
        assert!(h.window("missing", 4_000).is_none());
    }

    #[test]
    fn the_history_is_bounded() {
        let mut h = MetricsHistory::new("ep");
        for i in 0..(MAX_SNAPSHOTS as i64 + 50) {
            h.push(snap(i * 1_000, i as f64, 0.0));
        }
        assert_eq!(h.snapshots.len(), MAX_SNAPSHOTS);
        let first = h.snapshots.front().unwrap().at_ms;
        assert!(h.points["a"].front().unwrap().at_ms > first);
    }

    #[test]
    fn an_interval_nobody_watched_or_too_long_is_a_hole_not_a_point() {
        let mut h = MetricsHistory::new("ep");
        for i in 0..3 {
            h.push(snap(i * 2_000, i as f64 * 100.0, 0.0));
        }
        assert_eq!(h.point_count(), 2);
        // Nobody scraped for five minutes: the scrape after that gives no point.
        h.mark_gap();
        h.push(snap(304_000, 30_000.0, 0.0));
        assert_eq!(h.point_count(), 2, "no rate averaged over the hole");
        h.push(snap(306_000, 30_100.0, 0.0));
        let p = *h.last_point("a").unwrap();
        assert_eq!((p.from_ms, p.at_ms), (304_000, 306_000));
        assert!((p.requests_per_s - 50.0).abs() < 1e-9);
        // The point before the hole ends where no later point starts.
        let before = h.points["a"][1];
        assert_eq!(before.at_ms, 4_000);
        assert_ne!(p.from_ms, before.at_ms);
        // Windows count from after the hole: two seconds so far, not five minutes.
        assert_eq!(h.covered_ms(60_000), 2_000);
        let w = h.window("a", 60_000).unwrap();
        assert!((w.requests - 100.0).abs() < 1e-9, "{w:?}");
        // A scrape that took longer than a scrape can: a hole as well.
        h.push(snap(306_000 + MAX_INTERVAL_MS + 1, 40_000.0, 0.0));
        assert_eq!(h.point_count(), 3);
        // A gap marked on an empty history is nothing to remember.
        let mut empty = MetricsHistory::new("ep");
        empty.mark_gap();
        empty.push(snap(0, 0.0, 0.0));
        empty.push(snap(2_000, 100.0, 0.0));
        assert_eq!(empty.point_count(), 1);
    }

    #[test]
    fn snapshots_older_than_the_longest_window_go_but_for_its_base() {
        let mut h = MetricsHistory::new("ep");
        // Ten scrapes, a long pause, then scrapes again for more than an hour.
        for i in 0..10 {
            h.push(snap(i * 2_000, i as f64, 0.0));
        }
        h.mark_gap();
        let start = 20 * 60_000;
        for i in 0..=2_000 {
            h.push(snap(start + i * 3_000, 100.0 + i as f64, 0.0));
        }
        let latest = h.latest().unwrap().at_ms;
        let oldest = h.snapshots.front().unwrap().at_ms;
        assert!(
            oldest <= latest - MAX_AGE_MS,
            "the base of a 1 h window is kept"
        );
        assert!(h.snapshots[1].at_ms > latest - MAX_AGE_MS);
        assert_eq!(h.covered_ms(MAX_AGE_MS), latest - oldest);
        assert!(h.points["a"].iter().all(|p| p.at_ms > oldest));
        assert!(h.point_count() <= MAX_SNAPSHOTS);
    }
}
