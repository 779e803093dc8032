//! The endpoint charts' series, derived when a scrape arrives rather than on every frame: per
//! served entity, the points inside the chart window (kept incrementally: new points appended,
//! points that left the window dropped) and, from them, the six series the charts draw,
//! downsampled for the chart width (see [`downsample::min_max_path`]) with x in seconds
//! before the newest scrape. Where the history has a hole (a time nobody scraped), a series
//! has a [`BREAK`] and each run is downsampled on its own, so no line is drawn across it. A
//! frame only picks and colours them.

use std::collections::{BTreeMap, VecDeque};

use ratatui::layout::{Constraint, Layout, Rect};

use crate::export::chart_spec::{BREAK, is_break};
use crate::ops::downsample;

use super::history::{MetricsHistory, Point};

/// Width in cells of each of the three live charts on a screen `screen_width` wide: the
/// endpoint panel's inside (its border takes a cell each side), in three equal columns.
pub fn chart_width(screen_width: u16) -> u16 {
    let inside = Rect::new(0, 0, screen_width.saturating_sub(2), 1);
    let [first, _, _] = Layout::horizontal([Constraint::Fill(1); 3]).areas(inside);
    first.width
}

/// Downsampling resolution of a chart `width` cells wide: one bucket per cell, so its minimum
/// and maximum fill the cell's two braille dot columns (more points would only be drawn over
/// each other, at a cost that grows with the window).
pub fn buckets_for(width: u16) -> usize {
    usize::from(width).max(1)
}

/// What the derived series were made for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeriesKey {
    pub window_ms: i64,
    pub buckets: usize,
    /// The newest scrape (x = 0).
    pub latest_ms: i64,
}

/// The series of one served entity, ready to draw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntitySeries {
    pub requests_per_s: Vec<(f64, f64)>,
    pub p50: Vec<(f64, f64)>,
    pub p90: Vec<(f64, f64)>,
    pub p99: Vec<(f64, f64)>,
    pub errors_4xx_per_s: Vec<(f64, f64)>,
    pub errors_5xx_per_s: Vec<(f64, f64)>,
}

impl EntitySeries {
    fn of(points: &VecDeque<Point>, latest_ms: i64, buckets: usize) -> EntitySeries {
        let pick = |f: fn(&Point) -> Option<f64>| series(points, latest_ms, buckets, f);
        EntitySeries {
            requests_per_s: pick(|p| Some(p.requests_per_s)),
            p50: pick(|p| p.p50),
            p90: pick(|p| p.p90),
            p99: pick(|p| p.p99),
            errors_4xx_per_s: pick(|p| Some(p.errors_4xx_per_s)),
            errors_5xx_per_s: pick(|p| Some(p.errors_5xx_per_s)),
        }
    }
}

/// One series of `points` (x in seconds before `latest_ms`), downsampled to `buckets`, with a
/// [`BREAK`] where a point does not start where the one before ended (a hole in the history).
fn series(
    points: &VecDeque<Point>,
    latest_ms: i64,
    buckets: usize,
    f: fn(&Point) -> Option<f64>,
) -> Vec<(f64, f64)> {
    let mut pts: Vec<(f64, f64)> = Vec::with_capacity(points.len());
    let mut runs = 1;
    let mut prev_end = None;
    for p in points {
        let joined = prev_end.is_none_or(|end| end == p.from_ms);
        prev_end = Some(p.at_ms);
        let Some(v) = f(p) else { continue };
        if !joined && pts.last().is_some_and(|l| !is_break(l)) {
            pts.push(BREAK);
            runs += 1;
        }
        pts.push(((p.at_ms - latest_ms) as f64 / 1000.0, v));
    }
    if runs == 1 {
        return downsample::min_max_path(&pts, buckets);
    }
    // Each run gets the buckets of its share of the points (at least one).
    let total = pts.len() - (runs - 1);
    let mut out = Vec::with_capacity(2 * buckets + 2 * runs);
    for run in pts.split(is_break) {
        let share = (buckets * run.len()).div_ceil(total.max(1)).max(1);
        let part = downsample::min_max_path(run, share);
        if part.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(BREAK);
        }
        out.extend(part);
    }
    out
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LiveSeries {
    pub key: SeriesKey,
    /// Per entity, the points newer than `latest_ms - window_ms`, oldest first.
    windowed: BTreeMap<String, VecDeque<Point>>,
    pub derived: BTreeMap<String, EntitySeries>,
}

