//! Sweep: a parent run's trials ranked by the objective, the best marked, statuses counted, and
//! the param-versus-objective scatter.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

use crate::app::State;
use crate::app::format;
use crate::app::screens::sweep::{self, SweepState};
use crate::ops::sweep as ops;
use crate::theme::Role;

use super::chart;
use super::glyphs::glyphs;
use super::widgets::{escaped, load_state_line, panel, truncate};

/// Params shown as columns at most (the most varied ones).
const PARAM_COLUMNS: usize = 3;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let s = &state.sweep;
    let g = glyphs(state.session.ascii);
    let parent = s
        .data
        .data
        .as_ref()
        .and_then(|d| d.parent.info.run_name.as_deref())
        .unwrap_or(&s.run_id);
    let title = format!(" Sweep {} {} ", g.sep.trim(), escaped(parent));
    let block = panel(state, title, true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(data) = &s.data.data else {
        let line = load_state_line(state, &s.data)
            .unwrap_or_else(|| Line::styled("no data", theme.style(Role::Muted)));
        frame.render_widget(Paragraph::new(line), inner);
        return;
    };
    if data.trials.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(
                "this run has no child runs (trials are runs tagged mlflow.parentRunId)",
                theme.style(Role::Muted),
            )),
            inner,
        );
        return;
    }
    let show_filter = s.view.filtering || s.view.has_filter();
    let [summary, body, status, filter] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(u16::from(load_state_line(state, &s.data).is_some())),
        Constraint::Length(u16::from(show_filter)),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(summary_line(state, s)), summary);
    let (list, plot) = if body.width >= 110 {
        let [l, r] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Min(0)]).areas(body);
        (l, r)
    } else {
        let [t, b] = Layout::vertical([Constraint::Percentage(55), Constraint::Min(0)]).areas(body);
        (t, b)
    };
    trials_table(frame, list, state, s);
    let spec = sweep::scatter_spec(state);
    let plot_title = match (s.param(), s.objective()) {
        (Some(p), Some(o)) => format!(" {} by {} ", escaped(&o), escaped(&p)),
        _ => " Scatter ".to_string(),
    };
    let block = panel(state, plot_title, false);
    let plot_inner = block.inner(plot);
    frame.render_widget(block, plot);
    chart::render(
        frame,
        plot_inner,
        state,
        spec.as_ref(),
        "no trial has both the param and the objective",
    );
    if let Some(line) = load_state_line(state, &s.data) {
        frame.render_widget(Paragraph::new(line), status);
    }
    if show_filter {
        super::experiments::filter_line(frame, filter, state, &s.view);
    }
}

fn summary_line(state: &State, s: &SweepState) -> Line<'static> {
    let theme = &state.theme;
    let g = glyphs(state.session.ascii);
    let trials = s.trials();
    let mut spans = vec![Span::styled(
        format!("{} trials", trials.len()),
        theme.style(Role::Accent),
    )];
    if s.data.data.as_ref().is_some_and(|d| d.truncated) {
        spans.push(Span::styled(" (first ones only)", theme.style(Role::Warn)));
    }
    for (status, n) in ops::status_counts(trials) {
        let role = match status.as_str() {
            "FINISHED" => Role::Ok,
            "FAILED" => Role::Error,
            "KILLED" => Role::Warn,
            "RUNNING" | "SCHEDULED" => Role::Info,
            _ => Role::Muted,
        };
        spans.push(Span::raw("  "));
        spans.push(Span::styled(
            format!("{n} {}", escaped(&status.to_lowercase())),
            theme.style(role),
        ));
    }
    if let Some(obj) = s.objective() {
        let dir = if s.minimize() { "min" } else { "max" };
        spans.push(Span::styled(
            format!("  {} objective ", g.sep.trim()),
            theme.style(Role::Muted),
        ));
        spans.push(Span::styled(
            format!("{} ({dir})", escaped(&obj)),
            theme.style(Role::Text),
        ));
        if let Some(best) = s.best.and_then(|i| trials.get(i)) {
            let v = best.metric(&obj).map(format::metric).unwrap_or_default();
            spans.push(Span::styled("  best ", theme.style(Role::Muted)));
            spans.push(Span::styled(
                format!("{} {v}", escaped(&best.name)),
                theme.style(Role::Ok),
            ));
        }
    }
    Line::from(spans)
}

