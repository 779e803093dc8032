//! The bodies of the canary dialogs: starting a plan (target, stable → canary, steps, hold,
//! interval, guards, a version added at 0% first, other entities scaled down with stable) and
//! aborting one.

use ratatui::text::{Line, Span};

use crate::app::State;
use crate::app::format;
use crate::ops::canary::start::{first_step_cut, rollback_note, scaling_notes};
use crate::ops::canary::{Canary, CanaryPlan, CanaryState};
use crate::ops::traffic::Split;
use crate::theme::{Role, Theme};

use super::canary::{arrow, guard_groups};
use super::widgets::escaped;

/// The start dialog's body: target, the plan, guards.
pub fn start_lines(state: &State, plan: &CanaryPlan) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let mut lines = target_lines(state, &plan.endpoint);
    lines.push(field(
        theme,
        "Change",
        format!("{} {} {}", plan.stable, arrow(state), plan.canary_name()),
    ));
    if let Canary::New { model, version } = &plan.canary {
        lines.push(field(
            theme,
            "",
            format!("adds {model} v{version} at 0% first"),
        ));
    }
    let steps: Vec<String> = plan.steps.iter().map(|p| format!("{p}%")).collect();
    lines.push(field(theme, "Steps", steps.join(" > ")));
    // What the canary serves now: a first step below it cuts its traffic, said before `y`.
    let current = state
        .serving
        .current()
        .filter(|ep| ep.name == plan.endpoint)
        .map_or(0, |ep| Split::of_endpoint(ep).percent(&plan.canary_name()));
    if let Some(cut) = first_step_cut(plan, current) {
        lines.push(Line::styled(
            format!("Warning:  {}", escaped(&cut)),
            theme.style(Role::Warn),
        ));
    }
    // Other entities with traffic: scaled down with stable, and what a roll back restores.
    let now = state
        .serving
        .current()
        .filter(|ep| ep.name == plan.endpoint)
        .map(Split::of_endpoint)
        .unwrap_or_default();
    let notes = scaling_notes(plan, &now);
    for (i, note) in notes.iter().enumerate() {
        lines.push(field(
            theme,
            if i == 0 { "Others" } else { "" },
            escaped(note),
        ));
    }
    lines.push(field(theme, "Hold", format::duration_precise(plan.hold_ms)));
    lines.push(field(
        theme,
        "Interval",
        format::duration_precise(plan.interval_ms),
    ));
    for (i, g) in guard_groups(plan).into_iter().enumerate() {
        lines.push(field(theme, if i == 0 { "Guards" } else { "" }, g));
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        "Each step is a PUT of the endpoint's traffic config (journaled);",
        theme.style(Role::Text),
    ));
    let back = rollback_note(plan, &now).map_or_else(
        || "a FAIL sends all traffic back to stable".to_string(),
        |n| escaped(&n),
    );
    lines.push(Line::styled(format!("{back}."), theme.style(Role::Text)));
    lines
}

/// The abort dialog's body.
pub fn abort_lines(state: &State, s: &CanaryState) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let mut lines = target_lines(state, &s.plan.endpoint);
    lines.push(field(theme, "Plan", s.describe()));
    let canary = s.plan.canary_name();
    // Plans that kept the split they started from go back to it.
    let back = match (&s.split_at_start, &s.endpoint) {
        (Some(base), Some(live)) if !base.third_entities(&s.plan.stable, &canary).is_empty() => {
            live.routes
                .canary_rollback(base, &s.plan.stable, &canary)
                .ok()
        }
        _ => None,
    };
    match &back {
        Some(split) => {
            let mut others = split.clone();
            others.shares.retain(|x| x.entity != canary);
            lines.push(field(
                theme,
                "Change",
                format!("{canary} {}% {} 0%", s.percent(), arrow(state)),
            ));
            lines.push(field(theme, "", format!("back to {}", others.describe())));
        }
        None => lines.push(field(
            theme,
            "Change",
            format!(
                "{canary} {}% {} 0%, {} back to 100%",
                s.percent(),
                arrow(state),
                s.plan.stable
            ),
        )),
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        if back.is_some() {
            "Aborting ends the plan: traffic goes back to the split it started from."
        } else {
            "Aborting ends the plan: all traffic goes back to the stable entity."
        },
        theme.style(Role::Text),
    ));
    lines
}

/// Resuming after an outside change: what the endpoint reads now and what is put back.
pub fn resume_lines(state: &State, s: &CanaryState) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let mut lines = target_lines(state, &s.plan.endpoint);
    lines.push(field(theme, "Plan", s.describe()));
    if let Some(p) = &s.pause {
        lines.push(field(theme, "Paused", p.message.clone()));
    }
    let now = s
        .endpoint
        .as_ref()
        .map_or_else(|| "?".to_string(), |e| e.routes.describe());
    let back = s
        .expected
        .as_ref()
        .map_or_else(|| "the step's split".to_string(), |x| x.describe());
    lines.push(field(theme, "Now", now));
    lines.push(field(theme, "Puts back", back));
    lines.push(Line::default());
    lines.push(Line::styled(
        "Resuming sends the step's split again (journaled), then holds the step from the start.",
        theme.style(Role::Text),
    ));
    lines
}

const DIALOG_LABEL: usize = 13;

fn field(theme: &Theme, k: &str, v: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{k:<DIALOG_LABEL$}"), theme.style(Role::Muted)),
        Span::styled(v, theme.style(Role::Text)),
    ])
}

fn target_lines(state: &State, endpoint: &str) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let profile = if state.session.production {
        format!("{} (PRODUCTION)", state.session.profile)
    } else {
        state.session.profile.clone()
    };
    vec![
        field(theme, "Profile", profile),
        field(theme, "Workspace", state.session.host.clone()),
        field(theme, "Endpoint", endpoint.to_string()),
    ]
}