impl LiveSeries {
    /// Everything from the history, for a window of `window_ms` and `buckets`.
    pub fn from_scratch(h: &MetricsHistory, window_ms: i64, buckets: usize) -> LiveSeries {
        let latest_ms = h.latest().map_or(0, |l| l.at_ms);
        let since = latest_ms - window_ms;
        let windowed = h
            .points
            .iter()
            .map(|(name, pts)| {
                let inside = pts.iter().filter(|p| p.at_ms > since).copied().collect();
                (name.clone(), inside)
            })
            .collect();
        let mut live = LiveSeries {
            key: SeriesKey {
                window_ms,
                buckets,
                latest_ms,
            },
            windowed,
            derived: BTreeMap::new(),
        };
        live.derive();
        live
    }

    /// Brings the series up to date with `h`: the new points appended and the ones that left
    /// the window dropped; from scratch when the window or the width changed, or the history
    /// is not the one these series were made from.
    pub fn refresh(&mut self, h: &MetricsHistory, window_ms: i64, buckets: usize) {
        let latest_ms = h.latest().map_or(0, |l| l.at_ms);
        let same_shape = self.key.window_ms == window_ms && self.key.buckets == buckets;
        if !same_shape || latest_ms < self.key.latest_ms || self.windowed.is_empty() {
            *self = LiveSeries::from_scratch(h, window_ms, buckets);
            return;
        }
        if latest_ms == self.key.latest_ms {
            return;
        }
        let since = latest_ms - window_ms;
        for (name, pts) in &h.points {
            let kept = self.windowed.entry(name.clone()).or_default();
            let last = kept.back().map_or(i64::MIN, |p| p.at_ms);
            let fresh = pts.iter().rev().take_while(|p| p.at_ms > last).count();
            kept.extend(
                pts.iter()
                    .skip(pts.len() - fresh)
                    .filter(|p| p.at_ms > since),
            );
            while kept.front().is_some_and(|p| p.at_ms <= since) {
                kept.pop_front();
            }
        }
        self.key.latest_ms = latest_ms;
        self.derive();
    }

    /// Whether these series are the ones a chart of `window_ms` and `buckets` over `h` shows.
    pub fn is_for(&self, h: &MetricsHistory, window_ms: i64, buckets: usize) -> bool {
        self.key
            == SeriesKey {
                window_ms,
                buckets,
                latest_ms: h.latest().map_or(0, |l| l.at_ms),
            }
    }

