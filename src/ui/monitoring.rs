//! Monitoring screen: a monitored table's drift heatmap (feature × window, worst recent drift
//! first), the cell under the cursor with every statistic and its sample count, the charted
//! statistic of the feature over the windows beside its rows per window, and model quality per
//! version.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::State;
use crate::app::format;
use crate::app::screens::monitoring::charts::{self, Palette};
use crate::app::screens::monitoring::{DriftRead, MonitoringState, Tab};
use crate::ops::drift::{
    CountSource, DriftCell, DriftMatrix, DriftOutcome, DriftType, FeatureDrift, ModelFilter,
    Severity, SliceFilter, Statistic,
};
use crate::ops::monitors::link::UNLINKED;
use crate::ops::quality::QualityReport;
use crate::theme::Role;

use super::heatmap::{Heatmap, HeatmapStyles, Level, glyph};
use super::widgets::{escaped, load_state_line, panel};

/// The heatmap level of a judged cell.
pub fn level(s: Severity) -> Level {
    match s {
        Severity::Ok => Level::Ok,
        Severity::Notice => Level::Notice,
        Severity::Warning => Level::Warning,
        Severity::Critical => Level::Critical,
    }
}

pub fn severity_role(s: Severity) -> Role {
    match s {
        Severity::Ok => Role::Ok,
        Severity::Notice => Role::Info,
        Severity::Warning => Role::Warn,
        Severity::Critical => Role::Error,
    }
}

fn styles(state: &State) -> HeatmapStyles {
    let t = &state.theme;
    HeatmapStyles {
        label: t.style(Role::Text),
        label_selected: t.style(Role::Selected),
        cursor: t.style(Role::Selected),
        ok: t.style(Role::Muted),
        notice: t.style(Role::Info),
        warning: t.style(Role::Warn),
        critical: t.style(Role::Error),
    }
}

fn palette(state: &State) -> Palette {
    let t = &state.theme;
    Palette {
        series: (0..6).map(|i| t.series(i)).collect(),
        warning: t.style(Role::Warn).fg.unwrap_or_default(),
        critical: t.style(Role::Error).fg.unwrap_or_default(),
    }
}

/// The route `ScreenRoute::Monitor { table }`.
pub fn monitor(frame: &mut Frame, area: Rect, state: &State, table: &str) {
    let m = &state.monitoring;
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    frame.render_widget(Paragraph::new(header(state, m, table)), head);
    match m.tab {
        Tab::Drift => drift(frame, body, state, m),
        Tab::Quality => quality(frame, body, state, m),
        Tab::Monitor => super::monitoring_list::monitor_tab(frame, body, state, m),
    }
}

fn header(state: &State, m: &MonitoringState, table: &str) -> Line<'static> {
    let t = &state.theme;
    let q = &m.query;
    let kind = match q.drift_type {
        DriftType::Consecutive => "consecutive drift",
        DriftType::Baseline => "drift vs baseline",
    };
    let model = match &q.model {
        ModelFilter::All => "all versions".to_string(),
        ModelFilter::Version(v) => format!("version {}", escaped(v)),
    };
    let slice = match &q.slice {
        SliceFilter::Total => "whole table".to_string(),
        SliceFilter::Slice { key, value } => format!("slice {}={}", escaped(key), escaped(value)),
    };
    let warehouse = match m.drift.data.as_ref() {
        Some(DriftRead::Outcome(DriftOutcome::Matrix(x))) => Some(&x.warehouse),
        Some(DriftRead::Outcome(DriftOutcome::NoDriftYet { warehouse, .. })) => Some(warehouse),
        _ => None,
    };
    let mut spans = vec![
        Span::styled(escaped(table), t.style(Role::Title)),
        Span::styled(format!("  {kind} · {model} · {slice}"), t.style(Role::Text)),
    ];
    if let Some(w) = warehouse {
        spans.push(Span::styled(
            format!("  warehouse {} ({})", escaped(&w.name), escaped(&w.id)),
            t.style(Role::Muted),
        ));
    }
    Line::from(spans)
}

