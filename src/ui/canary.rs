//! The canary panel of an endpoint: the plan (stable → canary, steps with the current one
//! marked, hold, interval, guards), where it is (phase, step, time held), the last judgement
//! with every guard's detail, and the plan's history, newest last. Plus the one-line strip on
//! the endpoint screen and the lines of the start / abort dialogs.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph};

use crate::app::State;
use crate::app::action::Action;
use crate::app::format;
use crate::app::keymap::Context;
use crate::app::screens::canary::PlanView;
use crate::ops::canary::{Canary, CanaryPlan, CanaryState, Judgement, Phase, Verdict};
use crate::ops::traffic::Split;
use crate::theme::{Role, Theme};

use super::glyphs::glyphs;
use super::widgets::{escaped, panel};

const LABEL: usize = 10;
/// History rows (heading included) kept before the guard details are wrapped.
const HISTORY_MIN: usize = 5;

fn label(theme: &Theme, k: &str) -> Span<'static> {
    Span::styled(format!("{k:<LABEL$}"), theme.style(Role::Muted))
}

fn key(state: &State, action: Action) -> String {
    state
        .keymap
        .keys_for(&[Context::Canary], action)
        .first()
        .map(ToString::to_string)
        .unwrap_or_else(|| "?".into())
}

/// "hh:mm:ss" (UTC) of a history line.
fn clock(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%H:%M:%S").to_string())
        .unwrap_or_else(|| "--:--:--".into())
}

/// Words of `text` in lines of at most `width` columns (a longer word gets its own line).
pub(super) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

pub(super) fn arrow(state: &State) -> &'static str {
    if state.session.ascii { "->" } else { "→" }
}

fn verdict_role(v: Verdict) -> Role {
    match v {
        Verdict::Pass => Role::Ok,
        Verdict::Inconclusive => Role::Warn,
        Verdict::Fail => Role::Error,
    }
}

/// The phase in words, as the panel and the strip show it.
pub fn phase_text(s: &CanaryState) -> String {
    let at = format!(
        "{}% (step {}/{})",
        s.percent(),
        s.step + 1,
        s.plan.steps.len()
    );
    match s.phase {
        Phase::Starting => "starting".to_string(),
        Phase::AddingCanary => format!("adding {} at 0%", s.plan.canary_name()),
        Phase::Shifting => format!("advancing to {at}"),
        Phase::Holding => format!("holding at {at}"),
        Phase::Paused => format!("paused at {at}"),
        Phase::RollingBack => format!("rolling back to {}", s.plan.stable),
        Phase::Completed if s.percent() == 100 => format!("completed: promoted at {at}"),
        Phase::Completed => format!("completed at {at}"),
        Phase::RolledBack => format!("rolled back: all traffic on {}", s.plan.stable),
        Phase::Aborted => format!("aborted: all traffic on {}", s.plan.stable),
    }
}

fn phase_role(s: &CanaryState) -> Role {
    match s.phase {
        Phase::Starting | Phase::AddingCanary | Phase::Shifting | Phase::Holding => Role::Info,
        Phase::Paused | Phase::Aborted => Role::Warn,
        Phase::RollingBack | Phase::RolledBack => Role::Error,
        Phase::Completed => Role::Ok,
    }
}

/// The guards in two groups: requests and errors, then latency (if any).
pub(super) fn guard_groups(plan: &CanaryPlan) -> Vec<String> {
    let g = &plan.guards;
    let mut groups = vec![format!(
        "min_requests {} · error rate +{:.2} pp max · confidence {}",
        g.min_requests,
        g.max_error_rate_delta * 100.0,
        g.confidence
    )];
    let mut latency = Vec::new();
    if let Some(x) = g.max_p99_ms {
        latency.push(format!("p99 at most {x} ms"));
    }
    if let Some(x) = g.max_p99_ratio {
        latency.push(format!("p99 ratio at most {x}x stable"));
    }
    if !latency.is_empty() {
        groups.push(latency.join(" · "));
    }
    groups
}

fn canary_text(plan: &CanaryPlan) -> String {
    match &plan.canary {
        Canary::Served { name } => name.clone(),
        Canary::New { model, version } => format!(
            "{} (adds {model} v{version} at 0% first)",
            plan.canary_name()
        ),
    }
}

