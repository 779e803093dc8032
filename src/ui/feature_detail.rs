//! One feature table: facts (keys, owner, freshness, monitor, producing job and its last run),
//! columns with types and comments, Delta versions, online tables (UC state and sync state
//! apart, lag, progress, legacy marked deprecated) and the lineage — model versions and the
//! endpoints serving them with their traffic — with the cursor on a version or endpoint.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::State;
use crate::app::format;
use crate::app::screens::features::detail::Target;
use crate::app::screens::features::panels::DetailPanel::{self, *};
use crate::app::screens::features::panels::keep_in_sight;
use crate::ops::feature_lineage::short_name;
use crate::ops::features::FeatureDetail;
use crate::ops::features::freshness::age_text;
use crate::ops::features::tags::TableTags;
use crate::theme::Role;

use super::features::{freshness_text, online_one};
use super::widgets::{escaped, load_state_line, panel};

fn row(state: &State, k: &str, v: String, role: Role) -> Line<'static> {
    let t = &state.theme;
    Line::from(vec![
        Span::styled(format!("{k:<14}"), t.style(Role::Muted)),
        Span::styled(escaped(&v), t.style(role)),
    ])
}

fn facts(state: &State, d: &FeatureDetail) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(c) = &d.comment {
        lines.push(row(state, "comment", c.clone(), Role::Text));
    }
    let mut keys = format!("primary {}", d.entity_keys.join(", "));
    if !d.timeseries_keys.is_empty() {
        keys.push_str(&format!(" · timestamp {}", d.timeseries_keys.join(", ")));
    }
    lines.push(row(state, "keys", keys, Role::Text));
    lines.push(row(
        state,
        "owner",
        d.owner.clone().unwrap_or_else(|| "-".into()),
        Role::Text,
    ));
    let (fresh, role) = freshness_text(&d.freshness);
    let at = format::datetime_short(d.freshness.last_write_ms);
    lines.push(row(
        state,
        "freshness",
        format!("{fresh} (last write {at})"),
        role,
    ));
    lines.push(row(state, "monitor", d.monitor.clone(), Role::Text));
    let tags_role = match &d.tags {
        TableTags::NotReadable { .. } => Role::Muted,
        TableTags::Read { .. } => Role::Text,
    };
    lines.push(row(state, "tags", d.tags.text(), tags_role));
    let job = match &d.producing_job {
        None => ("no producing job found".to_string(), Role::Muted),
        Some(j) => {
            let name = j.name.clone().unwrap_or_else(|| j.job_id.to_string());
            match &j.last_run {
                None => (format!("{name} (by {}), no runs", j.found_by), Role::Text),
                Some(r) => (
                    format!(
                        "{name} (by {}), last run {} {} at {}",
                        j.found_by,
                        r.run_id,
                        r.state,
                        format::datetime_short(r.start_time)
                    ),
                    if !r.ended {
                        Role::Info
                    } else if r.succeeded {
                        Role::Ok
                    } else {
                        Role::Error
                    },
                ),
            }
        }
    };
    lines.push(row(state, "job", job.0, job.1));
    lines
}

fn columns(state: &State, d: &FeatureDetail) -> Vec<Line<'static>> {
    let t = &state.theme;
    let mut lines = vec![Line::styled(
        format!("{:<24} {:<15} {:<10} comment", "column", "type", "key"),
        t.style(Role::Header),
    )];
    lines.extend(d.columns.iter().map(|c| {
        Line::from(format!(
            "{:<24} {:<15} {:<10} {}",
            escaped(&c.name),
            escaped(c.type_text.as_deref().unwrap_or("-")),
            c.key.unwrap_or(""),
            escaped(c.comment.as_deref().unwrap_or(""))
        ))
    }));
    lines
}

