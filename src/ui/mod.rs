//! Views: functions of `&State` that draw a frame. They never change state and never do I/O.
//! One module per screen, plus the chrome and the popups.

mod ab;
mod alerts;
mod approval_detail;
pub mod bench_panel;
mod canary;
mod canary_dialog;
mod canary_form;
mod change;
pub mod chart;
mod chrome;
mod columns;
mod compare;
mod confirm;
mod cut;
mod endpoint;
mod experiment_detail;
mod experiments;
mod feature_detail;
mod feature_marks;
mod feature_monitoring;
mod features;
pub mod glyphs;
pub mod heatmap;
mod help;
mod jobs;
mod logs;
mod model_detail;
mod monitoring;
mod monitoring_list;
mod overview;
mod overview_activity;
mod overview_alerts;
mod overview_jobs;
mod palette;
mod picker;
mod query;
mod registry;
mod run_detail;
mod runs;
mod serving;
mod sweep;
mod table;
mod toast;
mod training;
mod widgets;

use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use crate::app::{Overlay, ScreenId, ScreenRoute, State};
use crate::theme::Role;

/// The smallest terminal the console draws its screens in; below it, it says so instead of
/// drawing a frame with its columns and panels crushed.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 8;

/// Draws the whole console for `state`. Safe at any size, down to 1x1.
pub fn render(frame: &mut Frame, state: &State) {
    let area = frame.area();
    if area.is_empty() {
        return;
    }
    frame.render_widget(Block::default().style(state.theme.style(Role::Base)), area);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, state);
        return;
    }
    let areas = chrome::split(area, state.session.production);
    if state.session.production {
        chrome::banner(frame, areas.banner, state);
    }
    chrome::tabs(frame, areas.tabs, state);
    match state.route() {
        ScreenRoute::Screen(ScreenId::Overview) => overview::render(frame, areas.body, state),
        ScreenRoute::Screen(ScreenId::Experiments) => experiments::render(frame, areas.body, state),
        ScreenRoute::ExperimentDetail { experiment_id } => {
            experiment_detail::render(frame, areas.body, state, experiment_id)
        }
        ScreenRoute::Runs { experiment_id } => {
            runs::render(frame, areas.body, state, experiment_id)
        }
        ScreenRoute::RunDetail { .. } => run_detail::render(frame, areas.body, state),
        ScreenRoute::Sweep { .. } => sweep::render(frame, areas.body, state),
        ScreenRoute::Compare { .. } => compare::render(frame, areas.body, state),
        ScreenRoute::Training { .. } => training::render_training(frame, areas.body, state),
        ScreenRoute::Screen(ScreenId::Models) => registry::models(frame, areas.body, state),
        ScreenRoute::ModelDetail { .. } => model_detail::render(frame, areas.body, state),
        ScreenRoute::Screen(ScreenId::Approvals) => registry::approvals(frame, areas.body, state),
        ScreenRoute::Screen(ScreenId::Audit) => registry::audit(frame, areas.body, state),
        ScreenRoute::Screen(ScreenId::Serving) => serving::render(frame, areas.body, state),
        ScreenRoute::Endpoint { .. } => endpoint::render(frame, areas.body, state),
        ScreenRoute::EndpointLogs { .. } => logs::render(frame, areas.body, state),
        ScreenRoute::AbView { .. } => ab::render(frame, areas.body, state),
        ScreenRoute::Canary { name } => canary::render(frame, areas.body, state, name),
        ScreenRoute::Screen(ScreenId::Jobs) => jobs::list(frame, areas.body, state),
        ScreenRoute::Job { job_id } => jobs::runs(frame, areas.body, state, *job_id),
        ScreenRoute::JobRun { run_id } => jobs::run(frame, areas.body, state, *run_id),
        ScreenRoute::Monitor { table } => monitoring::monitor(frame, areas.body, state, table),
        ScreenRoute::Screen(ScreenId::Monitoring) => {
            monitoring_list::list(frame, areas.body, state)
        }
        ScreenRoute::Alerts => alerts::render(frame, areas.body, state),
        ScreenRoute::Screen(ScreenId::Features) => features::list(frame, areas.body, state),
        ScreenRoute::FeatureTable { name } => {
            feature_detail::render(frame, areas.body, state, name)
        }
    }
    toast::render(frame, areas.body, state);
    chrome::status(frame, areas.status, state);
    chrome::hints(frame, areas.hints, state);
    match &state.overlay {
        Overlay::None => {}
        Overlay::Help { scroll } => help::render(frame, areas.body, state, *scroll),
        Overlay::Palette(p) => palette::render(frame, areas.body, state, p),
        Overlay::Picker(p) => picker::render(frame, areas.body, state, p),
        Overlay::TrainingForm(f) => training::render_form(frame, areas.body, state, f),
        Overlay::Confirm(c) => confirm::render_confirm(frame, areas.body, state, c),
        Overlay::Prompt(p) => change::render_prompt(frame, areas.body, state, p),
        Overlay::Candidates(c) => change::render_candidates(frame, areas.body, state, c),
        Overlay::Query(q) => query::render_answer(frame, areas.body, state, q),
        Overlay::ApprovalDetail(v) => approval_detail::render(frame, areas.body, state, v),
        Overlay::CanaryForm(f) => canary_form::render(frame, areas.body, state, f),
        Overlay::RoomForm(f) => training::render_room_form(frame, areas.body, state, f),
    }
    scrub_hazards(frame);
    if state.session.ascii {
        fold_to_ascii(frame);
    }
}