fn drift(frame: &mut Frame, area: Rect, state: &State, m: &MonitoringState) {
    let theme = &state.theme;
    if let Some(DriftRead::NoMetricTables { status }) = m.drift.data.as_ref() {
        let lines = vec![
            Line::styled("metric tables not created yet", theme.style(Role::Warn)),
            Line::styled(
                format!(
                    "the monitor is {}: the service creates its profile and drift tables minutes after the monitor (v shows the monitor)",
                    escaped(status)
                ),
                theme.style(Role::Muted),
            ),
        ];
        let block = panel(state, " Drift ", false);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        return;
    }
    let Some(DriftRead::Outcome(outcome)) = m.drift.data.as_ref() else {
        let line = load_state_line(state, &m.drift)
            .unwrap_or_else(|| Line::styled("reading drift…", theme.style(Role::Muted)));
        let block = panel(state, " Drift ", false);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: false }), inner);
        return;
    };
    let matrix = match outcome {
        DriftOutcome::Matrix(x) if !x.features.is_empty() && !x.windows.is_empty() => x,
        other => {
            let table = match other {
                DriftOutcome::Matrix(x) => &x.table,
                DriftOutcome::NoDriftYet { table, .. } => table,
            };
            let mut lines = vec![Line::styled(
                DriftOutcome::NO_DRIFT_YET,
                theme.style(Role::Warn),
            )];
            lines.push(Line::styled(
                format!("{} has no rows for this query", escaped(table)),
                theme.style(Role::Muted),
            ));
            lines.extend(load_state_line(state, &m.drift));
            let block = panel(state, " Drift ", false);
            let inner = block.inner(area);
            frame.render_widget(block, area);
            frame.render_widget(Paragraph::new(lines), inner);
            return;
        }
    };
    let rows = matrix.features.len() as u16 + 2;
    let [top, bottom] = Layout::vertical([
        Constraint::Length(rows.min(area.height / 2).max(4)),
        Constraint::Min(6),
    ])
    .areas(area);
    heatmap(frame, top, state, m, matrix);
    let [detail, charts_area] =
        Layout::horizontal([Constraint::Length(44), Constraint::Min(20)]).areas(bottom);
    cell_detail(frame, detail, state, m, matrix);
    feature_charts(frame, charts_area, state, m, matrix);
}

fn heatmap(frame: &mut Frame, area: Rect, state: &State, m: &MonitoringState, x: &DriftMatrix) {
    let title = format!(
        " Drift  {} features × {} windows, worst recent first ",
        x.features.len(),
        x.windows.len()
    );
    let block = panel(state, title, true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let names: Vec<String> = x.features.iter().map(|f| escaped(&f.name)).collect();
    let cells: Vec<Level> = x
        .features
        .iter()
        .flat_map(|f| {
            (0..x.windows.len()).map(|w| {
                f.cell(w)
                    .map_or(Level::Missing, |c| level(c.judgement.severity))
            })
        })
        .collect();
    let map = Heatmap {
        rows: &names,
        columns: x.windows.len(),
        cells: &cells,
        cursor: m.cursor(),
        ascii: state.session.ascii,
        styles: styles(state),
    };
    map.render(inner, frame.buffer_mut());
}

fn stat_line(
    state: &State,
    s: Statistic,
    cell: &DriftCell,
    f: &FeatureDrift,
) -> Option<Line<'static>> {
    let t = &state.theme;
    let v = cell.stats.get(s)?;
    let value = match s {
        Statistic::CountDelta => format!("{}", v as i64),
        _ => format::metric(v),
    };
    let mut spans = vec![
        Span::styled(format!("{:<15}", s.as_str()), t.style(Role::Muted)),
        Span::styled(value, t.style(Role::Text)),
    ];
    let decided = cell.judgement.statistic == Some(s);
    match s.threshold(&f.thresholds) {
        Some(l) if matches!(s, Statistic::KsPvalue | Statistic::Chi2Pvalue) && v < l.warning => {
            spans.push(Span::styled(
                format!("  p < {}", l.warning),
                t.style(Role::Info),
            ));
        }
        Some(_) if matches!(s, Statistic::KsPvalue | Statistic::Chi2Pvalue) => {}
        Some(l) => {
            let c = l.critical.map(|c| format!(" / {c}")).unwrap_or_default();
            let role = if decided {
                severity_role(cell.judgement.severity)
            } else {
                Role::Muted
            };
            spans.push(Span::styled(
                format!("  (≥ {}{c})", l.warning),
                t.style(role),
            ));
        }
        None => {}
    }
    Some(Line::from(spans))
}

