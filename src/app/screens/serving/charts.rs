//! The endpoint screen's live charts as `ChartSpec`s (pure, so tests and snapshots see exactly
//! what is drawn): requests/s of every served entity, and latency percentiles and error rates
//! of the selected one. The x axis is seconds before the newest scrape.

use ratatui::style::Color;

use crate::app::chart::padded_y;
use crate::app::format;
use crate::export::chart_spec::{ChartSpec, Series, SeriesKind, drawable_bounds};
use crate::theme::Theme;

use super::live_series::{EntitySeries, LiveSeries};
use super::{MetricsHistory, ServingState};

/// The three charts of the endpoint whose metrics are `history`: traffic (all entities), latency
/// and errors (the selected entity). The series come from `s.live` when it was derived for
/// this window and `buckets` (as the update keeps it), otherwise they are derived here.
pub fn endpoint_charts(
    s: &ServingState,
    history: &MetricsHistory,
    theme: &Theme,
    buckets: usize,
) -> [ChartSpec; 3] {
    let span = s.window_ms();
    let fresh;
    let live = if s.live.is_for(history, span, buckets) {
        &s.live
    } else {
        fresh = LiveSeries::from_scratch(history, span, buckets);
        &fresh
    };
    let names = s.entity_names();
    let none = EntitySeries::default();
    let of = |name: &str| live.derived.get(name).unwrap_or(&none);
    let line = |name: String, color: Color, pts: &[(f64, f64)]| Series {
        name,
        color,
        kind: SeriesKind::Line,
        points: pts.to_vec(),
    };
    let traffic: Vec<Series> = names
        .iter()
        .enumerate()
        .map(|(i, n)| line(n.clone(), theme.series(i), &of(n).requests_per_s))
        .collect();
    let selected = s.selected_entity();
    let sel = of(selected.as_deref().unwrap_or_default());
    let latency = vec![
        line("p50".into(), theme.series(0), &sel.p50),
        line("p90".into(), theme.series(1), &sel.p90),
        line("p99".into(), theme.series(2), &sel.p99),
    ];
    let errors = vec![
        line("4xx/s".into(), theme.series(3), &sel.errors_4xx_per_s),
        line("5xx/s".into(), theme.series(4), &sel.errors_5xx_per_s),
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
    // The series are downsampled, so NaN and infinite readings are gone already.
    let [_, hi] = padded_y(ys.chain(std::iter::once(0.0)));
    let y_bounds = drawable_bounds([0.0, hi.max(1e-9)]);
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
        y_labels: [0.0, y_bounds[1] / 2.0, y_bounds[1]]
            .iter()
            .map(|v| short(*v))
            .collect(),
        series,
    }
}

/// An axis label with about three significant digits: 1234, 55.4, 0.35; n/a for no number.
fn short(v: f64) -> String {
    if !v.is_finite() {
        return crate::safe_text::NOT_A_NUMBER.to_string();
    }
    let a = v.abs();
    if a >= 100.0 || a == 0.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 0.01 {
        format!("{v:.2}")
    } else {
        format!("{v:.1e}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn axis_labels_are_short() {
        let got: Vec<String> = [0.0, 0.3505, 27.7054, 55.4108, 1234.5, 0.0004]
            .iter()
            .map(|v| super::short(*v))
            .collect();
        assert_eq!(got, ["0", "0.35", "27.7", "55.4", "1234", "4.0e-4"]);
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(super::short(v), "n/a");
        }
    }

    use super::*;
    use crate::ops::serving_metrics::{EntityCounters, Snapshot};

    #[test]
    fn charts_cover_the_window_and_follow_the_selection() {
        let mut s = ServingState {
            name: "ep".into(),
            ..ServingState::default()
        };
        let mut h = MetricsHistory::new("ep");
        for i in 0..5 {
            let c = EntityCounters {
                requests: i as f64 * 100.0,
                errors_5xx: i as f64,
                ..EntityCounters::default()
            };
            h.push(Snapshot {
                at_ms: i * 2_000,
                entities: [("a".to_string(), c)].into_iter().collect(),
            });
        }
        let theme = Theme::default();
        // No endpoint loaded: no entity names, so nothing is charted (and nothing panics).
        let [traffic, _, _] = endpoint_charts(&s, &h, &theme, 100);
        assert!(traffic.series.is_empty());
        assert_eq!(traffic.x_bounds, [-60.0, 0.0]);
        assert_eq!(traffic.x_labels.last().map(String::as_str), Some("now"));

        s.endpoint.data = Some(
            serde_json::from_value(serde_json::json!({
                "name": "ep", "config": {"served_entities": [{"name": "a"}, {"name": "b"}]}
            }))
            .unwrap(),
        );
        let [traffic, latency, errors] = endpoint_charts(&s, &h, &theme, 100);
        assert_eq!(traffic.series.len(), 2, "one line per entity");
        // Four intervals, the newest at x = 0 (seconds before the latest scrape).
        assert_eq!(traffic.series[0].points.len(), 4);
        assert_eq!(traffic.series[0].points.last(), Some(&(0.0, 50.0)));
        assert!(traffic.series[1].points.is_empty(), "b was never scraped");
        assert!(latency.title.contains("· a"));
        let five_xx = &errors.series[1];
        assert_eq!(five_xx.points.last(), Some(&(0.0, 0.5)));
    }

    #[test]
    fn nan_and_infinite_readings_are_skipped_and_the_axes_stay_finite() {
        let mut s = ServingState {
            name: "ep".into(),
            ..ServingState::default()
        };
        let mut h = MetricsHistory::new("ep");
        s.endpoint.data = Some(
            serde_json::from_value(serde_json::json!({
                "name": "ep", "config": {"served_entities": [{"name": "a"}]}
            }))
            .unwrap(),
        );
        let readings = [
            0.0,
            100.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            300.0,
            400.0,
        ];
        for (i, v) in readings.iter().enumerate() {
            let c = EntityCounters {
                requests: *v,
                errors_5xx: *v,
                ..EntityCounters::default()
            };
            h.push(Snapshot {
                at_ms: i as i64 * 2_000,
                entities: [("a".to_string(), c)].into_iter().collect(),
            });
        }
        for buckets in [1, 100] {
            for spec in endpoint_charts(&s, &h, &Theme::default(), buckets) {
                for series in &spec.series {
                    assert!(
                        series
                            .points
                            .iter()
                            .all(|p| p.0.is_finite() && p.1.is_finite()),
                        "{}: {:?}",
                        series.name,
                        series.points
                    );
                }
                assert!(
                    spec.y_bounds.iter().all(|v| v.is_finite()),
                    "{:?}",
                    spec.y_bounds
                );
                assert!(
                    spec.y_labels.iter().all(|l| l != "n/a"),
                    "{:?}",
                    spec.y_labels
                );
            }
        }
    }
}
