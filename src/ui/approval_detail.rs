//! The approval detail popup (`Enter` on Approvals): the request in full, the source run's
//! metrics beside the champion's, and where each version comes from.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::State;
use crate::app::format;
use crate::app::screens::approvals::DetailView;
use crate::ops::approvals::ApprovalSource;
use crate::ops::approvals::detail::{ApprovalDetail, Lineage};
use crate::theme::Role;

use super::widgets::{escaped, popup};

fn lineage_line(l: &Lineage, champion: bool) -> String {
    let mut text = format!("v{}", escaped(&l.version));
    if champion {
        text.push_str(" (champion)");
    }
    match (&l.run_name, &l.run_id) {
        (Some(name), Some(id)) => {
            text.push_str(&format!(" ← run {} ({})", escaped(name), escaped(id)))
        }
        (None, Some(id)) => text.push_str(&format!(" ← run {}", escaped(id))),
        _ => text.push_str(" ← no source run"),
    }
    if let Some(e) = &l.experiment_id {
        text.push_str(&format!(" in experiment {}", escaped(e)));
    }
    if let Some(p) = &l.parent_run_id {
        text.push_str(&format!(", child of run {}", escaped(p)));
    }
    text.push_str(&format!(
        "; registered {} by {}",
        format::datetime_short(l.registered_ms),
        escaped(l.registered_by.as_deref().unwrap_or("?"))
    ));
    text
}

fn value(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), format::metric)
}

fn detail_lines(state: &State, d: &ApprovalDetail) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let text = |s: String| Line::styled(s, theme.style(Role::Text));
    let head = |s: &str| Line::styled(s.to_string(), theme.style(Role::Accent));
    let mut lines = Vec::new();
    lines.push(head("Comments"));
    if d.comments.is_empty() {
        lines.push(Line::styled("  (none)", theme.style(Role::Muted)));
    }
    lines.extend(d.comments.iter().map(|c| text(format!("  {}", escaped(c)))));
    lines.push(Line::default());
    let champion = d.champion.as_deref().map(escaped);
    lines.push(head(&format!(
        "Metrics            {:<14} {}",
        format!("v{}", escaped(&d.item.version)),
        champion
            .as_deref()
            .map_or("no champion".to_string(), |c| format!("v{c} (champion)"))
    )));
    if d.metrics.is_empty() {
        lines.push(Line::styled(
            "  no metrics on the source runs",
            theme.style(Role::Muted),
        ));
    }
    for m in &d.metrics {
        lines.push(text(format!(
            "  {:<16} {:<14} {}",
            escaped(&m.key),
            value(m.candidate),
            value(m.champion)
        )));
    }
    lines.push(Line::default());
    lines.push(head("Lineage"));
    for (i, l) in d.lineage.iter().enumerate() {
        lines.push(text(format!("  {}", lineage_line(l, i > 0))));
    }
    for n in &d.notes {
        lines.push(Line::styled(
            format!("note: {}", escaped(n)),
            theme.style(Role::Muted),
        ));
    }
    lines
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, view: &DetailView) {
    let theme = &state.theme;
    let item = &view.item;
    let what = match item.source {
        ApprovalSource::Workspace => format!(
            "transition request to {}",
            escaped(item.to_stage.as_deref().unwrap_or("?"))
        ),
        ApprovalSource::UnityCatalog => "approval tag pending (Unity Catalog)".to_string(),
    };
    let mut lines = vec![
        Line::styled(
            format!(
                "{} v{}: {what}",
                escaped(&item.model),
                escaped(&item.version)
            ),
            theme.style(Role::Text),
        ),
        Line::styled(
            format!(
                "Asked by {} on {}",
                escaped(item.requested_by.as_deref().unwrap_or("?")),
                format::datetime_short(item.since_ms)
            ),
            theme.style(Role::Text),
        ),
        Line::default(),
    ];
    match &view.detail {
        None => lines.push(Line::styled("reading…", theme.style(Role::Muted))),
        Some(d) => lines.extend(detail_lines(state, d)),
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        "esc: close (then a / x to approve or reject)   j k: scroll",
        theme.style(Role::Muted),
    ));
    let height = (lines.len() as u16 + 3).min(area.height);
    let inner = popup(frame, area, state, " Approval request ", 100, height);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((view.scroll, 0)),
        inner,
    );
}