fn cell_detail(frame: &mut Frame, area: Rect, state: &State, m: &MonitoringState, x: &DriftMatrix) {
    let t = &state.theme;
    let Some((row, column)) = m.cursor() else {
        return;
    };
    let f = &x.features[row];
    let window = x.windows[column].label();
    let block = panel(state, format!(" {} · {} ", escaped(&f.name), window), false);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines = Vec::new();
    match f.cell(column) {
        None => lines.push(Line::styled(
            "no row for this feature in this window",
            t.style(Role::Muted),
        )),
        Some(cell) => {
            let j = &cell.judgement;
            let why = match (j.statistic, j.value, j.severity) {
                (Some(s), Some(v), Severity::Ok) => {
                    format!(
                        ", nearest its threshold: {} {}",
                        s.as_str(),
                        format::metric(v)
                    )
                }
                (Some(s), Some(v), _) => format!(" by {} {}", s.as_str(), format::metric(v)),
                _ => String::new(),
            };
            lines.push(Line::from(vec![
                Span::styled(
                    j.severity.as_str().to_string(),
                    t.style(severity_role(j.severity)),
                ),
                Span::styled(why, t.style(Role::Text)),
            ]));
            if j.severity == Severity::Notice {
                lines.push(Line::styled(
                    "significant, but the effect is under its threshold",
                    t.style(Role::Muted),
                ));
            }
            let rows = match (cell.count, x.counts) {
                (Some(n), CountSource::ProfileCount) => format!("{n} rows in the window"),
                (_, CountSource::ProfileCount) => "rows in the window: unknown".to_string(),
                (_, CountSource::CountDelta) => "rows: no profile table (count_delta only)".into(),
            };
            lines.push(Line::styled(rows, t.style(Role::Muted)));
            lines.extend(
                Statistic::ALL
                    .iter()
                    .filter_map(|s| stat_line(state, *s, cell, f)),
            );
        }
    }
    let g = |l| glyph(l, state.session.ascii);
    lines.push(Line::styled(
        format!(
            "{} ok {} notice {} warning {} critical",
            g(Level::Ok),
            g(Level::Notice),
            g(Level::Warning),
            g(Level::Critical)
        ),
        t.style(Role::Muted),
    ));
    frame.render_widget(Paragraph::new(lines), inner);
}

fn feature_charts(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    m: &MonitoringState,
    x: &DriftMatrix,
) {
    let Some((row, _)) = m.cursor() else {
        return;
    };
    let stat = m.chart_statistic();
    let Some(series) = x.series(&x.features[row].name, stat) else {
        return;
    };
    let p = palette(state);
    let [a, b] =
        Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(area);
    for (spec, area, empty) in [
        (charts::drift(&series, &p), a, "no values of this statistic"),
        (charts::counts(&series, &p), b, "no row counts"),
    ] {
        let block = panel(state, format!(" {} ", escaped(&spec.title)), false);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        super::chart::render(frame, inner, state, Some(&spec), empty);
    }
}

fn quality(frame: &mut Frame, area: Rect, state: &State, m: &MonitoringState) {
    let t = &state.theme;
    let q = m.quality.data.as_ref();
    let versions = q.map_or(0, |q| q.versions.len());
    let unlinked = m.links.data.as_ref().is_some_and(|l| !l.is_linked());
    let rows_h = (versions as u16 + 4 + u16::from(unlinked))
        .min(area.height / 2)
        .max(5);
    let [table_area, chart_area] =
        Layout::vertical([Constraint::Length(rows_h), Constraint::Min(4)]).areas(area);
    let linked: Vec<String> = m
        .links
        .data
        .iter()
        .flat_map(|l| l.endpoints.iter())
        .map(|e| format!("{} ({})", escaped(&e.endpoint), e.source.label()))
        .collect();
    let title = match linked.as_slice() {
        [] => " Model quality per version: latest (change since its first windows) ".to_string(),
        some => format!(
            " Model quality per version: latest (change since its first windows) · {} ",
            some.join(", ")
        ),
    };
    let block = panel(state, title, true);
    let inner = block.inner(table_area);
    frame.render_widget(block, table_area);
    let mut lines = match q {
        Some(q) if !q.versions.is_empty() => quality_table(state, m, q, inner.width),
        Some(_) => vec![Line::styled(
            "no quality rows (no labels yet, or not an inference-log monitor)",
            t.style(Role::Muted),
        )],
        None => Vec::new(),
    };
    lines.extend(load_state_line(state, &m.quality));
    frame.render_widget(Paragraph::new(lines), inner);
    let p = palette(state);
    let spec = q.and_then(|q| charts::quality(q, m.metric, &p));
    let title = spec.as_ref().map_or(" Quality ".to_string(), |s| {
        format!(" {} per version ", escaped(&s.title))
    });
    let block = panel(state, title, false);
    let inner = block.inner(chart_area);
    frame.render_widget(block, chart_area);
    super::chart::render(
        frame,
        inner,
        state,
        spec.as_ref(),
        "no quality metric to chart",
    );
}

