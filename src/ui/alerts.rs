//! The Alerts list: the firing alerts (severity, rule, object, since, detail; Enter opens the
//! object), then the workspace's own SQL alerts (state, name, last evaluation, condition; Enter
//! shows the alert's detail below), all through the `/` filter. Below the list: the open SQL
//! alert's detail, the age of the monitor-backed facts, the latest automatic retrains, and the
//! rules that could not be judged with why.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph};

use crate::app::State;
use crate::app::format;
use crate::app::screens::alerts::{Row, SqlAlertRow};
use crate::ops::alerts::auto::AutoResult;
use crate::theme::{Role, Theme};

use super::columns::{Column, FitRow};
use super::overview_alerts::severity_role;
use super::table::{ListScreen, render as render_list};
use super::widgets::{escaped, panel};

fn sql_state_role(state: &str) -> Role {
    match state {
        "TRIGGERED" | "ERROR" => Role::Error,
        "OK" => Role::Ok,
        _ => Role::Muted,
    }
}

/// The open SQL alert, field by field (a multi-line query indented under its label).
fn sql_detail(theme: &Theme, s: &SqlAlertRow) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(vec![
        Span::styled("SQL alert ", theme.style(Role::Muted)),
        Span::styled(escaped(&s.name), theme.style(Role::Text)),
        Span::styled("  (Enter closes)", theme.style(Role::Muted)),
    ])];
    for (k, v) in &s.detail {
        for (i, part) in v.lines().enumerate() {
            let label = if i == 0 { k.as_str() } else { "" };
            let role = if k == "state" {
                sql_state_role(part)
            } else {
                Role::Text
            };
            lines.push(Line::from(vec![
                Span::styled(format!("  {label:<15}"), theme.style(Role::Muted)),
                Span::styled(escaped(part), theme.style(role)),
            ]));
        }
    }
    lines.push(Line::from(""));
    lines
}

/// The lines under the list.
fn lower_lines(state: &State) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let a = &state.alerts;
    let mut lines = Vec::new();
    if let Some(s) = a.open_sql() {
        lines.extend(sql_detail(theme, s));
    }
    let Some(read) = &a.read.data else {
        return lines;
    };
    if let Some(at) = read.monitoring_at_ms {
        lines.push(Line::styled(
            format!(
                "Drift, quality and monitor-refresh rules: judged on facts read {} ago (read \
                 every {}; r reads them now)",
                format::ago_short(state.now_ms, Some(at)),
                format::duration(a.monitoring_every_ms)
            ),
            theme.style(Role::Muted),
        ));
    }
    if !a.retrained.is_empty() {
        lines.push(Line::styled(
            "Automatic retraining",
            theme.style(Role::Text),
        ));
        for r in a.retrained.iter().rev() {
            let role = match r.result {
                AutoResult::Started { .. } => Role::Ok,
                AutoResult::Skipped { .. } => Role::Muted,
                AutoResult::Failed { .. } => Role::Error,
            };
            lines.push(Line::styled(
                format!("  {}", escaped(&r.text())),
                theme.style(role),
            ));
        }
    }
    let unknown = &read.evaluation.unknown;
    if unknown.is_empty() {
        lines.push(Line::styled(
            format!("every rule was judged ({})", read.evaluation.rules),
            theme.style(Role::Muted),
        ));
    } else {
        lines.push(Line::styled(
            format!("Not judged ({}): unknown, not OK", unknown.len()),
            theme.style(Role::Warn),
        ));
        for u in unknown {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<24} ", u.rule), theme.style(Role::Text)),
                Span::styled(escaped(&u.reason), theme.style(Role::Muted)),
            ]));
        }
    }
    if let Err(e) = &read.sql_alerts {
        lines.push(Line::styled(
            format!("SQL alerts could not be read: {}", escaped(e)),
            theme.style(Role::Error),
        ));
    }
    lines
}

fn row(state: &State, r: Row<'_>) -> FitRow {
    let theme = &state.theme;
    match r {
        Row::Console(x) => FitRow::new(vec![
            Line::styled(
                x.severity.as_str().to_string(),
                theme.style(severity_role(x.severity)),
            ),
            Line::from(escaped(&x.rule)),
            Line::from(escaped(&x.object.name)),
            Line::from(format::ago_short(state.now_ms, x.since_ms)),
            Line::from(escaped(&x.detail)),
        ]),
        Row::Sql(s) => FitRow::new(vec![
            Line::styled("sql", theme.style(Role::Muted)),
            Line::styled(escaped(&s.state), theme.style(sql_state_role(&s.state))),
            Line::from(escaped(&s.name)),
            Line::from(format::ago_short(state.now_ms, s.evaluated_ms())),
            Line::from(escaped(&s.condition)),
        ]),
    }
}

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let a = &state.alerts;
    let shown = a.rows();
    let rows: Vec<FitRow> = shown.iter().map(|r| row(state, *r)).collect();
    let lower = lower_lines(state);
    let share = if a.open_sql().is_some() { 3 } else { 2 };
    let lower_height = (lower.len() as u16 + 2).min(area.height * (share - 1) / share);
    let [top, bottom] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(lower_height)]).areas(area);
    render_list(
        frame,
        top,
        state,
        ListScreen {
            title: "Alerts firing · SQL alerts",
            remote: &a.read,
            view: &a.view,
            total: shown.len(),
            columns: vec![
                Column::whole("Severity", 9),
                Column::text("Rule", 7).min(10).max(26),
                Column::text("Object", 8).min(12).max(48).fill(2),
                Column::whole("Since", 5),
                Column::text("Detail", 6).min(10).fill(3),
            ],
            rows,
            empty: "no alert firing, no SQL alert",
            notes: Vec::new(),
        },
    );
    let block = panel(state, " Details · rules not judged ", false).padding(Padding::horizontal(1));
    let lines = super::cut::lines(
        lower,
        block.inner(bottom).width,
        super::cut::mark(state.session.ascii),
    );
    frame.render_widget(Paragraph::new(lines).block(block), bottom);
}
