//! The A/B view: the window (and how much of it has data), A and B side by side with their model
//! quality when labels exist (or why it is not shown), then the difference B − A and the verdict
//! in words.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::State;
use crate::app::format;
use crate::app::remote::LoadError;
use crate::app::screens::ab::compare::{CONFIDENCE, SideStats, p_value, points};
use crate::app::screens::ab::quality::{AbQuality, SideQuality};
use crate::app::screens::ab::{self, AbComparison, AbOutcome};
use crate::ops::traffic::Split;
use crate::theme::Role;

use super::columns::{Column, FitRow, Look, table as fitted_table};
use super::widgets::{escaped, load_state_line, panel};

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let s = &state.serving;
    let block = panel(state, format!(" {} · A/B ", s.name), true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let muted = state.theme.style(Role::Muted);
    let Some((a, b)) = ab::pair(state) else {
        let line = load_state_line(state, &s.endpoint).unwrap_or_else(|| {
            Line::styled("A/B needs two served entities on this endpoint", muted)
        });
        frame.render_widget(Paragraph::new(line), inner);
        return;
    };
    let values = match &state.ab.quality.data {
        Some(q @ AbQuality::Values { .. }) => Some(q),
        _ => None,
    };
    // With values the quality rows are two: the metric per side and the table it came from.
    let rows = if values.is_some() { 14 } else { 13 };
    let [head, table, between] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(rows),
        Constraint::Min(0),
    ])
    .areas(inner);
    header(frame, head, state);
    let Some(c) = ab::comparison(state) else {
        let line = load_state_line(state, state.endpoint_scrape()).unwrap_or_else(|| {
            Line::styled(format!("waiting for two scrapes of {a} and {b}…"), muted)
        });
        frame.render_widget(Paragraph::new(line), table);
        return;
    };
    sides(frame, table, state, &c, values);
    if values.is_none() {
        let line = Rect {
            y: table.y + table.height.saturating_sub(1),
            height: 1.min(table.height),
            ..table
        };
        let text = format!("quality  {}", quality_reason(state));
        frame.render_widget(Paragraph::new(Line::styled(text, muted)), line);
    }
    difference(frame, between, state, &c);
}

/// Why the quality row shows no values: reading, failed, or the row's own reason.
fn quality_reason(state: &State) -> String {
    let q = &state.ab.quality;
    match (&q.data, &q.error) {
        (Some(AbQuality::Unavailable(why)), _) => why.clone(),
        (_, Some(LoadError::Failed(e))) => format!("could not be read: {e}"),
        (_, Some(LoadError::NotAvailable)) => "not offered by this server".into(),
        _ if q.is_loading() => "reading the endpoint's monitor…".into(),
        _ => "-".into(),
    }
}

/// A quality value and its window (the day alone for a daily window), or why a side has none.
fn quality_cell(v: Option<&SideQuality>) -> String {
    let Some(q) = v.filter(|q| q.value.is_finite()) else {
        return "no labeled window".to_string();
    };
    let window = match q.window.strip_suffix(" 00:00") {
        Some(day) => day,
        None => q.window.as_str(),
    };
    format!("{:.3} ({})", q.value, escaped(window))
}

