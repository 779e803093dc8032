//! Charts in the app: metric histories, the zoom and x axis of a chart view, and the builders
//! that turn them into a [`ChartSpec`] (what a chart shows, defined in `export::chart_spec`;
//! drawn by `ui::chart` and written by `export::chart`).

use ratatui::style::Color;

use crate::export::chart_spec::{ChartSpec, Series, SeriesKind, drawable_bounds};
use crate::ops::downsample;

use super::format;

/// One point of a metric history.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HistPoint {
    pub step: i64,
    pub timestamp: i64,
    pub value: f64,
}

/// A metric's history as loaded (all pages, up to a cap).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub points: Vec<HistPoint>,
    /// The cap was reached before the last page.
    pub truncated: bool,
}

/// What the x axis measures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum XAxis {
    #[default]
    Step,
    /// Seconds since the series' first point.
    WallTime,
}

impl XAxis {
    pub fn label(self) -> &'static str {
        match self {
            XAxis::Step => "step",
            XAxis::WallTime => "wall time",
        }
    }
}

/// Zoom and axis of one chart: the visible part of the x range as fractions of the full range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartView {
    pub x_axis: XAxis,
    pub window: (f64, f64),
}

impl Default for ChartView {
    fn default() -> Self {
        ChartView {
            x_axis: XAxis::Step,
            window: (0.0, 1.0),
        }
    }
}

/// Zooming stops at 1/1024 of the range.
const MIN_SPAN: f64 = 1.0 / 1024.0;

impl ChartView {
    /// Halves the visible span around its centre.
    pub fn zoom_in(&mut self) {
        let (lo, hi) = self.window;
        let span = ((hi - lo) / 2.0).max(MIN_SPAN);
        let mid = (lo + hi) / 2.0;
        self.set(mid - span / 2.0, span);
    }

    /// Doubles the visible span around its centre (never beyond the full range).
    pub fn zoom_out(&mut self) {
        let (lo, hi) = self.window;
        let span = ((hi - lo) * 2.0).min(1.0);
        let mid = (lo + hi) / 2.0;
        self.set(mid - span / 2.0, span);
    }

    pub fn reset(&mut self) {
        self.window = (0.0, 1.0);
    }

    /// Moves the window by a quarter of its span (`dir` -1 left, +1 right).
    pub fn pan(&mut self, dir: f64) {
        let (lo, hi) = self.window;
        let span = hi - lo;
        self.set(lo + dir * span / 4.0, span);
    }

    pub fn is_zoomed(&self) -> bool {
        self.window != (0.0, 1.0)
    }

    /// Places a window of `span` starting at `lo`, kept inside [0, 1].
    fn set(&mut self, lo: f64, span: f64) {
        let lo = lo.clamp(0.0, 1.0 - span);
        self.window = (lo, lo + span);
    }

    pub fn toggle_axis(&mut self) {
        self.x_axis = match self.x_axis {
            XAxis::Step => XAxis::WallTime,
            XAxis::WallTime => XAxis::Step,
        };
    }
}

/// The x of every point of `h` on `axis`.
fn xy(h: &History, axis: XAxis) -> Vec<(f64, f64)> {
    let t0 = h.points.iter().map(|p| p.timestamp).min().unwrap_or(0);
    let mut pts: Vec<(f64, f64)> = h
        .points
        .iter()
        .map(|p| {
            let x = match axis {
                XAxis::Step => p.step as f64,
                XAxis::WallTime => (p.timestamp - t0) as f64 / 1000.0,
            };
            (x, p.value)
        })
        .collect();
    pts.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
    pts
}