fn steps_spans(theme: &Theme, s: &CanaryState, finished: bool) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    for (i, p) in s.plan.steps.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" > ", theme.style(Role::Muted)));
        }
        let current = i == s.step && !matches!(s.phase, Phase::Starting | Phase::AddingCanary);
        if current && !finished {
            spans.push(Span::styled(format!("[{p}%]"), theme.style(Role::Accent)));
        } else if i < s.step || (current && s.phase == Phase::Completed) {
            spans.push(Span::styled(format!("{p}%"), theme.style(Role::Ok)));
        } else {
            spans.push(Span::styled(format!("{p}%"), theme.style(Role::Text)));
        }
    }
    spans
}

/// The plan and where it is.
fn plan_lines(state: &State, view: &PlanView, width: usize) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let g = glyphs(state.session.ascii);
    let s = &view.state;
    let plan = &s.plan;
    let mut lines = Vec::new();
    if let Some(j) = s.last_judgement.as_ref().filter(|j| {
        j.verdict == Verdict::Fail && matches!(s.phase, Phase::RollingBack | Phase::RolledBack)
    }) {
        let failing: Vec<&str> = j
            .checks
            .iter()
            .filter(|c| c.verdict == Verdict::Fail)
            .map(|c| c.guard.as_str())
            .collect();
        lines.push(Line::styled(
            format!(
                "{} canary FAILED ({}) — all traffic back to {}",
                g.failed,
                failing.join(", "),
                escaped(&plan.stable)
            ),
            theme.style(Role::Error),
        ));
    }
    lines.push(Line::from(vec![
        label(theme, "Plan"),
        Span::styled(
            escaped(&format!(
                "{} {} {}",
                plan.stable,
                arrow(state),
                canary_text(plan)
            )),
            theme.style(Role::Text),
        ),
    ]));
    let mut steps = vec![label(theme, "Steps")];
    steps.extend(steps_spans(theme, s, s.is_finished()));
    steps.push(Span::styled(
        format!(
            "   hold {} · judged every {}",
            format::duration_precise(plan.hold_ms),
            format::duration_precise(plan.interval_ms)
        ),
        theme.style(Role::Muted),
    ));
    lines.push(Line::from(steps));
    let guard_lines = guard_groups(plan)
        .iter()
        .flat_map(|g| wrap(g, width.saturating_sub(LABEL)))
        .collect::<Vec<_>>();
    for (i, part) in guard_lines.into_iter().enumerate() {
        let head = if i == 0 { "Guards" } else { "" };
        lines.push(Line::from(vec![
            label(theme, head),
            Span::styled(part, theme.style(Role::Text)),
        ]));
    }
    let mut phase = vec![
        label(theme, "Phase"),
        Span::styled(escaped(&phase_text(s)), theme.style(phase_role(s))),
    ];
    if matches!(s.phase, Phase::Holding | Phase::Paused)
        && let Some(since) = s.step_started_ms
    {
        let held = state.now_ms.max(since) - since;
        phase.push(Span::styled(
            format!(
                " · held {} of {}",
                format::duration_precise(held),
                format::duration_precise(plan.hold_ms)
            ),
            theme.style(Role::Text),
        ));
    }
    let (run, role) = match (view.running, s.is_finished()) {
        (_, true) => (String::new(), Role::Muted),
        (true, false) => (" · running in this console".to_string(), Role::Muted),
        (false, false) => (
            format!(
                " · {}",
                escaped(view.not_running.as_deref().unwrap_or("not running"))
            ),
            Role::Warn,
        ),
    };
    phase.push(Span::styled(run, theme.style(role)));
    lines.push(Line::from(phase));
    if let Some(p) = &s.pause {
        let who = if p.by_user {
            "by the user"
        } else {
            "by the plan"
        };
        let mut text = format!(
            "paused {who} {}",
            format::ago(state.now_ms, Some(p.since_ms))
        );
        if p.message != format!("paused {who}") {
            text.push_str(&format!(": {}", escaped(&p.message)));
        }
        for part in wrap(&text, width.saturating_sub(LABEL)) {
            lines.push(Line::from(vec![
                label(theme, ""),
                Span::styled(part, theme.style(Role::Warn)),
            ]));
        }
    }
    if let Some(r) = s.rollback_reason.as_ref().filter(|_| {
        s.last_judgement.is_none()
            || s.last_judgement
                .as_ref()
                .is_some_and(|j| j.verdict != Verdict::Fail)
    }) {
        lines.push(Line::from(vec![
            label(theme, "Why"),
            Span::styled(escaped(r), theme.style(Role::Warn)),
        ]));
    }
    if let Some(split) = &s.expected {
        lines.push(Line::from(vec![
            label(theme, "Routes"),
            Span::styled(escaped(&split.describe()), theme.style(Role::Text)),
        ]));
    }
    for (text, role) in [
        (view.progress.as_ref(), Role::Info),
        (view.error.as_ref(), Role::Error),
    ] {
        if let Some(t) = text {
            lines.push(Line::from(vec![
                label(theme, "Runner"),
                Span::styled(escaped(t), theme.style(role)),
            ]));
        }
    }
    lines
}

