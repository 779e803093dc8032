//! Features screen (7): the feature tables — keys, columns, owner, last change, freshness
//! against the SLA (stale in the error colour), online tables with the UC state and the sync
//! state apart, monitor, models using the table — and what could not be read under them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::app::State;
use crate::app::format;
use crate::ops::features::freshness::age_text;
use crate::ops::features::{FeatureRow, Freshness, OnlineStatus};
use crate::theme::Role;

use super::columns::{Column, FitRow};
use super::table::{ListScreen, render as render_list};
use super::widgets::escaped;

/// The primary key's columns, time-series ones marked: `customer_id, ts (time)`.
pub fn keys_text(r: &FeatureRow) -> String {
    r.entity_keys
        .iter()
        .cloned()
        .chain(r.timeseries_keys.iter().map(|k| format!("{k} (time)")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `3h / 24h`, `stale 52h / 24h`, `unknown`; and its colour.
pub fn freshness_text(f: &Freshness) -> (String, Role) {
    let sla = age_text(f.sla_ms);
    match (f.age_ms, f.stale) {
        (Some(age), Some(true)) => (format!("STALE {} / {sla}", age_text(age)), Role::Error),
        (Some(age), _) => (format!("{} / {sla}", age_text(age)), Role::Ok),
        (None, _) => (format!("unknown / {sla}"), Role::Warn),
    }
}

/// One online table, short: `UC ACTIVE · sync SYNCING (first sync not done)`.
pub fn online_one(o: &OnlineStatus) -> (String, Role) {
    let role = if o.sync_failed {
        Role::Error
    } else if !o.first_sync_done {
        Role::Info
    } else if o.legacy {
        Role::Warn
    } else {
        Role::Ok
    };
    let mut t = o.state_text();
    if o.legacy {
        t.push_str(" [legacy, deprecated]");
    }
    (t, role)
}

/// The online column: none, the one table's states, or a count with the worst state.
fn online_text(r: &FeatureRow) -> (String, Role) {
    match r.online.as_slice() {
        [] => ("none".to_string(), Role::Muted),
        [one] => online_one(one),
        many => {
            let failed = many.iter().filter(|o| o.sync_failed).count();
            let syncing = many.iter().filter(|o| !o.first_sync_done).count();
            let role = if failed > 0 {
                Role::Error
            } else if syncing > 0 {
                Role::Info
            } else {
                Role::Ok
            };
            let legacy = many.iter().filter(|o| o.legacy).count();
            let mut t = format!("{} online tables", many.len());
            for (n, what) in [
                (failed, "sync failed"),
                (syncing, "first sync not done"),
                (legacy, "legacy"),
            ] {
                if n > 0 {
                    t.push_str(&format!(", {n} {what}"));
                }
            }
            if failed + syncing == 0 {
                t.push_str(", synced");
            }
            (t, role)
        }
    }
}

fn monitor_role(m: &str) -> Role {
    match m {
        "ACTIVE" | "MONITOR_STATUS_ACTIVE" => Role::Ok,
        "no monitor" => Role::Muted,
        m if m.starts_with("not read") => Role::Warn,
        m if m.contains("ERROR") || m.contains("FAILED") => Role::Error,
        _ => Role::Text,
    }
}

fn models_text(r: &FeatureRow) -> String {
    r.models
        .models
        .map_or_else(|| "?".to_string(), |n| n.to_string())
}

/// Screen 7's top level.
pub fn list(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let f = &state.features;
    let rows: Vec<FitRow> = f
        .visible_rows()
        .iter()
        .map(|r| {
            let (fresh, fresh_role) = freshness_text(&r.freshness);
            let (online, online_role) = online_text(r);
            FitRow::new(vec![
                Line::from(escaped(&r.table)),
                Line::from(escaped(&keys_text(r))),
                Line::from(r.columns.to_string()),
                Line::styled(
                    escaped(r.owner.as_deref().unwrap_or("-")),
                    t.style(Role::Muted),
                ),
                Line::from(format::datetime_short(r.last_modified_ms)),
                Line::styled(fresh, t.style(fresh_role)),
                Line::styled(escaped(&online), t.style(online_role)),
                Line::styled(escaped(&r.monitor), t.style(monitor_role(&r.monitor))),
                Line::from(models_text(r)),
            ])
        })
        .collect();
    let notes: Vec<Line<'static>> = f
        .list
        .data
        .iter()
        .flat_map(|d| d.notes.iter())
        .map(|n| Line::styled(escaped(n), t.style(Role::Warn)))
        .collect();
    let total = f.list.data.as_ref().map_or(0, |d| d.rows.len());
    render_list(
        frame,
        area,
        state,
        ListScreen {
            title: "Feature tables",
            remote: &f.list,
            view: &f.list_view,
            total,
            columns: vec![
                Column::text("Table", 9).min(16).fill(2),
                Column::text("Keys", 7).min(8).max(36),
                Column::text("Cols", 8).min(4).max(5),
                Column::text("Owner", 2).max(24),
                Column::text("Modified", 3).min(16).max(16),
                Column::text("Freshness / SLA", 8).min(15).max(22),
                Column::text("Online (UC · sync)", 6)
                    .min(10)
                    .max(52)
                    .fill(1),
                Column::text("Monitor", 5).min(10).max(20),
                Column::text("Models", 8).min(6).max(6),
            ],
            rows,
            empty: "no feature tables found (tables with a primary key): name schemas in [features] schemas of config.toml",
            notes,
        },
    );
}
