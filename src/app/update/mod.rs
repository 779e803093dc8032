//! The pure reducer: `update(&mut State, Msg) -> Vec<Effect>`. No I/O, no clock: time arrives in
//! messages, results arrive as messages, and everything the outside world should do leaves as
//! effects. Split by concern: keys and actions, the palette, ticks; screen specifics live in
//! `app::screens`.

mod actions;
mod canary;
mod change;
mod confirm;
mod keys;
mod palette;
mod picker;
mod room_form;
mod tick;
mod training_form;

use super::effect::Effect;
use super::msg::Msg;
use super::screens;
use super::state::{State, ToastLevel};

pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    let mut fx = Vec::new();
    let before = state.route().clone();
    handle(state, msg, &mut fx);
    if *state.route() != before {
        let to = state.route().clone();
        screens::room(&before).on_leave(state, &before, &to, &mut fx);
    }
    fx
}

fn handle(state: &mut State, msg: Msg, fx: &mut Vec<Effect>) {
    match msg {
        Msg::Start { now_ms } => {
            state.now_ms = now_ms;
            let warnings = state.take_startup_warnings();
            if !warnings.is_empty() {
                let text = summarize_warnings(&warnings);
                state.toast(ToastLevel::Error, text);
            }
            screens::load(state, false, fx);
            state.dirty = true;
        }
        Msg::Tick { now_ms } => tick::on_tick(state, now_ms, fx),
        Msg::Key(key) => keys::on_key(state, key, fx),
        Msg::Resize { width, height } => {
            state.size = (width, height);
            super::screens::serving::refresh_live(state);
            state.dirty = true;
        }
        Msg::Action(action) => actions::perform(state, action, fx),
        Msg::Open(route) => {
            state.push_route(route);
            super::screens::load(state, false, fx);
        }
        Msg::Loaded {
            req,
            at_ms,
            payload,
        } => screens::on_loaded(state, req, at_ms, payload, fx),
        Msg::TaskFailed {
            key,
            req,
            at_ms,
            message,
        } => screens::on_task_failed(state, key, req, at_ms, &message),
        Msg::ChartExported { result } => match result {
            Ok(paths) => {
                // "…/charts/run-1a2b-20240601-120000.png (+ .svg)": the toast has one line.
                let mut text = format!(
                    "chart saved: {}",
                    paths.first().cloned().unwrap_or_default()
                );
                for p in paths.iter().skip(1) {
                    let ext = p.rsplit('.').next().unwrap_or(p);
                    text.push_str(&format!(" (+ .{ext})"));
                }
                state.toast(ToastLevel::Info, text);
            }
            Err(e) => state.toast(ToastLevel::Error, format!("chart export failed: {e}")),
        },
        Msg::Canary(news) => screens::canary::on_news(state, *news, fx),
        Msg::ThemeLoaded { theme, warnings } => {
            let name = theme.name().to_string();
            state.theme = *theme;
            if warnings.is_empty() {
                state.toast(ToastLevel::Info, format!("theme {name}"));
            } else {
                state.toast(ToastLevel::Error, summarize_warnings(&warnings));
            }
            state.dirty = true;
        }
    }
}

/// One toast line for a list of config warnings.
fn summarize_warnings(warnings: &[String]) -> String {
    match warnings {
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first} (+{} more config warnings)", rest.len()),
        [] => String::new(),
    }
}