fn versions(state: &State, d: &FeatureDetail) -> Vec<Line<'static>> {
    let t = &state.theme;
    let Some(v) = &d.versions else {
        return vec![Line::styled(
            "Delta history not read (see the notes)",
            t.style(Role::Muted),
        )];
    };
    let mut lines = vec![Line::styled(
        format!("{:<8}{:<18}{:<14}who", "version", "time", "operation"),
        t.style(Role::Header),
    )];
    for v in v {
        lines.push(Line::from(format!(
            "{:<8}{:<18}{:<14}{}",
            v.version,
            format::datetime_short(v.timestamp_ms),
            escaped(&v.operation),
            escaped(v.user.as_deref().unwrap_or("-"))
        )));
        // The model versions trained on it, on a line of their own under it.
        if !v.trained.is_empty() {
            lines.push(Line::styled(
                format!("  ↳ trained: {}", escaped(&v.trained.join(", "))),
                t.style(Role::Info),
            ));
        }
    }
    lines.extend(trained_notes(state, d, v));
    lines
}

/// Below the versions: what `≈` means, and the model versions whose training version is not
/// on a row (unknown, or older than the versions read).
fn trained_notes(
    state: &State,
    d: &FeatureDetail,
    shown: &[crate::ops::features::history::DeltaVersion],
) -> Vec<Line<'static>> {
    use crate::ops::features::trained::TrainedHow;
    let t = &state.theme;
    let mut lines = Vec::new();
    if d.trained.iter().any(|x| x.how == TrainedHow::Inferred) {
        lines.push(Line::styled(
            "≈ inferred: the version latest when the training run started (no dataset input named it)",
            t.style(Role::Muted),
        ));
    }
    for x in &d.trained {
        let text = match x.delta_version {
            Some(dv) if shown.iter().any(|s| s.version == dv) => continue,
            Some(dv) => format!(
                "{} trained on version {dv} (not among the versions read)",
                x.label()
            ),
            None => format!(
                "{}: training version unknown ({})",
                x.label(),
                x.why.as_deref().unwrap_or("-")
            ),
        };
        lines.push(Line::styled(escaped(&text), t.style(Role::Muted)));
    }
    lines
}

fn online(state: &State, d: &FeatureDetail) -> Vec<Line<'static>> {
    let t = &state.theme;
    if d.online.is_empty() {
        return vec![Line::styled("no online tables found", t.style(Role::Muted))];
    }
    let mut lines = Vec::new();
    for o in &d.online {
        let (text, role) = online_one(o);
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", escaped(&o.name)), t.style(Role::Text)),
            Span::styled(escaped(&text), t.style(role)),
        ]));
        let mut more = Vec::new();
        if let Some(s) = &o.store {
            more.push(format!("store {s}"));
        }
        if let Some(m) = &o.mode {
            more.push(format!("mode {m}"));
        }
        more.push(match o.lag_ms {
            Some(l) => format!("lag {}", age_text(l)),
            None => "lag unknown".into(),
        });
        if let Some(p) = o.progress {
            more.push(format!("progress {:.0}%", p * 100.0));
        }
        lines.push(Line::styled(
            format!("  {}", escaped(&more.join(", "))),
            t.style(Role::Muted),
        ));
    }
    lines
}

fn lineage(state: &State) -> Vec<Line<'static>> {
    let t = &state.theme;
    let f = &state.features;
    let Some(l) = f.lineage.data.as_ref() else {
        return vec![
            load_state_line(state, &f.lineage)
                .unwrap_or_else(|| Line::styled("reading the lineage…", t.style(Role::Muted))),
        ];
    };
    let targets = f.targets();
    if targets.is_empty() {
        return vec![Line::styled(
            "no model version uses this table",
            t.style(Role::Muted),
        )];
    }
    let selected = f.lineage_view.selected;
    let mut lines = Vec::new();
    for (i, target) in targets.iter().enumerate() {
        let mark = if i == selected { "▶ " } else { "  " };
        let role = if i == selected {
            Role::Selected
        } else {
            Role::Text
        };
        let text = match target {
            Target::Version { model, version } => {
                format!("model    {} v{version}", short_name(model))
            }
            Target::Endpoint(name) => {
                let hit = l.endpoints.iter().find(|e| &e.endpoint == name);
                let d = hit.map_or(name.clone(), |h| h.describe());
                format!("endpoint {d}")
            }
        };
        lines.push(Line::styled(
            format!("{mark}{}", escaped(&text)),
            t.style(role),
        ));
    }
    for n in &l.notes {
        lines.push(Line::styled(escaped(n), t.style(Role::Warn)));
    }
    lines
}

