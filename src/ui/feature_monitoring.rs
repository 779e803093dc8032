//! The "Feature monitoring" section of a feature table: each feature's latest null rate (with
//! where it stood a few windows before), its drift judged by the drift severity rules, and the
//! window, worst first; or that the table has no monitor and how to create one. Drawn below the
//! rest of the detail from `state.feature_monitoring` only.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::State;
use crate::app::format;
use crate::ops::feature_monitoring::{FeatureHealth, FeatureMonitoring, MonitoredTable};
use crate::theme::Role;

use super::monitoring::severity_role;
use super::widgets::{escaped, load_state_line, panel};

/// Rows the section takes at most (its border included).
const MAX_HEIGHT: u16 = 12;

fn percent(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{v:.1}%"))
}

fn drift_text(f: &FeatureHealth) -> String {
    match &f.drift {
        None => "-".into(),
        Some(d) => match (&d.statistic, d.value) {
            (Some(s), Some(v)) if d.severity.crossed() => {
                format!("{} {s} {v:.2}", d.severity.as_str())
            }
            _ => d.severity.as_str().to_string(),
        },
    }
}

fn monitored(state: &State, m: &MonitoredTable) -> Vec<Line<'static>> {
    let t = &state.theme;
    let mut head = vec![format!("{} monitor", m.kind)];
    if let Some(s) = &m.status {
        head.push(s.clone());
    }
    if let Some(r) = &m.last_refresh {
        head.push(format!(
            "last refresh {} {}",
            r.state,
            format::ago(state.now_ms, r.end_ms)
        ));
    }
    let (drifting, rising) = (m.drifting().len(), m.rising_nulls().len());
    head.push(format!("{drifting} drifting, {rising} with rising nulls"));
    head.push("M opens the monitor".into());
    let role = if drifting > 0 || rising > 0 {
        Role::Warn
    } else {
        Role::Muted
    };
    let mut lines = vec![Line::styled(escaped(&head.join(" · ")), t.style(role))];
    if !m.features.is_empty() {
        lines.push(Line::styled(
            format!(
                "{:<26}{:<9}{:<9}{:<24}window",
                "feature", "nulls", "before", "drift"
            ),
            t.style(Role::Header),
        ));
    }
    for f in &m.features {
        let nulls_role = if f.nulls_rising() {
            Role::Warn
        } else {
            Role::Text
        };
        let drift_role = f
            .drift
            .as_ref()
            .map_or(Role::Muted, |d| severity_role(d.severity));
        let rising = if f.nulls_rising() { "▲" } else { " " };
        lines.push(Line::from(vec![
            Span::styled(format!("{:<26}", escaped(&f.feature)), t.style(Role::Text)),
            Span::styled(
                format!("{:<9}", format!("{}{rising}", percent(f.null_rate))),
                t.style(nulls_role),
            ),
            Span::styled(
                format!("{:<9}", percent(f.null_rate_before)),
                t.style(Role::Muted),
            ),
            Span::styled(format!("{:<24}", drift_text(f)), t.style(drift_role)),
            Span::styled(
                f.window
                    .as_ref()
                    .map_or("-".into(), |w| escaped(&w.label())),
                t.style(Role::Muted),
            ),
        ]));
    }
    for n in &m.notes {
        lines.push(Line::styled(escaped(n), t.style(Role::Warn)));
    }
    lines
}

fn lines(state: &State, table: &str) -> Vec<Line<'static>> {
    let t = &state.theme;
    let f = &state.feature_monitoring;
    match f.of(table) {
        Some(FeatureMonitoring::Monitored(m)) => {
            let mut l = monitored(state, m);
            if let Some(line) = load_state_line(state, &f.read) {
                l.insert(0, line);
            }
            l
        }
        // The short form of the hint (the headless output gives it whole).
        Some(FeatureMonitoring::NoMonitor { .. }) => vec![Line::styled(
            "no monitor on this table: create one (Catalog Explorer → Quality, or POST \
             /api/data-quality/v1/monitors) to see null rates and drift per feature",
            t.style(Role::Muted),
        )],
        Some(FeatureMonitoring::Unreadable { error, .. }) => vec![Line::styled(
            escaped(&format!("the monitor could not be read: {error}")),
            t.style(Role::Error),
        )],
        None => {
            vec![load_state_line(state, &f.read).unwrap_or_else(|| {
                Line::styled("reading the table's monitor…", t.style(Role::Muted))
            })]
        }
    }
}

/// Draws the section at the bottom of `area` for `table`; gives the area left above it.
pub fn render_below(frame: &mut Frame, area: Rect, state: &State, table: &str) -> Rect {
    let lines = lines(state, table);
    let height = (lines.len() as u16 + 2)
        .min(MAX_HEIGHT)
        .min(area.height / 3);
    if height < 3 {
        return area;
    }
    let [rest, below] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(height)]).areas(area);
    let b = panel(state, " Feature monitoring ", false);
    let inner = b.inner(below);
    frame.render_widget(b, below);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    rest
}