/// "terminal too small (40×10)", and the size wanted, wrapped to the terminal's width.
fn too_small(frame: &mut Frame, state: &State) {
    let area = frame.area();
    let times = if state.session.ascii { "x" } else { "×" };
    let text = format!(
        "terminal too small ({}{times}{}): needs {MIN_WIDTH}{times}{MIN_HEIGHT}",
        area.width, area.height
    );
    let lines: Vec<Line> = text
        .split_inclusive(": ")
        .map(|l| Line::styled(l.to_string(), state.theme.style(Role::Warn)))
        .collect();
    let mark = cut::mark(state.session.ascii);
    frame.render_widget(Paragraph::new(cut::lines(lines, area.width, mark)), area);
}

/// `--ascii` promises a frame of 7-bit ASCII. The views pick ASCII glyphs where the choice
/// matters (borders, markers, `->` arrows, the `~` cut mark); this pass folds the typography
/// of the prose (`·` `—` `×`) to its one-cell look-alike and anything else that reached the
/// frame (server text in other scripts) to `?`, so a poor bastion font never shows tofu.
fn fold_to_ascii(frame: &mut Frame) {
    for cell in frame.buffer_mut().content.iter_mut() {
        if cell.symbol().is_ascii() {
            continue;
        }
        let folded = match cell.symbol() {
            "·" | "•" => ".",
            "—" | "–" | "−" | "─" => "-",
            "×" => "x",
            "→" => ">",
            "←" => "<",
            "…" => "~",
            "│" => "|",
            _ => "?",
        };
        cell.set_symbol(folded);
    }
}

/// The last guard before the terminal: ratatui drops control characters from spans but keeps
/// zero-width ones such as bidi overrides in table cells, which would reorder what the terminal
/// shows. Views escape server text where they know it ([`widgets::escaped`]); this pass removes
/// whatever a view missed from every cell of the frame.
fn scrub_hazards(frame: &mut Frame) {
    for cell in frame.buffer_mut().content.iter_mut() {
        if cell.symbol().chars().any(crate::safe_text::is_hazard) {
            let clean: String = cell
                .symbol()
                .chars()
                .filter(|c| !crate::safe_text::is_hazard(*c))
                .collect();
            cell.set_symbol(if clean.is_empty() { " " } else { &clean });
        }
    }
}
