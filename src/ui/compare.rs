//! Compare: params and latest metrics of the marked runs side by side (differences
//! highlighted, or only them with `d`), and one metric's histories overlaid.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph};

use crate::app::State;
use crate::app::format;
use crate::app::screens::compare::{self, run_label};
use crate::ops::compare::{self as ops, CompareRow};
use crate::theme::Role;

use super::chart;
use super::glyphs::glyphs;
use super::widgets::{escaped, load_state_line, panel, truncate};

/// Width of a run's value column.
const VALUE_WIDTH: usize = 14;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let (table_area, chart_area) = if area.width >= 120 {
        let [l, r] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Min(0)]).areas(area);
        (l, r)
    } else {
        let [t, b] = Layout::vertical([Constraint::Percentage(55), Constraint::Min(0)]).areas(area);
        (t, b)
    };
    render_table(frame, table_area, state);
    render_chart(frame, chart_area, state);
}

fn render_table(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let c = &state.compare;
    let g = glyphs(state.session.ascii);
    let diff = if c.diff_only {
        " (differences only)"
    } else {
        ""
    };
    let title = format!(" Compare {} {} runs{diff} ", g.sep.trim(), c.run_ids.len());
    let block = panel(state, title, true).padding(Padding::horizontal(1));
    let inner_width = usize::from(block.inner(area).width);
    let runs = c.runs();
    if runs.is_empty() {
        let line = load_state_line(state, &c.runs)
            .unwrap_or_else(|| Line::styled("no data", theme.style(Role::Muted)));
        frame.render_widget(Paragraph::new(line).block(block), area);
        return;
    }
    let params = ops::params(runs, c.diff_only);
    let metrics = ops::metrics(runs, c.diff_only, format::metric);
    let key_width = params
        .iter()
        .chain(metrics.iter())
        .map(|r| escaped(&r.key).chars().count())
        .max()
        .unwrap_or(4)
        .clamp(6, 22);
    let ell = g.cut;
    let header = {
        let mut spans = vec![Span::raw(format!("{:key_width$}", ""))];
        for r in runs {
            let label = truncate(&escaped(&run_label(r)), VALUE_WIDTH, ell);
            spans.push(Span::styled(
                format!(" {label:<VALUE_WIDTH$}"),
                theme.style(Role::Header),
            ));
        }
        Line::from(spans)
    };
    let mut lines = vec![header];
    lines.extend(section(state, "Params", &params, key_width));
    lines.extend(section(state, "Metrics, latest", &metrics, key_width));
    lines.extend(load_state_line(state, &c.runs));
    if inner_width < key_width + VALUE_WIDTH {
        lines.truncate(1);
    }
    let visible = area.height.saturating_sub(2);
    let scroll = c.scroll.min((lines.len() as u16).saturating_sub(visible));
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), area);
}

fn section(
    state: &State,
    title: &str,
    rows: &[CompareRow],
    key_width: usize,
) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let ell = glyphs(state.session.ascii).cut;
    let mut out = vec![
        Line::default(),
        Line::styled(
            format!("{title} ({})", rows.len()),
            theme.style(Role::Header),
        ),
    ];
    if rows.is_empty() {
        out.push(Line::styled("  no differences", theme.style(Role::Muted)));
    }
    for row in rows {
        // Differing rows stand out; equal ones recede.
        let (key_role, value_style) = if row.differs {
            (
                Role::Accent,
                theme.style(Role::Text).add_modifier(Modifier::BOLD),
            )
        } else {
            (Role::Muted, theme.style(Role::Muted))
        };
        let mut spans = vec![Span::styled(
            format!(
                "{:<key_width$}",
                truncate(&escaped(&row.key), key_width, ell)
            ),
            theme.style(key_role),
        )];
        for v in &row.values {
            let text = truncate(&escaped(v.as_deref().unwrap_or("-")), VALUE_WIDTH, ell);
            spans.push(Span::styled(format!(" {text:<VALUE_WIDTH$}"), value_style));
        }
        out.push(Line::from(spans));
    }
    out
}

fn render_chart(frame: &mut Frame, area: Rect, state: &State) {
    let c = &state.compare;
    let g = glyphs(state.session.ascii);
    let zoom = if c.chart.is_zoomed() {
        let (lo, hi) = c.chart.window;
        format!(" {} zoom {:.0}x", g.sep.trim(), 1.0 / (hi - lo))
    } else {
        String::new()
    };
    let title = format!(
        " {} {} {}{zoom} ",
        escaped(c.metric.as_deref().unwrap_or("History")),
        g.sep.trim(),
        c.chart.x_axis.label()
    );
    let block = panel(state, title, false);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let spec = compare::chart_spec(state, chart::buckets_for(inner.width));
    let empty = if c.histories.is_loading() {
        format!("loading history{}", g.ellipsis)
    } else if c.metric.is_none() {
        "the runs have no metrics".to_string()
    } else {
        "no history for this metric (m: choose another)".to_string()
    };
    chart::render(frame, inner, state, spec.as_ref(), &empty);
}