fn header(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let span = state.ab.window_ms();
    let covered = state.endpoint_history().covered_ms(span);
    let mut text = format!("{} window", format::duration(span));
    if covered < span {
        text.push_str(&format!(", {} of data so far", format::duration(covered)));
    }
    let mut spans = vec![Span::styled(text, theme.style(Role::Text))];
    if let Some(line) = load_state_line(state, state.endpoint_scrape()) {
        spans.push(Span::raw("  "));
        spans.extend(line.spans);
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn ms(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite())
        .map_or_else(|| "-".to_string(), |x| format!("{x:.1} ms"))
}

fn rate(x: f64) -> String {
    crate::safe_text::percent(x, 2)
}

fn sides(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    c: &AbComparison,
    quality: Option<&AbQuality>,
) {
    let theme = &state.theme;
    let split = state.serving.current().map(Split::of_endpoint);
    let share = |name: &str| split.as_ref().map_or(0, |s| s.percent(name));
    let level = (CONFIDENCE * 100.0).round();
    let cells = |f: &dyn Fn(&SideStats) -> String| [f(&c.a), f(&c.b)];
    let mut rows: Vec<(String, [String; 2])> = vec![
        (
            "".into(),
            [format!("A  {}", c.a.entity), format!("B  {}", c.b.entity)],
        ),
        (
            "traffic".into(),
            cells(&|s| format!("{}%", share(&s.entity))),
        ),
        ("requests".into(), cells(&|s| s.requests.to_string())),
        (
            "req/s".into(),
            cells(&|s| crate::safe_text::number(s.requests_per_s, |r| format!("{r:.2}"))),
        ),
        ("4xx".into(), cells(&|s| s.errors_4xx.to_string())),
        ("5xx".into(), cells(&|s| s.errors_5xx.to_string())),
        ("error rate (5xx)".into(), cells(&|s| rate(s.error_rate))),
        (
            format!("  {level}% CI"),
            cells(&|s| {
                format!(
                    "{} to {}",
                    rate(s.error_interval.low),
                    rate(s.error_interval.high)
                )
            }),
        ),
        ("p50".into(), cells(&|s| ms(s.p50_ms))),
        ("p90".into(), cells(&|s| ms(s.p90_ms))),
        ("p99".into(), cells(&|s| ms(s.p99_ms))),
        ("mean".into(), cells(&|s| ms(s.mean_ms))),
    ];
    if let Some(AbQuality::Values {
        metric,
        monitored,
        a,
        b,
        ..
    }) = quality
    {
        let short = metric.strip_suffix("_score").unwrap_or(metric);
        rows.push((
            format!("{} (latest window)", escaped(short)),
            [quality_cell(a.as_ref()), quality_cell(b.as_ref())],
        ));
        rows.push(("  from".into(), [escaped(monitored), String::new()]));
    }
    let rows: Vec<FitRow> = rows
        .into_iter()
        .enumerate()
        .map(|(i, (label, [a, b]))| {
            let row = FitRow::new(vec![Line::from(label), Line::from(a), Line::from(b)]);
            if i == 0 {
                row.style(theme.style(Role::Header))
            } else {
                row.style(theme.style(Role::Text))
            }
        })
        .collect();
    let columns = [
        Column::text("", 9).min(17).max(24),
        Column::text("", 8).min(12).fill(1),
        Column::text("", 8).min(12).fill(1),
    ];
    let look = Look {
        spacing: 2,
        selectable: false,
        selected: None,
    };
    frame.render_widget(fitted_table(state, &columns, rows, area.width, look), area);
}

fn difference(frame: &mut Frame, area: Rect, state: &State, c: &AbComparison) {
    let theme = &state.theme;
    let d = &c.difference;
    let level = (CONFIDENCE * 100.0).round();
    let muted = theme.style(Role::Muted);
    let text = theme.style(Role::Text);
    let verdict_role = match c.outcome {
        AbOutcome::NotWorse => Role::Ok,
        AbOutcome::Worse => Role::Error,
        AbOutcome::Undecided => Role::Warn,
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled("B − A  error rate ", muted),
            Span::styled(
                format!(
                    "{} ({level}% CI {} to {}, {})",
                    points(d.difference),
                    points(d.interval.low),
                    points(d.interval.high),
                    p_value(d.p_value)
                ),
                text,
            ),
        ]),
        Line::from(vec![
            Span::styled("B / A  p99        ", muted),
            Span::styled(
                c.p99_ratio.map_or_else(
                    || "-".to_string(),
                    |r| crate::safe_text::number(r, |r| format!("{r:.2}×")),
                ),
                text,
            ),
        ]),
        Line::from(""),
        Line::styled(c.verdict.clone(), theme.style(verdict_role)),
    ];
    for check in &c.judgement.checks {
        lines.push(Line::styled(
            format!(
                "  {} {}: {}",
                check.verdict.as_str(),
                check.guard,
                check.detail
            ),
            muted,
        ));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
