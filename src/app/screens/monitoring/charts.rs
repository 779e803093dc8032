//! The Monitoring room's charts as data (`ChartSpec`): one drift statistic of a feature over
//! the windows with its threshold lines, the feature's rows per window beside it, and one
//! quality metric per model version. x is the window's position (labels: first, middle and
//! last window dates); a window without a value breaks the line.

use ratatui::style::Color;

use crate::app::chart::{padded_x, padded_y, y_labels};
use crate::export::chart_spec::{BREAK, ChartSpec, Series, SeriesKind};
use crate::ops::drift::FeatureSeries;
use crate::ops::metric_tables::Window;
use crate::ops::quality::QualityReport;

/// Colours the charts draw with: series by index, thresholds in warning / critical colours.
pub struct Palette {
    pub series: Vec<Color>,
    pub warning: Color,
    pub critical: Color,
}

fn line(name: String, color: Color, values: &[Option<f64>]) -> Series {
    let mut points = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match v.filter(|v| v.is_finite()) {
            Some(v) => points.push((i as f64, v)),
            None if points.last().is_some_and(|p| *p != BREAK) => points.push(BREAK),
            None => {}
        }
    }
    if points.last() == Some(&BREAK) {
        points.pop();
    }
    Series {
        name,
        color,
        kind: SeriesKind::Line,
        points,
    }
}

fn flat(name: String, color: Color, value: f64, windows: usize) -> Series {
    Series {
        name,
        color,
        kind: SeriesKind::Line,
        points: vec![(0.0, value), (windows.saturating_sub(1) as f64, value)],
    }
}

fn x_labels(windows: &[Window]) -> Vec<String> {
    let day = |w: &Window| w.label().chars().take(10).collect::<String>();
    match windows {
        [] => Vec::new(),
        [one] => vec![day(one)],
        all => vec![
            day(&all[0]),
            day(&all[all.len() / 2]),
            day(&all[all.len() - 1]),
        ],
    }
}

fn spec(title: String, y_title: &str, windows: &[Window], series: Vec<Series>) -> ChartSpec {
    let x_bounds = padded_x(0.0, windows.len().saturating_sub(1) as f64);
    let y_bounds = padded_y(
        series
            .iter()
            .flat_map(|s| s.points.iter())
            .filter(|p| **p != BREAK)
            .map(|p| p.1),
    );
    ChartSpec {
        title,
        x_title: "window".into(),
        y_title: y_title.into(),
        x_bounds,
        y_bounds,
        x_labels: x_labels(windows),
        y_labels: y_labels(y_bounds),
        series,
    }
}

/// The statistic of one feature over the windows, with its warning (and critical) threshold.
pub fn drift(s: &FeatureSeries, palette: &Palette) -> ChartSpec {
    let stat = s.statistic.as_str();
    let mut series = vec![line(stat.to_string(), palette.series[0], &s.values)];
    let n = s.windows.len();
    if let Some(t) = s.threshold {
        series.push(flat(
            format!("warning {}", t.warning),
            palette.warning,
            t.warning,
            n,
        ));
        if let Some(c) = t.critical {
            series.push(flat(format!("critical {c}"), palette.critical, c, n));
        }
    }
    spec(format!("{} {stat}", s.feature), stat, &s.windows, series)
}

/// The feature's rows per window (the sample behind each statistic).
pub fn counts(s: &FeatureSeries, palette: &Palette) -> ChartSpec {
    let values: Vec<Option<f64>> = s.counts.iter().map(|c| c.map(|c| c as f64)).collect();
    let series = vec![line(
        "rows".into(),
        palette.series[1 % palette.series.len()],
        &values,
    )];
    spec(format!("{} rows", s.feature), "rows", &s.windows, series)
}

/// One quality metric, a line per model version.
pub fn quality(q: &QualityReport, metric: usize, palette: &Palette) -> Option<ChartSpec> {
    let name = &q.metrics.get(metric)?.name;
    let series = q
        .versions
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let mut values = vec![None; q.windows.len()];
            for (w, value) in v.series(metric) {
                if let Some(slot) = values.get_mut(w) {
                    *slot = value;
                }
            }
            let color = palette.series[i % palette.series.len()];
            line(format!("v{}", v.version), color, &values)
        })
        .collect();
    Some(spec(name.clone(), name, &q.windows, series))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::drift::Level;
    use crate::ops::drift::Statistic;

    fn windows(n: usize) -> Vec<Window> {
        (0..n)
            .map(|i| Window {
                start: format!("2026-11-{:02}T00:00:00Z", i + 1),
                end: format!("2026-11-{:02}T00:00:00Z", i + 2),
            })
            .collect()
    }

    fn palette() -> Palette {
        Palette {
            series: vec![Color::Cyan, Color::Magenta],
            warning: Color::Yellow,
            critical: Color::Red,
        }
    }

    #[test]
    fn a_drift_chart_breaks_at_missing_windows_and_draws_both_thresholds() {
        let s = FeatureSeries {
            feature: "tenure_months".into(),
            statistic: Statistic::Psi,
            windows: windows(4),
            values: vec![Some(0.01), None, Some(0.2), Some(0.3)],
            counts: vec![Some(100), Some(90), None, Some(120)],
            severities: vec![None; 4],
            threshold: Some(Level {
                warning: 0.1,
                critical: Some(0.25),
            }),
        };
        let c = drift(&s, &palette());
        assert_eq!(c.series.len(), 3);
        assert_eq!(
            c.series[0].points,
            vec![(0.0, 0.01), BREAK, (2.0, 0.2), (3.0, 0.3)]
        );
        assert_eq!(c.series[1].points, vec![(0.0, 0.1), (3.0, 0.1)]);
        assert_eq!(c.series[2].points, vec![(0.0, 0.25), (3.0, 0.25)]);
        assert_eq!(c.x_labels, vec!["2026-11-01", "2026-11-03", "2026-11-04"]);
        let n = counts(&s, &palette());
        assert_eq!(
            n.series[0].points,
            vec![(0.0, 100.0), (1.0, 90.0), BREAK, (3.0, 120.0)]
        );
    }
}
