//! The registry list screens: Models (3), Approvals (4) and Audit (9).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row};

use crate::app::State;
use crate::app::format;
use crate::ops::ObjectState;
use crate::ops::approvals::ApprovalSource;
use crate::ops::journal::Standing;
use crate::theme::Role;

use super::table::{ListScreen, render as render_list};
use super::widgets::escaped;

pub fn models(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let m = &state.models;
    let rows = m
        .visible()
        .into_iter()
        .map(|r| {
            Row::new(vec![
                Cell::from(escaped(&r.name)),
                Cell::from(r.source.label()),
                Cell::from(escaped(&r.pointers_text())),
                Cell::from(escaped(r.owner.as_deref().unwrap_or_default())),
                Cell::from(format::ago_short(state.now_ms, r.updated_ms))
                    .style(theme.style(Role::Muted)),
            ])
        })
        .collect();
    render_list(
        frame,
        area,
        state,
        ListScreen {
            title: "Models",
            remote: &m.list,
            view: &m.view,
            total: m.list.data.as_ref().map_or(0, Vec::len),
            header: vec!["Name", "Source", "Aliases / stages", "Owner", "Updated"],
            widths: vec![
                Constraint::Fill(4),
                Constraint::Length(9),
                Constraint::Fill(3),
                Constraint::Fill(2),
                Constraint::Length(8),
            ],
            rows,
            empty: "no models",
            notes: Vec::new(),
        },
    );
}

pub fn approvals(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let a = &state.approvals;
    let rows = a
        .visible()
        .into_iter()
        .map(|i| {
            let (source, asks) = match i.source {
                ApprovalSource::Workspace => (
                    "workspace",
                    format!("→ {}", escaped(i.to_stage.as_deref().unwrap_or_default())),
                ),
                ApprovalSource::UnityCatalog => ("UC", "approval tag pending".to_string()),
            };
            Row::new(vec![
                Cell::from(escaped(&i.model)),
                Cell::from(format!("v{}", escaped(&i.version))),
                Cell::from(source),
                Cell::from(asks),
                Cell::from(escaped(i.requested_by.as_deref().unwrap_or_default())),
                Cell::from(format::ago_short(state.now_ms, i.since_ms)),
                Cell::from(escaped(i.comment.as_deref().unwrap_or_default()))
                    .style(theme.style(Role::Muted)),
            ])
        })
        .collect();
    let notes = a
        .list
        .data
        .as_ref()
        .map(|l| {
            l.notes
                .iter()
                .map(|n| Line::styled(escaped(n), theme.style(Role::Warn)))
                .collect()
        })
        .unwrap_or_default();
    render_list(
        frame,
        area,
        state,
        ListScreen {
            title: "Approvals",
            remote: &a.list,
            view: &a.view,
            total: a.list.data.as_ref().map_or(0, |l| l.items.len()),
            header: vec!["Model", "Ver", "Source", "Asks", "By", "Age", "Comment"],
            widths: vec![
                Constraint::Fill(3),
                Constraint::Length(4),
                Constraint::Length(9),
                Constraint::Length(20),
                Constraint::Fill(2),
                Constraint::Length(5),
                Constraint::Fill(2),
            ],
            rows,
            empty: "nothing waits for approval",
            notes,
        },
    );
}

/// The colour of a change's result (also on the Overview's recent actions).
pub(super) fn standing_role(s: Standing) -> Role {
    match s {
        Standing::Ok => Role::Ok,
        s if s.needs_verify() => Role::Warn,
        _ => Role::Error,
    }
}

