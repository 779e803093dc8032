//! The Overview's alerts panel: firing alerts counted by severity, the most severe ones, and
//! how many rules could not be judged (unknown, never OK); `!` opens the Alerts list.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph};

use crate::app::State;
use crate::app::format;
use crate::config::alert_rules::Severity;
use crate::ops::alerts::Alert;
use crate::theme::Role;

use super::glyphs::glyphs;
use super::widgets::{escaped, load_state_line, panel};

/// Alerts listed at most under the summary (none on a short screen, where the summary also
/// counts the rules not judged).
const MAX_ROWS: usize = 3;

/// The role an alert's severity is drawn in.
pub fn severity_role(s: Severity) -> Role {
    match s {
        Severity::Critical => Role::Error,
        Severity::Warning => Role::Warn,
        Severity::Info => Role::Muted,
    }
}

/// The panel's lines: a summary, the top alerts, the rules not judged.
pub fn lines(state: &State, compact: bool) -> Vec<Line<'static>> {
    let a = &state.alerts;
    let mut lines = Vec::new();
    if let Some(read) = &a.read.data {
        let unknown = read.evaluation.unknown.len();
        let mut first = summary(state, compact);
        if compact && unknown > 0 {
            first.spans.push(Span::styled(
                format!("· {unknown} not judged"),
                state.theme.style(Role::Muted),
            ));
        }
        lines.push(first);
        let rows = if compact { 0 } else { MAX_ROWS };
        for alert in a.firing().into_iter().take(rows) {
            lines.push(row(state, alert));
        }
        if unknown > 0 && !compact {
            let g = glyphs(state.session.ascii);
            lines.push(Line::from(vec![
                Span::styled(format!("{} ", g.other), state.theme.style(Role::Warn)),
                Span::styled(
                    format!(
                        "{unknown} rule{} not judged",
                        if unknown == 1 { "" } else { "s" }
                    ),
                    state.theme.style(Role::Muted),
                ),
            ]));
        }
    }
    lines.extend(load_state_line(state, &a.read));
    lines
}

fn summary(state: &State, compact: bool) -> Line<'static> {
    let theme = &state.theme;
    let g = glyphs(state.session.ascii);
    let a = &state.alerts;
    if a.firing().is_empty() {
        return Line::from(vec![
            Span::styled(format!("{} ", g.ok), theme.style(Role::Ok)),
            Span::styled("no alert firing  ", theme.style(Role::Text)),
        ]);
    }
    let mut spans = Vec::new();
    for s in [Severity::Critical, Severity::Warning, Severity::Info] {
        let n = a.count(s);
        if compact && n == 0 {
            continue;
        }
        let role = if n == 0 {
            Role::Muted
        } else {
            severity_role(s)
        };
        spans.push(Span::styled(format!("{n} "), theme.style(role)));
        spans.push(Span::styled(
            format!("{}  ", s.as_str()),
            theme.style(Role::Text),
        ));
    }
    Line::from(spans)
}

fn row(state: &State, a: &Alert) -> Line<'static> {
    let theme = &state.theme;
    let g = glyphs(state.session.ascii);
    Line::from(vec![
        Span::styled(
            format!("{} ", g.failed),
            theme.style(severity_role(a.severity)),
        ),
        Span::styled(escaped(&a.object.name), theme.style(Role::Text)),
        Span::styled(
            format!(
                "  {} {}",
                a.rule,
                format::ago_short(state.now_ms, a.since_ms)
            ),
            theme.style(Role::Muted),
        ),
    ])
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, lines: Vec<Line<'static>>) {
    let block = panel(state, " Alerts ", false).padding(Padding::horizontal(1));
    let lines = super::cut::lines(
        lines,
        block.inner(area).width,
        super::cut::mark(state.session.ascii),
    );
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