fn block(frame: &mut Frame, area: Rect, state: &State, title: &str, lines: Vec<Line<'static>>) {
    let b = panel(state, format!(" {title} "), false);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// `ScreenRoute::FeatureTable`.
pub fn render(frame: &mut Frame, area: Rect, state: &State, name: &str) {
    let t = &state.theme;
    let f = &state.features;
    let Some(d) = f.detail.data.as_ref() else {
        let line = load_state_line(state, &f.detail)
            .unwrap_or_else(|| Line::styled("reading the table…", t.style(Role::Muted)));
        block(frame, area, state, name, vec![line]);
        return;
    };
    let area = super::feature_monitoring::render_below(frame, area, state, name);
    let mut top = facts(state, d);
    if let Some(line) = load_state_line(state, &f.detail) {
        top.push(line);
    }
    for n in &d.notes {
        top.push(Line::styled(escaped(n), t.style(Role::Warn)));
    }
    if let Some((_, c)) = &f.applying {
        top.push(Line::styled(
            format!("{}: under way…", escaped(&c.what())),
            t.style(Role::Info),
        ));
    }
    if let Some(done) = &f.last {
        let role = match done.outcome {
            Some(crate::ops::journal::Outcome::Ok) => Role::Ok,
            _ => Role::Error,
        };
        top.push(Line::styled(
            format!(
                "last change: {} — {} — {}",
                escaped(&done.change.what()),
                crate::app::screens::room_change::outcome_label(done.outcome),
                escaped(&done.message)
            ),
            t.style(role),
        ));
    }
    if let Some(name) = &f.following {
        top.push(Line::styled(
            format!(
                "following {} until its sync has ended (every 2 s)",
                escaped(name)
            ),
            t.style(Role::Info),
        ));
    }
    if let Some(g) = &f.follow_gave_up {
        top.push(Line::styled(escaped(&g.text()), t.style(Role::Warn)));
    }
    let cols = columns(state, d);
    let [head, middle, bottom] = Layout::vertical([
        Constraint::Length(top.len() as u16 + 2),
        Constraint::Min(4),
        Constraint::Min(4),
    ])
    .areas(area);
    block(frame, head, state, &d.table, top);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(middle);
    scrolled(frame, left, state, (Columns, "Columns"), cols);
    let title = "Delta versions, newest first";
    scrolled(frame, right, state, (Versions, title), versions(state, d));
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bottom);
    let title = "Online tables (UC state · sync state)";
    scrolled(frame, left, state, (Online, title), online(state, d));
    let title = "Lineage: model versions → endpoints";
    scrolled(frame, right, state, (Lineage, title), lineage(state));
}

/// A panel of the detail scrolled as the state says, its border lit when it has the focus
/// and its title telling which lines show when not all fit.
fn scrolled(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    (which, title): (DetailPanel, &str),
    lines: Vec<Line<'static>>,
) {
    let f = &state.features;
    let height = area.height.saturating_sub(2) as usize;
    let first = match which {
        DetailPanel::Lineage => {
            let v = &f.lineage_view;
            // No blank rows below the last one while it is in sight.
            keep_in_sight(v.offset, v.selected, height).min(lines.len().saturating_sub(height))
        }
        _ => f.panels.scroll(which),
    }
    .min(lines.len().saturating_sub(1));
    let mut title = format!(" {title} ");
    if first > 0 || lines.len() > height {
        let last = (first + height).min(lines.len());
        title.push_str(&format!("{}–{last} of {} ", first + 1, lines.len()));
    }
    let b = panel(state, title, f.panels.focus == which);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let p = Paragraph::new(lines).wrap(Wrap { trim: false });
    frame.render_widget(p.scroll((first.min(u16::MAX as usize) as u16, 0)), inner);
}
