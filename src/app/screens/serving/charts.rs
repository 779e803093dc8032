//! The endpoint screen's live charts as `ChartSpec`s (pure, so tests and snapshots see exactly
//! what is drawn): requests/s of every served entity, and latency percentiles and error rates
//! of the selected one. The x axis is seconds before the newest scrape.

use ratatui::style::Color;

use crate::app::chart::{ChartSpec, Series, SeriesKind, padded_y, y_labels};
use crate::app::format;
use crate::ops::downsample;
use crate::theme::Theme;

use super::ServingState;
use super::history::Point;

/// The three charts: traffic (all entities), latency and errors (the selected entity).
pub fn endpoint_charts(s: &ServingState, theme: &Theme, buckets: usize) -> [ChartSpec; 3] {
    let span = s.window_ms();
    let names = s.entity_names();
    let now = s.history.latest().map_or(0, |l| l.at_ms);
    let since = now - span;
    let x = |p: &Point| (p.at_ms - now) as f64 / 1000.0;
    let line = |name: String, color: Color, pts: Vec<(f64, f64)>| Series {
        name,
        color,
        kind: SeriesKind::Line,
        points: downsample::min_max(&pts, buckets),
    };
    let traffic: Vec<Series> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let pts = s
                .history
                .points_since(n, since)
                .map(|p| (x(p), p.requests_per_s))
                .collect();
            line(n.clone(), theme.series(i), pts)
        })
        .collect();
    let selected = s.selected_entity();
    let sel_name = selected.clone().unwrap_or_default();
    let pick = |f: fn(&Point) -> Option<f64>| -> Vec<(f64, f64)> {
        s.history
            .points_since(&sel_name, since)
            .filter_map(|p| f(p).map(|v| (x(p), v)))
            .collect()
    };
    let latency = vec![
        line("p50".into(), theme.series(0), pick(|p| p.p50)),
        line("p90".into(), theme.series(1), pick(|p| p.p90)),
        line("p99".into(), theme.series(2), pick(|p| p.p99)),
    ];
    let errors = vec![
        line(
            "4xx/s".into(),
            theme.series(3),
            pick(|p| Some(p.errors_4xx_per_s)),
        ),
        line(
            "5xx/s".into(),
            theme.series(4),
            pick(|p| Some(p.errors_5xx_per_s)),
        ),
    ];
    let who = selected.map_or_else(String::new, |n| format!(" · {n}"));
    [
        spec("requests/s".to_string(), "req/s", span, traffic),
        spec(format!("latency ms{who}"), "ms", span, latency),
        spec(format!("errors/s{who}"), "err/s", span, errors),
    ]
}

fn spec(title: String, y_title: &str, span_ms: i64, series: Vec<Series>) -> ChartSpec {
    let lo = -(span_ms as f64) / 1000.0;
    let ys = series.iter().flat_map(|s| s.points.iter().map(|p| p.1));
    // Rates and latencies are never negative: the axis starts at zero.
    let [_, hi] = padded_y(ys.chain(std::iter::once(0.0)));
    let y_bounds = [0.0, hi.max(1e-9)];
    ChartSpec {
        title,
        x_title: String::new(),
        y_title: y_title.to_string(),
        x_bounds: [lo, 0.0],
        y_bounds,
        x_labels: vec![
            format!("-{}", format::duration(span_ms)),
            format!("-{}", format::duration(span_ms / 2)),
            "now".to_string(),
        ],
        y_labels: y_labels(y_bounds),
        series,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::serving_metrics::{EntityCounters, Snapshot};

    #[test]
    fn charts_cover_the_window_and_follow_the_selection() {
        let mut s = ServingState {
            history: super::super::MetricsHistory::new("ep"),
            ..ServingState::default()
        };
        for i in 0..5 {
            let c = EntityCounters {
                requests: i as f64 * 100.0,
                errors_5xx: i as f64,
                ..EntityCounters::default()
            };
            s.history.push(Snapshot {
                at_ms: i * 2_000,
                entities: [("a".to_string(), c)].into_iter().collect(),
            });
        }
        let theme = Theme::default();
        let [traffic, _latency, errors] = endpoint_charts(&s, &theme, 100);
        // No endpoint loaded: no entity names, so nothing is charted (and nothing panics).
        assert!(traffic.series.is_empty());
        assert!(errors.series.iter().all(|x| x.points.is_empty()));
        assert_eq!(traffic.x_bounds, [-60.0, 0.0]);
        assert_eq!(traffic.x_labels.last().map(String::as_str), Some("now"));
    }
}