pub fn audit(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let a = &state.audit;
    let arrow = if state.session.ascii { "->" } else { "→" };
    let rows = a
        .visible()
        .into_iter()
        .map(|e| {
            let at = &e.attempt;
            let standing = e.standing();
            let row = Row::new(vec![
                Cell::from(format::datetime_short(Some(at.ts_ms))),
                Cell::from(escaped(&at.profile)),
                Cell::from(escaped(short_host(&at.host))),
                Cell::from(at.action.as_str()),
                Cell::from(escaped(&at.target.describe())),
                Cell::from(escaped(&change_text(&at.before, &at.after, arrow))),
                Cell::from(standing.label()).style(theme.style(standing_role(standing))),
            ]);
            if standing.needs_verify() {
                row.style(theme.style(Role::Warn))
            } else {
                row
            }
        })
        .collect();
    let mut notes = Vec::new();
    // The selected change in full: cells cut long splits and comments.
    if let Some(e) = a.selected() {
        let at = &e.attempt;
        notes.push(Line::styled(
            escaped(&format!(
                "{} on {}: {} {arrow} {}",
                at.target.describe(),
                at.host,
                at.before.describe(),
                at.after.describe()
            )),
            theme.style(Role::Text),
        ));
        let mut why = Vec::new();
        if let Some(c) = &at.comment {
            why.push(c.clone());
        }
        if let Some(err) = e.latest().and_then(|r| r.error.as_ref()) {
            why.push(format!("error: {err}"));
        }
        if !why.is_empty() {
            notes.push(Line::styled(
                escaped(&why.join(" · ")),
                theme.style(Role::Muted),
            ));
        }
    }
    if a.only.is_some() {
        notes.push(Line::styled(
            escaped(&format!(
                "this workspace only ({}): press w for every workspace",
                state.session.workspace().host
            )),
            theme.style(Role::Muted),
        ));
    }
    let unknown = a.unknown_count();
    if unknown > 0 {
        notes.push(Line::styled(
            format!("{unknown} change(s) with an unknown outcome: press v to re-read and record"),
            theme.style(Role::Warn),
        ));
    }
    if let Some(j) = &a.journal.data
        && !j.problems.is_empty()
    {
        notes.push(Line::styled(
            format!("{} unreadable journal line(s) skipped", j.problems.len()),
            theme.style(Role::Muted),
        ));
    }
    render_list(
        frame,
        area,
        state,
        ListScreen {
            title: "Audit",
            remote: &a.journal,
            view: &a.view,
            total: a.journal.data.as_ref().map_or(0, |j| j.entries.len()),
            header: vec![
                "Time",
                "Profile",
                "Host",
                "Action",
                "Target",
                "Before → after",
                "Result",
            ],
            widths: vec![
                Constraint::Length(16),
                Constraint::Length(10),
                Constraint::Fill(1),
                Constraint::Length(9),
                Constraint::Fill(4),
                Constraint::Fill(2),
                Constraint::Length(17),
            ],
            rows,
            empty: "no changes recorded yet",
            notes,
        },
    );
}

/// A journal host for a narrow column: without its scheme, and without the Databricks domain
/// every workspace shares (`https://dbc-1.cloud.databricks.com` → `dbc-1`,
/// `http://127.0.0.1:5000` → `127.0.0.1:5000`). The selected change's note shows it whole.
fn short_host(host: &str) -> &str {
    let bare = host.split_once("://").map_or(host, |(_, rest)| rest);
    let bare = bare.trim_end_matches('/');
    [
        ".cloud.databricks.com",
        ".gcp.databricks.com",
        ".azuredatabricks.net",
    ]
    .iter()
    .find_map(|domain| bare.strip_suffix(domain))
    .filter(|name| !name.is_empty())
    .unwrap_or(bare)
}

/// "before → after"; a traffic change between the same entities reads as their shares:
/// "churn_model-4/churn_model-5: 90/10 → 85/15".
fn change_text(before: &ObjectState, after: &ObjectState, arrow: &str) -> String {
    if let (ObjectState::Endpoint(b), ObjectState::Endpoint(a)) = (before, after) {
        let names = b.routes.entities();
        if names == a.routes.entities() && names.len() > 1 {
            let shares = |s: &crate::ops::traffic::Split| {
                names
                    .iter()
                    .map(|n| s.percent(n).to_string())
                    .collect::<Vec<_>>()
                    .join("/")
            };
            let same_entities = b.served_entities == a.served_entities;
            let extra = if same_entities {
                ""
            } else {
                " (entities changed)"
            };
            return format!(
                "{}: {} {arrow} {}{extra}",
                compact_names(&names),
                shares(&b.routes),
                shares(&a.routes)
            );
        }
    }
    format!("{} {arrow} {}", before.describe(), after.describe())
}

/// "churn_model-4/5/6" for entities that share a prefix up to a `-` or `_`; the names
/// joined with `/` otherwise.
fn compact_names(names: &[String]) -> String {
    let first = &names[0];
    let prefix_len = first
        .char_indices()
        .filter(|(_, c)| *c == '-' || *c == '_')
        .map(|(i, _)| i + 1)
        .filter(|&i| names.iter().all(|n| n.get(..i) == first.get(..i)))
        .max();
    match prefix_len {
        Some(i) => {
            let rest: Vec<&str> = names[1..].iter().map(|n| &n[i..]).collect();
            format!("{first}/{}", rest.join("/"))
        }
        None => names.join("/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::traffic::{EndpointConfigState, Split};

    fn state(a: u32) -> ObjectState {
        ObjectState::Endpoint(EndpointConfigState {
            routes: Split::new(&[("m-4", a), ("m-5", 100 - a)]),
            ..EndpointConfigState::default()
        })
    }

    #[test]
    fn traffic_changes_read_as_shares() {
        assert_eq!(
            change_text(&state(90), &state(85), "→"),
            "m-4/5: 90/10 → 85/15"
        );
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            compact_names(&names(&["churn_model-4", "churn_model-5", "churn_model-6"])),
            "churn_model-4/5/6"
        );
        assert_eq!(compact_names(&names(&["a", "b"])), "a/b");
        assert_eq!(compact_names(&names(&["x-1", "y-2"])), "x-1/y-2");
        let other = ObjectState::Alias {
            version: Some("5".into()),
        };
        assert!(change_text(&other, &other, "->").contains(" -> "));
    }
}