/// Metric histories as lines: each series cut to the zoom window, then downsampled to about
/// `buckets` buckets (the min and max of each survive).
pub fn lines(
    title: String,
    y_title: String,
    series: &[(String, Color, &History)],
    view: &ChartView,
    buckets: usize,
) -> ChartSpec {
    let all: Vec<Vec<(f64, f64)>> = series.iter().map(|(_, _, h)| xy(h, view.x_axis)).collect();
    let (min_x, max_x) = extent(all.iter().flatten().map(|p| p.0));
    let span = max_x - min_x;
    let lo = min_x + view.window.0 * span;
    let hi = min_x + view.window.1 * span;
    let mut out = Vec::new();
    for ((name, color, _), pts) in series.iter().zip(all) {
        let a = pts.partition_point(|p| p.0 < lo);
        let b = pts.partition_point(|p| p.0 <= hi);
        let windowed = &pts[a..b.max(a)];
        out.push(Series {
            name: name.clone(),
            color: *color,
            kind: SeriesKind::Line,
            points: downsample::min_max(windowed, buckets),
        });
    }
    let x_bounds = padded_x(lo, hi);
    let y_bounds = padded_y(out.iter().flat_map(|s| s.points.iter().map(|p| p.1)));
    let mid = (x_bounds[0] + x_bounds[1]) / 2.0;
    let x_labels = [x_bounds[0], mid, x_bounds[1]]
        .iter()
        .map(|x| match view.x_axis {
            XAxis::Step => format!("{}", x.round() as i64),
            XAxis::WallTime => format::duration((*x * 1000.0) as i64),
        })
        .collect();
    ChartSpec {
        title,
        x_title: view.x_axis.label().to_string(),
        y_title,
        x_bounds,
        y_bounds,
        x_labels,
        y_labels: y_labels(y_bounds),
        series: out,
    }
}

/// Min and max of `xs` (0..1 when empty).
pub fn extent(xs: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = xs
        .filter(|x| x.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), x| {
            (l.min(x), h.max(x))
        });
    if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) }
}

/// An x range that is never empty (nor infinite, nor NaN).
pub fn padded_x(lo: f64, hi: f64) -> [f64; 2] {
    if hi > lo {
        drawable_bounds([lo, hi])
    } else {
        drawable_bounds([lo - 0.5, lo + 0.5])
    }
}

/// A y range around the finite values with 5% room, never empty. Values near the ends of
/// `f64` would pad to infinity: then the range is the values themselves.
pub fn padded_y(ys: impl Iterator<Item = f64>) -> [f64; 2] {
    let (lo, hi) = extent(ys);
    let padded = if hi > lo {
        let pad = hi / 20.0 - lo / 20.0;
        [lo - pad, hi + pad]
    } else {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        [lo - pad, hi + pad]
    };
    if (padded[1] - padded[0]).is_finite() && padded[0] < padded[1] {
        padded
    } else {
        drawable_bounds([lo, hi])
    }
}