/// Width of a metric column: the value and its change (`0.8123 (-0.052)`).
const METRIC_WIDTH: usize = 22;

fn quality_table(
    state: &State,
    m: &MonitoringState,
    q: &QualityReport,
    width: u16,
) -> Vec<Line<'static>> {
    let t = &state.theme;
    let shown = (usize::from(width).saturating_sub(20 + LINK_WIDTH) / METRIC_WIDTH)
        .clamp(1, q.metrics.len().max(1));
    let mut header = vec![Span::styled(
        format!(
            "{:<12}{:>8}  {:<w$}",
            "Version",
            "Windows",
            "Model · served by",
            w = LINK_WIDTH - 2
        ),
        t.style(Role::Header),
    )];
    for x in q.metrics.iter().take(shown) {
        let name = super::cut::text(
            &escaped(&x.name),
            METRIC_WIDTH - 2,
            super::cut::mark(state.session.ascii),
        );
        header.push(Span::styled(format!("  {name:<20}"), t.style(Role::Header)));
    }
    let mut lines = vec![Line::from(header)];
    let view = &m.versions_view;
    for (i, v) in q.versions.iter().enumerate().skip(view.offset) {
        let selected = i == view.selected;
        let version = super::cut::text(
            &escaped(&v.version),
            11,
            super::cut::mark(state.session.ascii),
        );
        let (link, link_role) = link_cell(m, &v.version);
        let link = super::cut::text(
            &escaped(&link),
            LINK_WIDTH - 2,
            super::cut::mark(state.session.ascii),
        );
        let mut spans = vec![
            Span::styled(
                format!("{version:<12}{:>8}", v.points.len()),
                t.style(if selected { Role::Selected } else { Role::Text }),
            ),
            Span::styled(
                format!("  {link:<w$}", w = LINK_WIDTH - 2),
                t.style(if selected { Role::Selected } else { link_role }),
            ),
        ];
        for i in 0..shown {
            let latest = v.latest.get(i).copied().flatten();
            let change = v.change.get(i).copied().flatten();
            let text = match (latest, change) {
                (Some(l), Some(c)) => format!("{} ({c:+.3})", format::metric(l)),
                (Some(l), None) => format::metric(l),
                _ => "-".into(),
            };
            let role = if change.is_some_and(|c| c < 0.0) {
                Role::Warn
            } else {
                Role::Text
            };
            spans.push(Span::styled(format!("  {text:<20}"), t.style(role)));
        }
        lines.push(Line::from(spans));
    }
    if m.links.data.as_ref().is_some_and(|l| !l.is_linked()) {
        lines.push(Line::styled(UNLINKED, t.style(Role::Muted)));
    }
    lines
}

/// Width of the link column (`churn_model v4 · churn-prod 90%`).
const LINK_WIDTH: usize = 34;

/// A version row's link: its model version and the entity serving it, or why there is none.
fn link_cell(m: &MonitoringState, version: &str) -> (String, Role) {
    match m.links.data.as_ref() {
        Some(l) => {
            let v = l.version(version);
            let role = match (&v.model, &v.endpoint) {
                (Some(_), Some(_)) => Role::Text,
                _ => Role::Muted,
            };
            (v.label(), role)
        }
        None if m.links.is_loading() => ("reading links".into(), Role::Muted),
        None => ("links not read".into(), Role::Muted),
    }
}