fn trials_table(frame: &mut Frame, area: Rect, state: &State, s: &SweepState) {
    let theme = &state.theme;
    let g = glyphs(state.session.ascii);
    let trials = s.trials();
    let obj = s.objective().unwrap_or_default();
    let mut params: Vec<String> = ops::param_keys(trials)
        .into_iter()
        .take(PARAM_COLUMNS)
        .collect();
    let obj_width = obj.chars().count().clamp(7, 12);
    let param_width = |p: &String| p.chars().count().clamp(6, 12);
    // The trial name takes what is left; params go first when it would get too narrow.
    let name_width = loop {
        let others: usize = params.iter().map(|p| param_width(p) + 1).sum();
        let fixed = 2 + 3 + 1 + 8 + obj_width + 5 + others;
        let left = usize::from(area.width).saturating_sub(fixed);
        if left >= 14 || params.is_empty() {
            break left.clamp(4, 28);
        }
        params.pop();
    };
    if s.ranked.is_empty() {
        let text = format!("nothing matches \"{}\"", s.view.filter_text());
        frame.render_widget(
            Paragraph::new(Line::styled(text, theme.style(Role::Muted))),
            area,
        );
        return;
    }
    let height = usize::from(area.height.saturating_sub(1)).max(1);
    let selected = s.view.selected.min(s.ranked.len() - 1);
    let mut offset = s.view.offset.min(selected);
    if selected >= offset + height {
        offset = selected + 1 - height;
    }
    let best_mark = if state.session.ascii { "*" } else { "★" };
    let rows = s
        .ranked
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(pos, &i)| {
            let t = &trials[i];
            let best = Some(i) == s.best;
            let mark = if best { best_mark } else { " " };
            let status_role = match t.status.as_str() {
                "FINISHED" => Role::Ok,
                "FAILED" => Role::Error,
                _ => Role::Muted,
            };
            let value = t
                .metric(&obj)
                .map(format::metric)
                .unwrap_or_else(|| "-".into());
            let mut cells = vec![
                Cell::from(Text::from(
                    Line::from(format!("{}", pos + 1)).alignment(Alignment::Right),
                )),
                Cell::from(mark).style(theme.style(Role::Ok)),
                Cell::from(truncate(&escaped(&t.name), name_width, g.cut)),
                Cell::from(escaped(&t.status)).style(theme.style(status_role)),
                Cell::from(Text::from(Line::from(value).alignment(Alignment::Right))),
            ];
            cells.extend(params.iter().map(|p| {
                Cell::from(truncate(
                    &escaped(t.param(p).unwrap_or("-")),
                    param_width(p),
                    g.cut,
                ))
            }));
            Row::new(cells)
        });
    let mut header = vec![
        Cell::from("#"),
        Cell::from(""),
        Cell::from("Trial"),
        Cell::from("Status"),
        Cell::from(Text::from(
            Line::from(escaped(&obj)).alignment(Alignment::Right),
        )),
    ];
    header.extend(params.iter().map(|p| Cell::from(escaped(p))));
    let mut widths = vec![
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Length(name_width as u16),
        Constraint::Length(8),
        Constraint::Length(obj_width as u16),
    ];
    widths.extend(
        params
            .iter()
            .map(|p| Constraint::Length(param_width(p) as u16)),
    );
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.style(Role::Header)))
        .column_spacing(1)
        .row_highlight_style(theme.style(Role::Selected))
        .highlight_symbol(g.selected);
    let mut ts = TableState::default().with_selected(Some(selected - offset));
    frame.render_stateful_widget(table, area, &mut ts);
}