/// The last judgement: verdict, both sides, each guard, the requests still needed.
/// `wrap_details`: guard details over several lines (else cut at the edge).
fn judgement_lines(
    state: &State,
    s: &CanaryState,
    width: usize,
    wrap_details: bool,
) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let g = glyphs(state.session.ascii);
    let Some(j) = &s.last_judgement else {
        return vec![Line::from(vec![
            label(theme, "Verdict"),
            Span::styled(
                "no judgement yet (the first comes one interval after a step goes live)",
                theme.style(Role::Muted),
            ),
        ])];
    };
    let mut lines = vec![Line::from(vec![
        label(theme, "Verdict"),
        Span::styled(
            j.verdict.as_str().to_string(),
            theme
                .style(verdict_role(j.verdict))
                .add_modifier(ratatui::style::Modifier::BOLD),
        ),
        Span::styled(
            format!(
                "  {} · judgement #{}",
                format::ago(state.now_ms, Some(j.at_ms)),
                s.judgements
            ),
            theme.style(Role::Muted),
        ),
    ])];
    for side in sides_text(j, &s.plan) {
        lines.push(Line::from(vec![
            label(theme, ""),
            Span::styled(side, theme.style(Role::Text)),
        ]));
    }
    let guard_width = j
        .checks
        .iter()
        .map(|c| c.guard.chars().count())
        .max()
        .unwrap_or(0);
    let detail_width = if wrap_details {
        width.saturating_sub(LABEL + 2 + guard_width + 2)
    } else {
        usize::MAX
    };
    for c in &j.checks {
        let mark = match c.verdict {
            Verdict::Pass => g.ok,
            Verdict::Inconclusive => g.other,
            Verdict::Fail => g.failed,
        };
        for (i, part) in wrap(&escaped(&c.detail), detail_width)
            .into_iter()
            .enumerate()
        {
            let head = if i == 0 {
                format!("{mark} {:<guard_width$}  ", c.guard)
            } else {
                " ".repeat(guard_width + 4)
            };
            lines.push(Line::from(vec![
                label(theme, ""),
                Span::styled(head, theme.style(verdict_role(c.verdict))),
                Span::styled(part, theme.style(Role::Text)),
            ]));
        }
    }
    if let Some(n) = j.requests_needed {
        lines.push(Line::from(vec![
            label(theme, ""),
            Span::styled(
                format!("about {n} more canary requests needed to decide"),
                theme.style(Role::Warn),
            ),
        ]));
    }
    lines
}

fn sides_text(j: &Judgement, plan: &CanaryPlan) -> [String; 2] {
    let side = |role: &str, name: &str, s: &crate::ops::canary::Side| {
        format!(
            "{role} {}: {} requests, 5xx {}, p99 {}",
            escaped(name),
            s.requests,
            crate::safe_text::percent(s.error_rate, 2),
            s.p99_ms.map_or_else(
                || "-".to_string(),
                |p| crate::safe_text::number(p, |p| format!("{p:.0} ms"))
            )
        )
    };
    [
        side("canary", &plan.canary_name(), &j.canary),
        side("stable", &plan.stable, &j.stable),
    ]
}

