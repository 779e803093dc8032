//! The metrics an endpoint screen has scraped since it opened: the raw snapshots (for windows
//! over any span, as the A/B view and the charts need) and, per served entity, one point per
//! scrape interval (rates from counter deltas, percentiles from bucket deltas).

use std::collections::{BTreeMap, VecDeque};

use crate::ops::serving_metrics::{EntityWindow, Snapshot, window, windows};

/// Snapshots kept: one hour at the 2 s poll.
pub const MAX_SNAPSHOTS: usize = 1_800;

/// What one entity did in one scrape interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
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
    fn of(at_ms: i64, w: &EntityWindow) -> Point {
        Point {
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

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricsHistory {
    /// The endpoint these scrapes are of.
    pub endpoint: String,
    pub snapshots: VecDeque<Snapshot>,
    /// Per served entity, one point per interval, oldest first.
    pub points: BTreeMap<String, VecDeque<Point>>,
}

impl MetricsHistory {
    pub fn new(endpoint: &str) -> MetricsHistory {
        MetricsHistory {
            endpoint: endpoint.to_string(),
            ..MetricsHistory::default()
        }
    }

    /// Adds a scrape. One not newer than the last is ignored (a late answer).
    pub fn push(&mut self, snap: Snapshot) {
        if let Some(last) = self.snapshots.back() {
            if snap.at_ms <= last.at_ms {
                return;
            }
            for w in windows(last, &snap) {
                self.points
                    .entry(w.entity.clone())
                    .or_default()
                    .push_back(Point::of(snap.at_ms, &w));
            }
        }
        self.snapshots.push_back(snap);
        if self.snapshots.len() > MAX_SNAPSHOTS {
            self.snapshots.pop_front();
            let oldest = self.snapshots.front().map_or(0, |s| s.at_ms);
            for pts in self.points.values_mut() {
                while pts.front().is_some_and(|p| p.at_ms <= oldest) {
                    pts.pop_front();
                }
            }
        }
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
    /// older than the latest, or the oldest kept.
    fn base_for(&self, span_ms: i64) -> Option<&Snapshot> {
        let latest = self.latest()?;
        let cutoff = latest.at_ms - span_ms;
        self.snapshots
            .iter()
            .rev()
            .find(|s| s.at_ms <= cutoff)
            .or_else(|| self.snapshots.front())
            .filter(|s| s.at_ms < latest.at_ms)
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
}
