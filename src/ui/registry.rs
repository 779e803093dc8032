//! The registry list screens: Models (3), Approvals (4) and Audit (9).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::app::State;
use crate::app::format;
use crate::ops::ObjectState;
use crate::ops::approvals::ApprovalSource;
use crate::ops::journal::Standing;
use crate::theme::Role;

use super::columns::{Column, FitRow};
use super::table::{ListScreen, render as render_list};
use super::widgets::escaped;

pub fn models(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let m = &state.models;
    let rows = m
        .visible()
        .into_iter()
        .map(|r| {
            FitRow::new(vec![
                Line::from(escaped(&r.name)),
                Line::from(r.source.label()),
                Line::from(escaped(&r.pointers_text())),
                Line::from(escaped(r.owner.as_deref().unwrap_or_default())),
                Line::styled(
                    format::ago_short(state.now_ms, r.updated_ms),
                    theme.style(Role::Muted),
                ),
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
            columns: vec![
                Column::text("Name", 9).min(12).fill(4),
                Column::text("Source", 3),
                // "@champion=4 @challenger=5": an alias cut in part reads as another alias.
                Column::words("Aliases / stages", 8).min(14).fill(3),
                Column::text("Owner", 2).fill(2).yields(),
                Column::whole("Updated", 5),
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
    let arrow = if state.session.ascii { "->" } else { "→" };
    let rows = a
        .visible()
        .into_iter()
        .map(|i| {
            let (source, asks) = match i.source {
                ApprovalSource::Workspace => (
                    "workspace",
                    format!(
                        "{arrow} {}",
                        escaped(i.to_stage.as_deref().unwrap_or_default())
                    ),
                ),
                ApprovalSource::UnityCatalog => ("UC", "approval tag pending".to_string()),
            };
            FitRow::new(vec![
                Line::from(escaped(&i.model)),
                Line::from(format!("v{}", escaped(&i.version))),
                Line::from(source),
                Line::from(asks),
                Line::from(escaped(i.requested_by.as_deref().unwrap_or_default())),
                Line::from(format::ago_short(state.now_ms, i.since_ms)),
                Line::styled(
                    escaped(i.comment.as_deref().unwrap_or_default()),
                    theme.style(Role::Muted),
                ),
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
            columns: vec![
                Column::text("Model", 9).min(12).fill(3),
                Column::whole("Ver", 9),
                Column::text("Source", 4),
                Column::text("Asks", 7).min(10),
                Column::text("By", 5).fill(2),
                Column::whole("Age", 6),
                Column::text("Comment", 2).fill(2).yields(),
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
            let row = FitRow::new(vec![
                Line::from(format::datetime_short(Some(at.ts_ms))),
                Line::from(escaped(&at.profile)),
                Line::from(escaped(short_host(&at.host))),
                Line::from(at.action.as_str()),
                Line::from(escaped(&at.target.describe())),
                Line::from(escaped(&change_text(&at.before, &at.after, arrow))),
                Line::styled(standing.label(), theme.style(standing_role(standing))),
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
            columns: vec![
                Column::whole("Time", 7),
                Column::text("Profile", 3).max(12),
                Column::text("Host", 4).min(8).max(40).fill(1),
                Column::text("Action", 6).max(10),
                Column::text("Target", 9).min(12).fill(3),
                Column::text(
                    if state.session.ascii {
                        "Before -> after"
                    } else {
                        "Before → after"
                    },
                    8,
                )
                .min(12)
                .fill(3),
                Column::text("Result", 5).max(17),
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