fn history_lines(state: &State, s: &CanaryState, rows: usize) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let end = s.history.len().saturating_sub(state.canary.scroll);
    let start = end.saturating_sub(rows);
    s.history[start..end]
        .iter()
        .map(|e| {
            let role = if e.message.starts_with("FAIL") || e.message.starts_with("rolling back") {
                Role::Error
            } else {
                Role::Text
            };
            Line::from(vec![
                Span::styled(format!("  {}  ", clock(e.at_ms)), theme.style(Role::Muted)),
                Span::styled(escaped(&e.message), theme.style(role)),
            ])
        })
        .collect()
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, endpoint: &str) {
    let theme = &state.theme;
    let block = panel(state, format!(" Canary · {} ", escaped(endpoint)), true)
        .padding(Padding::horizontal(1));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let Some(view) = state.canary.plan(endpoint) else {
        frame.render_widget(
            Paragraph::new(empty_lines(state, endpoint, usize::from(inner.width))),
            inner,
        );
        return;
    };
    let width = usize::from(inner.width);
    let offer = view.state.is_finished() && !state.session.readonly;
    let top_for = |wrap_details: bool| {
        let mut top = plan_lines(state, view, width);
        top.push(Line::default());
        top.extend(judgement_lines(state, &view.state, width, wrap_details));
        if offer {
            top.push(Line::default());
            top.push(offer_line(state, "Start another: "));
        }
        top
    };
    // The history keeps a few rows: on a short screen the guard details are cut instead.
    let mut top = top_for(true);
    if usize::from(inner.height).saturating_sub(top.len()) < HISTORY_MIN {
        top = top_for(false);
    }
    let top_rows = (top.len() as u16).min(inner.height);
    let [upper, lower] =
        Layout::vertical([Constraint::Length(top_rows), Constraint::Min(0)]).areas(inner);
    frame.render_widget(Paragraph::new(top), upper);
    if lower.height < 2 {
        return;
    }
    let scrolled = if state.canary.scroll > 0 {
        format!(" (scrolled up {})", state.canary.scroll)
    } else {
        String::new()
    };
    let mut lines = vec![Line::styled(
        format!("History, newest last{scrolled}"),
        theme.style(Role::Header),
    )];
    lines.extend(history_lines(
        state,
        &view.state,
        usize::from(lower.height - 1),
    ));
    frame.render_widget(Paragraph::new(lines), lower);
}

fn offer_line(state: &State, head: &str) -> Line<'static> {
    let theme = &state.theme;
    Line::from(vec![
        Span::styled(head.to_string(), theme.style(Role::Muted)),
        Span::styled(key(state, Action::CanaryNew), theme.style(Role::HintKey)),
        Span::styled(" build a plan   ", theme.style(Role::Text)),
        Span::styled(key(state, Action::CanaryLoad), theme.style(Role::HintKey)),
        Span::styled(" load a plan file (TOML)", theme.style(Role::Text)),
    ])
}

fn empty_lines(state: &State, endpoint: &str, width: usize) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let mut lines = vec![Line::styled(
        format!("No canary plan on {}.", escaped(endpoint)),
        theme.style(Role::Text),
    )];
    if let Some(ep) = state.serving.current().filter(|e| e.name == endpoint) {
        lines.push(Line::from(vec![
            label(theme, "Traffic"),
            Span::styled(
                escaped(&Split::of_endpoint(ep).describe()),
                theme.style(Role::Text),
            ),
        ]));
    }
    lines.push(Line::default());
    if state.session.readonly {
        lines.push(Line::styled(
            "read-only profile: plans cannot be started from here",
            theme.style(Role::Muted),
        ));
    } else {
        lines.push(offer_line(state, ""));
        let text = "A plan moves traffic to the canary step by step, judging it against stable \
                    every interval; a FAIL puts back the split it started from, the canary at 0%.";
        for part in wrap(text, width) {
            lines.push(Line::styled(part, theme.style(Role::Muted)));
        }
    }
    lines
}

/// One line for the endpoint screen while it has a plan.
pub fn strip(state: &State, endpoint: &str) -> Option<Line<'static>> {
    let view = state.canary.plan(endpoint)?;
    let theme = &state.theme;
    let s = &view.state;
    let mut spans = vec![
        Span::styled("canary ", theme.style(Role::Muted)),
        Span::styled(escaped(&phase_text(s)), theme.style(phase_role(s))),
        Span::styled(
            escaped(&format!(
                "  {} {} {}",
                s.plan.stable,
                arrow(state),
                s.plan.canary_name()
            )),
            theme.style(Role::Text),
        ),
    ];
    if let Some(j) = &s.last_judgement {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(
            j.verdict.as_str(),
            theme.style(verdict_role(j.verdict)),
        ));
    }
    if !view.running && !s.is_finished() {
        spans.push(Span::styled("  not running", theme.style(Role::Warn)));
    }
    spans.push(Span::styled(
        format!(
            "  ({} panel)",
            state
                .keymap
                .keys_for(&[Context::Endpoint], Action::Canary)
                .first()
                .map(ToString::to_string)
                .unwrap_or_default()
        ),
        theme.style(Role::Muted),
    ));
    Some(Line::from(spans))
}
