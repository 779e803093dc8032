//! The Alerts list: the firing alerts (severity, rule, object, since, detail; Enter opens the
//! object), below them the rules that could not be judged with why, and the workspace's own
//! SQL alerts with their state and last evaluation.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph};

use crate::app::State;
use crate::app::format;
use crate::theme::Role;

use super::columns::{Column, FitRow};
use super::overview_alerts::severity_role;
use super::table::{ListScreen, render as render_list};
use super::widgets::{escaped, panel};

/// The lines under the list: rules not judged, then the SQL alerts.
fn lower_lines(state: &State) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let mut lines = Vec::new();
    let Some(read) = &state.alerts.read.data else {
        return lines;
    };
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
    lines.push(Line::from(""));
    match &read.sql_alerts {
        Ok(list) if list.is_empty() => lines.push(Line::styled(
            "SQL alerts: none in this workspace",
            theme.style(Role::Muted),
        )),
        Ok(list) => {
            lines.push(Line::styled(
                format!("SQL alerts ({})", list.len()),
                theme.style(Role::Text),
            ));
            for a in list {
                let role = match a.state.as_str() {
                    "TRIGGERED" => Role::Error,
                    "OK" => Role::Ok,
                    _ => Role::Muted,
                };
                lines.push(Line::from(vec![
                    Span::styled(format!("  {:<10} ", a.state), theme.style(role)),
                    Span::styled(escaped(&a.name), theme.style(Role::Text)),
                    Span::styled(
                        format!(
                            "  evaluated {}",
                            a.last_evaluated_at.as_deref().unwrap_or("never")
                        ),
                        theme.style(Role::Muted),
                    ),
                ]));
            }
        }
        Err(e) => lines.push(Line::styled(
            format!("SQL alerts could not be read: {}", escaped(e)),
            theme.style(Role::Error),
        )),
    }
    lines
}

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let a = &state.alerts;
    let firing = a.firing();
    let rows: Vec<FitRow> = firing
        .iter()
        .map(|x| {
            FitRow::new(vec![
                Line::styled(
                    x.severity.as_str().to_string(),
                    theme.style(severity_role(x.severity)),
                ),
                Line::from(escaped(&x.rule)),
                Line::from(escaped(&x.object.name)),
                Line::from(format::ago_short(state.now_ms, x.since_ms)),
                Line::from(escaped(&x.detail)),
            ])
        })
        .collect();
    let lower = lower_lines(state);
    let lower_height = (lower.len() as u16 + 2).min(area.height / 2);
    let [top, bottom] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(lower_height)]).areas(area);
    render_list(
        frame,
        top,
        state,
        ListScreen {
            title: "Alerts firing",
            remote: &a.read,
            view: &a.view,
            total: firing.len(),
            columns: vec![
                Column::whole("Severity", 9),
                Column::text("Rule", 7).min(10).max(26),
                Column::text("Object", 8).min(12).max(48).fill(2),
                Column::whole("Since", 5),
                Column::text("Detail", 6).min(10).fill(3),
            ],
            rows,
            empty: "no alert firing",
            notes: Vec::new(),
        },
    );
    let block =
        panel(state, " Rules not judged · SQL alerts ", false).padding(Padding::horizontal(1));
    let lines = super::cut::lines(
        lower,
        block.inner(bottom).width,
        super::cut::mark(state.session.ascii),
    );
    frame.render_widget(Paragraph::new(lines).block(block), bottom);
}