    fn derive(&mut self) {
        let SeriesKey {
            buckets, latest_ms, ..
        } = self.key;
        self.derived = self
            .windowed
            .iter()
            .map(|(name, pts)| (name.clone(), EntitySeries::of(pts, latest_ms, buckets)))
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::serving_metrics::{Bucket, EntityCounters, Snapshot};

    fn scrape(i: i64) -> Snapshot {
        let entity = |rps: f64| {
            let total = (i as f64 * 2.0 * rps + 3.0 * (i as f64 * 0.7).sin()).max(0.0);
            EntityCounters {
                requests: total,
                errors_5xx: (total * 0.01).round(),
                latency_buckets: vec![
                    Bucket {
                        le: 10.0,
                        count: total * 0.6,
                    },
                    Bucket {
                        le: f64::INFINITY,
                        count: total,
                    },
                ],
                latency_count: total,
                ..EntityCounters::default()
            }
        };
        let mut entities: BTreeMap<String, EntityCounters> =
            [("a".to_string(), entity(40.0))].into_iter().collect();
        // "b" appears late: series start when an entity does.
        if i > 40 {
            entities.insert("b".into(), entity(5.0));
        }
        Snapshot {
            at_ms: i * 2_000,
            entities,
        }
    }

    #[test]
    fn series_updated_scrape_by_scrape_equal_a_from_scratch_computation() {
        let mut h = MetricsHistory::new("ep");
        let mut live = LiveSeries::default();
        let (window, buckets) = (60_000, 8);
        for i in 0..200 {
            h.push(scrape(i));
            live.refresh(&h, window, buckets);
            assert!(live.is_for(&h, window, buckets));
            assert_eq!(
                live,
                LiveSeries::from_scratch(&h, window, buckets),
                "scrape {i}"
            );
        }
        // 30 intervals in a minute of 2 s scrapes, downsampled to at most 2 per bucket.
        assert_eq!(live.windowed["a"].len(), 30);
        assert!(live.derived["a"].requests_per_s.len() <= 2 * buckets);
        let xs: Vec<f64> = live.derived["a"]
            .requests_per_s
            .iter()
            .map(|p| p.0)
            .collect();
        assert!(xs.iter().all(|x| (-60.0..=0.0).contains(x)), "{xs:?}");
        // Another window or width: derived afresh.
        live.refresh(&h, 300_000, 20);
        assert_eq!(live, LiveSeries::from_scratch(&h, 300_000, 20));
        assert!(!live.is_for(&h, window, buckets));
    }

    #[test]
    fn unchanged_history_is_not_derived_again() {
        let mut h = MetricsHistory::new("ep");
        for i in 0..50 {
            h.push(scrape(i));
        }
        let mut live = LiveSeries::from_scratch(&h, 60_000, 8);
        live.derived.clear();
        live.refresh(&h, 60_000, 8);
        assert!(
            live.derived.is_empty(),
            "nothing new arrived: kept as it was"
        );
    }

    #[test]
    fn each_chart_is_a_third_of_the_panel() {
        assert_eq!(chart_width(200), 66);
        assert_eq!(chart_width(0), 0);
        assert_eq!(buckets_for(0), 1);
    }

    #[test]
    fn a_hole_in_the_history_breaks_every_line_and_nothing_spans_it() {
        let mut h = MetricsHistory::new("ep");
        let mut live = LiveSeries::default();
        let (window, buckets) = (300_000, 8);
        for i in 0..200 {
            if i == 60 {
                // Nobody scraped from scrape 59 to scrape 150.
                h.mark_gap();
            }
            if (60..150).contains(&i) {
                continue;
            }
            h.push(scrape(i));
            live.refresh(&h, window, buckets);
            assert_eq!(
                live,
                LiveSeries::from_scratch(&h, window, buckets),
                "scrape {i}"
            );
        }
        let rps = &live.derived["a"].requests_per_s;
        let breaks: Vec<usize> = (0..rps.len()).filter(|i| is_break(&rps[*i])).collect();
        assert_eq!(breaks.len(), 1, "{rps:?}");
        let (before, after) = (rps[breaks[0] - 1], rps[breaks[0] + 1]);
        // Scrape 59 (the last point before the hole) is 280 s before the newest (199), scrape
        // 151 (the first point after it) 96 s: no point in between.
        assert!(
            before.0 <= -280.0 && after.0 >= -96.0,
            "{before:?} {after:?}"
        );
        let drawn = rps.iter().filter(|p| !is_break(p));
        assert!(drawn.clone().all(|p| p.0 <= -280.0 || p.0 >= -96.0));
        assert!(drawn.count() <= 2 * buckets + 2);
        // Every series of every entity breaks there.
        for e in live.derived.values() {
            for s in [&e.requests_per_s, &e.p99, &e.errors_5xx_per_s] {
                assert_eq!(s.iter().filter(|p| is_break(p)).count(), 1);
            }
        }
    }
}
