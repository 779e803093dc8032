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
use crate::ops::feature_lineage::short_name;
use crate::ops::features::FeatureDetail;
use crate::ops::features::freshness::age_text;
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
    lines.extend(v.iter().map(|v| {
        Line::from(format!(
            "{:<8}{:<18}{:<14}{}",
            v.version,
            format::datetime_short(v.timestamp_ms),
            escaped(&v.operation),
            escaped(v.user.as_deref().unwrap_or("-"))
        ))
    }));
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
    block(frame, left, state, "Columns", cols);
    block(
        frame,
        right,
        state,
        "Delta versions, newest first",
        versions(state, d),
    );
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bottom);
    block(
        frame,
        left,
        state,
        "Online tables (UC state · sync state)",
        online(state, d),
    );
    let b = panel(state, " Lineage: model versions → endpoints ", true);
    let inner = b.inner(right);
    frame.render_widget(b, right);
    frame.render_widget(
        Paragraph::new(lineage(state)).wrap(Wrap { trim: false }),
        inner,
    );
}
