//! One model: its facts, its versions (with approval state and source run), and the timeline of
//! the selected version (open transition requests and the journal's changes of it).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, TableState, Wrap};

use crate::app::State;
use crate::app::format;
use crate::ops::models::{ModelDetail, VersionRow};
use crate::theme::{Role, Theme};

use super::columns::{Column, FitRow, Look, table as fitted_table};
use super::cut;
use super::glyphs::glyphs;
use super::widgets::{escaped, load_state_line, panel};

/// A labelled fact; the value carries server text (owner, tags, description), escaped.
fn field(theme: &Theme, k: &str, v: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{k:<13}"), theme.style(Role::Muted)),
        Span::styled(escaped(&v), theme.style(Role::Text)),
    ])
}

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let m = &state.models;
    let title = format!(" {} ", escaped(&m.name));
    let Some(d) = m.current_detail() else {
        let block = panel(state, title, true);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let line = load_state_line(state, &m.detail).unwrap_or_else(|| {
            let g = glyphs(state.session.ascii);
            Line::styled(format!("loading{}", g.ellipsis), theme.style(Role::Muted))
        });
        frame.render_widget(Paragraph::new(line), inner);
        return;
    };
    let [facts_area, versions_area, timeline_area] = Layout::vertical([
        Constraint::Length(6),
        Constraint::Min(4),
        Constraint::Length(7),
    ])
    .areas(area);
    facts(frame, facts_area, state, d, title);
    versions(frame, versions_area, state, d);
    timeline(frame, timeline_area, state, d);
}

fn facts(frame: &mut Frame, area: Rect, state: &State, d: &ModelDetail, title: String) {
    let theme = &state.theme;
    let block = panel(state, title, false);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let pointers = if d.row.pointers.is_empty() {
        "(none)".to_string()
    } else {
        d.row.pointers_text()
    };
    let tags = d
        .tags
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ");
    let lines = vec![
        field(
            theme,
            "Source",
            format!(
                "{}   owner {}",
                d.row.source.label(),
                d.row.owner.as_deref().unwrap_or("-")
            ),
        ),
        field(
            theme,
            match d.row.source {
                crate::ops::models::Source::UnityCatalog => "Aliases",
                crate::ops::models::Source::Workspace => "Latest",
            },
            pointers,
        ),
        field(
            theme,
            "Tags",
            if tags.is_empty() { "-".into() } else { tags },
        ),
        field(
            theme,
            "Description",
            d.row.description.clone().unwrap_or_else(|| "-".into()),
        ),
    ];
    let mark = cut::mark(state.session.ascii);
    frame.render_widget(Paragraph::new(cut::lines(lines, inner.width, mark)), inner);
}

fn where_(v: &VersionRow) -> String {
    let mut parts: Vec<String> = v.aliases.iter().map(|a| format!("@{a}")).collect();
    if let Some(s) = v.stage.as_ref().filter(|s| s.as_str() != "None") {
        parts.push(s.clone());
    }
    parts.join(" ")
}

fn versions(frame: &mut Frame, area: Rect, state: &State, d: &ModelDetail) {
    let theme = &state.theme;
    let block = panel(state, format!(" Versions ({}) ", d.versions.len()), true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = d.versions.iter().map(|v| {
        let approval = v.approval.clone().unwrap_or_default();
        let role = match approval.as_str() {
            "approved" => Role::Ok,
            "rejected" => Role::Error,
            "" => Role::Muted,
            _ => Role::Warn,
        };
        let text = |t: Option<&str>| escaped(t.unwrap_or_default());
        FitRow::new(vec![
            Line::from(escaped(&v.version)),
            Line::from(escaped(&v.status)),
            Line::from(escaped(&where_(v))),
            Line::styled(escaped(&approval), theme.style(role)),
            Line::from(text(v.created_by.as_deref())),
            Line::from(format::datetime_short(v.created_ms)),
            Line::from(escaped(&v.run_id.as_deref().map(short).unwrap_or_default())),
            Line::styled(text(v.description.as_deref()), theme.style(Role::Muted)),
        ])
    });
    let columns = [
        Column::whole("Ver", 9),
        Column::text("Status", 6).max(12),
        // "@champion @challenger": an alias shown in part reads as another alias.
        Column::words("Alias/stage", 8).min(10).fill(2),
        Column::text("Approval", 7).max(18),
        Column::text("By", 4).fill(2),
        Column::whole("Created", 5),
        Column::whole("Run", 3),
        Column::text("Description", 2).fill(2).yields(),
    ];
    let table = fitted_table(
        state,
        &columns,
        rows.collect(),
        inner.width,
        Look::list(state.models.versions.selected),
    );
    let mut ts = TableState::default()
        .with_offset(state.models.versions.offset)
        .with_selected(Some(state.models.versions.selected));
    frame.render_stateful_widget(table, inner, &mut ts);
}

fn short(id: &str) -> String {
    id.chars().take(8).collect()
}

fn timeline(frame: &mut Frame, area: Rect, state: &State, d: &ModelDetail) {
    let theme = &state.theme;
    let Some(v) = state.models.selected_version() else {
        return;
    };
    let block = panel(state, format!(" v{} timeline ", escaped(&v.version)), false);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines: Vec<Line> = v
        .requests
        .iter()
        .map(|r| {
            let text = format!("open request: {}", escaped(r));
            Line::styled(text, theme.style(Role::Warn))
        })
        .collect();
    lines.extend(super::feature_marks::version_line(
        state,
        &d.row.name,
        &v.version,
    ));
    let arrow = if state.session.ascii { "->" } else { "→" };
    if let Some(j) = &state.audit.journal.data {
        let version = v.version.as_str();
        for e in j.entries.iter().rev() {
            let at = &e.attempt;
            let mentions = at.before.mentions_version(version)
                || at.after.mentions_version(version)
                || at.target.is_version(version);
            if at.target.model() != d.row.name || !mentions {
                continue;
            }
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{}  ", format::datetime_short(Some(at.ts_ms))),
                    theme.style(Role::Muted),
                ),
                Span::styled(
                    escaped(&format!(
                        "{} {}: {} {arrow} {} ({})",
                        at.action.as_str(),
                        at.target.describe(),
                        at.before.describe(),
                        at.after.describe(),
                        e.standing().label()
                    )),
                    theme.style(Role::Text),
                ),
            ]));
        }
    }
    if lines.is_empty() {
        lines.push(Line::styled(
            "no open requests and no recorded changes of this version",
            theme.style(Role::Muted),
        ));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}