/// Low, middle and high labels of a y range.
pub fn y_labels(b: [f64; 2]) -> Vec<String> {
    [b[0], b[0] / 2.0 + b[1] / 2.0, b[1]]
        .iter()
        .map(|v| format::metric(*v))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(n: i64) -> History {
        History {
            points: (0..n)
                .map(|i| HistPoint {
                    step: i,
                    timestamp: 1_000_000 + i * 2_000,
                    value: i as f64,
                })
                .collect(),
            truncated: false,
        }
    }

    #[test]
    fn nan_and_infinite_values_are_skipped_and_the_axes_stay_finite() {
        let mut h = history(50);
        h.points[3].value = f64::NAN;
        h.points[20].value = f64::INFINITY;
        h.points[40].value = f64::NEG_INFINITY;
        for buckets in [2, 500] {
            let spec = lines(
                "t".into(),
                "loss".into(),
                &[("loss".into(), Color::Cyan, &h)],
                &ChartView::default(),
                buckets,
            );
            let pts = &spec.series[0].points;
            assert!(pts.iter().all(|p| p.1.is_finite()), "{pts:?}");
            assert!(spec.y_bounds.iter().all(|v| v.is_finite()));
            assert!(spec.y_bounds[0] <= 0.0 && spec.y_bounds[1] >= 49.0);
            assert!(
                spec.y_labels.iter().all(|l| l != "n/a"),
                "{:?}",
                spec.y_labels
            );
        }
        let only_bad = History {
            points: vec![HistPoint {
                step: 0,
                timestamp: 0,
                value: f64::NAN,
            }],
            truncated: false,
        };
        let spec = lines(
            "t".into(),
            "loss".into(),
            &[("loss".into(), Color::Cyan, &only_bad)],
            &ChartView::default(),
            10,
        );
        assert!(spec.is_empty());
        assert!(spec.y_bounds.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn huge_values_and_hand_made_specs_keep_drawable_bounds() {
        let b = padded_y([-f64::MAX, f64::MAX].into_iter());
        assert!(b.iter().all(|v| v.is_finite()) && b[0] < b[1], "{b:?}");
        assert!(y_labels(b).iter().all(|l| l != "n/a"));
        let b = padded_y([f64::MAX].into_iter());
        assert!(b.iter().all(|v| v.is_finite()) && b[0] < b[1], "{b:?}");
        let spec = ChartSpec {
            title: String::new(),
            x_title: String::new(),
            y_title: String::new(),
            x_bounds: [f64::NAN, 1.0],
            y_bounds: [f64::NEG_INFINITY, f64::INFINITY],
            x_labels: vec![],
            y_labels: vec![],
            series: vec![Series {
                name: "s".into(),
                color: Color::Cyan,
                kind: SeriesKind::Scatter,
                points: vec![(0.0, f64::NAN), (1.0, 2.0), (f64::INFINITY, 1.0)],
            }],
        }
        .drawable();
        assert_eq!(spec.x_bounds, [0.0, 1.0]);
        assert_eq!(spec.y_bounds, [0.0, 1.0]);
        assert_eq!(spec.series[0].points, vec![(1.0, 2.0)]);
    }

    #[test]
    fn zoom_halves_and_doubles_and_stays_inside() {
        let mut v = ChartView::default();
        v.zoom_in();
        assert_eq!(v.window, (0.25, 0.75));
        v.zoom_in();
        assert_eq!(v.window, (0.375, 0.625));
        v.pan(1.0);
        assert_eq!(v.window, (0.4375, 0.6875));
        for _ in 0..10 {
            v.pan(1.0);
        }
        assert_eq!(v.window, (0.75, 1.0));
        v.zoom_out();
        assert_eq!(v.window, (0.5, 1.0));
        v.zoom_out();
        v.zoom_out();
        assert_eq!(v.window, (0.0, 1.0));
        assert!(!v.is_zoomed());
        for _ in 0..20 {
            v.zoom_in();
        }
        assert!(v.window.1 - v.window.0 >= MIN_SPAN);
        v.reset();
        assert_eq!(v.window, (0.0, 1.0));
    }

    #[test]
    fn lines_window_and_label_the_axes() {
        let h = history(101);
        let mut view = ChartView::default();
        let spec = lines(
            "t".into(),
            "loss".into(),
            &[("loss".into(), Color::Cyan, &h)],
            &view,
            500,
        );
        assert_eq!(spec.x_bounds, [0.0, 100.0]);
        assert_eq!(spec.series[0].points.len(), 101);
        assert_eq!(spec.x_labels, vec!["0", "50", "100"]);
        view.zoom_in();
        let spec = lines(
            "t".into(),
            "loss".into(),
            &[("loss".into(), Color::Cyan, &h)],
            &view,
            500,
        );
        assert_eq!(spec.x_bounds, [25.0, 75.0]);
        assert_eq!(spec.series[0].points.len(), 51);
        view.toggle_axis();
        view.reset();
        let spec = lines(
            "t".into(),
            "loss".into(),
            &[("loss".into(), Color::Cyan, &h)],
            &view,
            10,
        );
        assert_eq!(spec.x_bounds, [0.0, 200.0], "seconds since the first point");
        assert_eq!(spec.x_labels, vec!["0s", "1m", "3m"]);
        assert!(spec.series[0].points.len() <= 20, "downsampled");
    }
}
