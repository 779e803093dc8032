//! The Serving list (5): endpoints with state, served entities, a traffic bar, creator and
//! last update; and the traffic bar itself, shared with the endpoint screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::api::models::serving::ServingEndpoint;
use crate::app::State;
use crate::app::format;
use crate::ops::inventory::{Health, classify};
use crate::ops::traffic::Split;
use crate::theme::Role;

use super::columns::{Column, FitRow};
use super::glyphs::glyphs;
use super::table::{ListScreen, render as render_list};
use super::widgets::escaped;

/// Fill characters per entity, so shares stay apart without colour.
const FILL_UNICODE: [&str; 4] = ["█", "▓", "▒", "░"];
const FILL_ASCII: [&str; 4] = ["#", "=", "+", "."];

/// `width` cells split between the routes of `split` by share (largest remainder), each
/// entity in its series colour and fill; entities at 0% get no cell.
pub fn traffic_bar(
    state: &State,
    split: &Split,
    entities: &[String],
    width: usize,
) -> Vec<Span<'static>> {
    let fills = if state.session.ascii {
        FILL_ASCII
    } else {
        FILL_UNICODE
    };
    let total = split.total().max(1) as usize;
    let shares: Vec<usize> = entities.iter().map(|e| split.percent(e) as usize).collect();
    let mut cells: Vec<usize> = shares.iter().map(|p| p * width / total).collect();
    let mut left = width.saturating_sub(cells.iter().sum());
    let mut order: Vec<usize> = (0..shares.len()).filter(|i| shares[*i] > 0).collect();
    order.sort_by_key(|i| std::cmp::Reverse((shares[*i] * width) % total));
    for i in order {
        if left == 0 {
            break;
        }
        cells[i] += 1;
        left -= 1;
    }
    entities
        .iter()
        .enumerate()
        .filter(|(i, _)| cells[*i] > 0)
        .map(|(i, _)| {
            Span::styled(
                fills[i % fills.len()].repeat(cells[i]),
                ratatui::style::Style::default().fg(state.theme.series(i)),
            )
        })
        .collect()
}

/// "90/10": the shares in entity order.
pub fn shares_text(split: &Split, entities: &[String]) -> String {
    entities
        .iter()
        .map(|e| split.percent(e).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// The state word and its role.
pub fn state_label(ep: &ServingEndpoint) -> (&'static str, Role) {
    match classify(ep) {
        Health::Ready => ("ready", Role::Ok),
        Health::Updating => ("config_update", Role::Warn),
        Health::Failed => ("failed", Role::Error),
        Health::Other => ("not ready", Role::Muted),
    }
}

/// "churn_model v4 Small s2z · v5 Small": what each entity serves and how; a model named
/// again right after itself is named once.
fn entities_text(ep: &ServingEndpoint) -> String {
    let Some(c) = &ep.config else {
        return String::new();
    };
    let mut previous: Option<String> = None;
    c.served_entities
        .iter()
        .map(|e| {
            let model = e.entity_name.clone().unwrap_or_else(|| e.name.clone());
            let short = model.rsplit('.').next().unwrap_or(&model).to_string();
            let repeated = previous.as_deref() == Some(model.as_str());
            previous = Some(model.clone());
            let mut s = match (&e.entity_version, repeated) {
                (Some(v), true) => format!("v{v}"),
                (Some(v), false) => format!("{short} v{v}"),
                (None, _) => short,
            };
            if let Some(size) = &e.workload_size {
                s.push_str(&format!(" {size}"));
            }
            if e.scale_to_zero_enabled == Some(true) {
                s.push_str(" s2z");
            }
            s
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let g = glyphs(state.session.ascii);
    let remote = &state.serving.endpoints;
    let all = remote.data.as_deref().unwrap_or_default();
    let rows = state
        .serving
        .visible(all)
        .into_iter()
        .map(|ep| {
            let (word, role) = state_label(ep);
            let mark = match classify(ep) {
                Health::Ready => g.ok,
                Health::Updating => g.updating,
                Health::Failed => g.failed,
                Health::Other => g.other,
            };
            let split = Split::of_endpoint(ep);
            let names: Vec<String> = ep
                .config
                .as_ref()
                .map(|c| c.served_entities.iter().map(|e| e.name.clone()).collect())
                .unwrap_or_default();
            // A margin before the bar: on the selected row it sets the bar (in series colours)
            // apart from the selection colour around it.
            let mut bar = vec![Span::raw(" ")];
            bar.extend(traffic_bar(state, &split, &names, 10));
            if !names.is_empty() {
                bar.push(Span::styled(
                    format!(" {}", shares_text(&split, &names)),
                    theme.style(Role::Muted),
                ));
            }
            let mut name = vec![Span::raw(escaped(&ep.name))];
            if let Some(m) = super::feature_marks::endpoint_marker(state, &ep.name) {
                name.extend([Span::raw(" "), m]);
            }
            FitRow::new(vec![
                Line::from(name),
                Line::styled(format!("{mark} {word}"), theme.style(role)),
                Line::from(escaped(&entities_text(ep))),
                Line::from(bar),
                Line::from(ep.creator.as_deref().map(escaped).unwrap_or_default()),
                Line::styled(
                    format::ago_short(state.now_ms, ep.last_updated_timestamp),
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
            title: "Serving endpoints",
            remote,
            view: &state.serving.view,
            total: all.len(),
            columns: vec![
                Column::text("Name", 9).min(12).fill(2),
                Column::text("State", 7).min(7),
                Column::words("Served entities", 8).min(16).fill(4),
                // The bar and its shares: "85/1" would read as another split.
                Column::whole("Traffic", 8).own_style(),
                Column::text("Creator", 2).fill(2).yields(),
                Column::whole("Updated", 6),
            ],
            rows,
            empty: "no serving endpoints",
            notes: Vec::new(),
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_text_follows_entity_order() {
        let split = Split::new(&[("a", 90), ("b", 10)]);
        let names = vec!["a".to_string(), "b".to_string()];
        assert_eq!(shares_text(&split, &names), "90/10");
    }
}
