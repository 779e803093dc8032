//! The Overview's activity panels: canary plans in progress (and those that ended within the
//! hour), approvals waiting for a decision, and the console's latest changes from the audit
//! journal. Each line puts what matters first, so a narrow panel cuts the least useful part.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph};

use crate::app::State;
use crate::app::format;
use crate::app::screens::canary::PlanView;
use crate::app::screens::overview::{canaries, recent_actions};
use crate::ops::approvals::{ApprovalSource, PendingApproval};
use crate::ops::canary::{Phase, Verdict};
use crate::theme::Role;

use super::glyphs::glyphs;
use super::registry::standing_role;
use super::widgets::{escaped, load_state_line, panel, truncate};

/// Pending approvals listed by name; the rest are counted.
pub const APPROVALS_SHOWN: usize = 3;

/// Columns inside a panel: borders and the one-column padding on each side.
fn inner_width(width: u16) -> usize {
    usize::from(width.saturating_sub(4))
}

/// Lines the canary panel needs at `width` (outer), for the layout.
pub fn canary_lines(state: &State, width: u16) -> usize {
    canary_text(state, inner_width(width)).len()
}

/// Lines the approvals panel needs, for the layout.
pub fn approval_lines(state: &State) -> usize {
    approval_text(state, usize::MAX).len()
}

/// Lines the recent-actions panel needs, for the layout.
pub fn action_lines(state: &State) -> usize {
    action_text(state, usize::MAX).len()
}

pub fn canaries_panel(frame: &mut Frame, area: Rect, state: &State) {
    let lines = canary_text(state, inner_width(area.width));
    let block = panel(state, " Canaries in progress ", false).padding(Padding::horizontal(1));
    let lines = super::cut::lines(
        lines,
        block.inner(area).width,
        super::cut::mark(state.session.ascii),
    );
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

pub fn approvals_panel(frame: &mut Frame, area: Rect, state: &State) {
    let lines = approval_text(state, inner_width(area.width));
    let block = panel(state, " Pending approvals ", false).padding(Padding::horizontal(1));
    let lines = super::cut::lines(
        lines,
        block.inner(area).width,
        super::cut::mark(state.session.ascii),
    );
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

pub fn actions_panel(frame: &mut Frame, area: Rect, state: &State) {
    let lines = action_text(state, inner_width(area.width));
    let block = panel(state, " Recent actions ", false).padding(Padding::horizontal(1));
    let lines = super::cut::lines(
        lines,
        block.inner(area).width,
        super::cut::mark(state.session.ascii),
    );
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The mark and colour of a plan's phase.
fn phase_mark(state: &State, phase: Phase) -> (&'static str, Role) {
    let g = glyphs(state.session.ascii);
    match phase {
        Phase::Completed => (g.ok, Role::Ok),
        Phase::RollingBack | Phase::RolledBack => (g.failed, Role::Error),
        Phase::Paused | Phase::Aborted => (g.other, Role::Muted),
        Phase::Starting | Phase::AddingCanary | Phase::Shifting | Phase::Holding => {
            (g.updating, Role::Warn)
        }
    }
}

fn verdict_role(v: Verdict) -> Role {
    match v {
        Verdict::Pass => Role::Ok,
        Verdict::Inconclusive => Role::Warn,
        Verdict::Fail => Role::Error,
    }
}

/// One plan as one line when it fits `width`, else two: what it is doing, then its entities.
fn canary_text(state: &State, width: usize) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let plans = canaries(state);
    if plans.is_empty() {
        return vec![Line::styled("none running", theme.style(Role::Muted))];
    }
    let mut lines = Vec::new();
    for p in plans {
        let (head, tail, extra) = canary_spans(state, p);
        let arrow = if state.session.ascii { "->" } else { "→" };
        let entities = format!(
            "{} {arrow} {}",
            escaped(&p.state.plan.stable),
            escaped(&p.state.plan.canary_name())
        );
        let mut one = head.clone();
        one.push(Span::styled(
            format!("  {entities}"),
            theme.style(Role::Text),
        ));
        one.extend(tail.clone());
        if Line::from(one.clone()).width() <= width {
            lines.push(Line::from(with_fitting(one, extra, width)));
            continue;
        }
        let mut first = head;
        first.extend(tail);
        lines.push(Line::from(with_fitting(first, extra, width)));
        lines.push(Line::styled(
            format!("  {entities}"),
            theme.style(Role::Muted),
        ));
    }
    lines
}

/// `spans`, then as many of `extra` as fit whole in `width`.
fn with_fitting(
    mut spans: Vec<Span<'static>>,
    extra: Vec<Span<'static>>,
    width: usize,
) -> Vec<Span<'static>> {
    let mut used: usize = spans.iter().map(Span::width).sum();
    for s in extra {
        if used + s.width() > width {
            break;
        }
        used += s.width();
        spans.push(s);
    }
    spans
}

/// What a plan's line shows, split for fitting: its mark and endpoint; what it is doing (step
/// percentage, phase and last verdict while it runs, how and when it ended once finished); then
/// what may be left out when narrow.
type PlanSpans = (Vec<Span<'static>>, Vec<Span<'static>>, Vec<Span<'static>>);

fn canary_spans(state: &State, p: &PlanView) -> PlanSpans {
    let theme = &state.theme;
    let s = &p.state;
    let (mark, role) = phase_mark(state, s.phase);
    let head = vec![
        Span::styled(format!("{mark} "), theme.style(role)),
        Span::styled(escaped(&s.plan.endpoint), theme.style(Role::Text)),
    ];
    let mut tail = Vec::new();
    if s.is_finished() {
        tail.push(Span::styled(
            format!("  {}", s.phase.as_str()),
            theme.style(role),
        ));
        tail.push(Span::styled(
            format!(
                " {} ago",
                format::ago_short(state.now_ms, Some(s.updated_ms))
            ),
            theme.style(Role::Muted),
        ));
        return (head, tail, Vec::new());
    }
    tail.push(Span::styled(
        format!("  {}%", s.percent()),
        theme.style(Role::Accent),
    ));
    tail.push(Span::styled(
        format!(" {}", s.phase.as_str()),
        theme.style(role),
    ));
    if let Some(j) = &s.last_judgement {
        tail.push(Span::styled(
            format!(" {}", j.verdict.as_str()),
            theme.style(verdict_role(j.verdict)),
        ));
    }
    let mut extra = Vec::new();
    if !p.running {
        extra.push(Span::styled(
            " · not running in this console",
            theme.style(Role::Warn),
        ));
    }
    extra.push(Span::styled(
        format!(" step {}/{}", s.step + 1, s.plan.steps.len()),
        theme.style(Role::Muted),
    ));
    (head, tail, extra)
}

/// The count, then the oldest requests: "5h fraud_model v4 → Production".
fn approval_text(state: &State, width: usize) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let remote = &state.approvals.list;
    let mut lines = Vec::new();
    if let Some(list) = &remote.data {
        let n = list.items.len();
        if n == 0 {
            lines.push(Line::styled(
                "nothing waits for approval",
                theme.style(Role::Muted),
            ));
        } else {
            lines.push(Line::from(vec![
                Span::styled(n.to_string(), theme.style(Role::Accent)),
                Span::styled(" waiting for a decision", theme.style(Role::Text)),
            ]));
        }
        for item in list.items.iter().take(APPROVALS_SHOWN) {
            let age = format!("{:>4} ", format::ago_short(state.now_ms, item.since_ms));
            let text = approval_item(item, width.saturating_sub(age.len()), state);
            lines.push(Line::from(vec![
                Span::styled(age, theme.style(Role::Muted)),
                Span::styled(text, theme.style(Role::Text)),
            ]));
        }
        if n > APPROVALS_SHOWN {
            lines.push(Line::styled(
                format!("and {} more", n - APPROVALS_SHOWN),
                theme.style(Role::Muted),
            ));
        }
        if !list.notes.is_empty() {
            let g = glyphs(state.session.ascii);
            lines.push(Line::styled(
                format!("{} {}", g.warn, escaped(&list.notes[0])),
                theme.style(Role::Warn),
            ));
        }
    }
    lines.extend(load_state_line(state, remote));
    lines
}

/// "model vN → Stage" or "model vN approval tag pending", shortened to `width`: the model's
/// catalog and schema go first, then the wording, then the name is cut.
fn approval_item(item: &PendingApproval, width: usize, state: &State) -> String {
    let arrow = if state.session.ascii { "->" } else { "→" };
    let model = escaped(&item.model);
    let short = model.rsplit('.').next().unwrap_or(&model);
    let v = escaped(&item.version);
    let candidates: Vec<String> = match item.source {
        ApprovalSource::Workspace => {
            let stage = escaped(item.to_stage.as_deref().unwrap_or("?"));
            vec![format!("{model} v{v} {arrow} {stage}")]
        }
        ApprovalSource::UnityCatalog => vec![
            format!("{model} v{v} approval tag pending"),
            format!("{short} v{v} approval tag pending"),
            format!("{short} v{v} tag pending"),
        ],
    };
    let ellipsis = glyphs(state.session.ascii).cut;
    candidates
        .iter()
        .find(|c| c.chars().count() <= width)
        .cloned()
        .unwrap_or_else(|| truncate(&candidates[candidates.len() - 1], width, ellipsis))
}

/// "30m promote  main.ml.churn_model@champion  ok", newest first; the target is cut to fit.
fn action_text(state: &State, width: usize) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let remote = &state.audit.journal;
    let ellipsis = glyphs(state.session.ascii).cut;
    let mut lines = Vec::new();
    let entries = recent_actions(state);
    if remote.data.is_some() && entries.is_empty() {
        lines.push(Line::styled(
            "no changes recorded yet",
            theme.style(Role::Muted),
        ));
    }
    for e in entries {
        let at = &e.attempt;
        let standing = e.standing();
        let age = format!("{:>4} ", format::ago_short(state.now_ms, Some(at.ts_ms)));
        let action = format!("{:<9}", at.action.as_str());
        let result = format!("  {}", standing.label());
        let fixed = age.len() + action.len() + result.chars().count();
        let target = escaped(&at.target.describe());
        let target = truncate(&target, width.saturating_sub(fixed), ellipsis);
        lines.push(Line::from(vec![
            Span::styled(age, theme.style(Role::Muted)),
            Span::styled(action, theme.style(Role::Text)),
            Span::styled(target, theme.style(Role::Text)),
            Span::styled(result, theme.style(standing_role(standing))),
        ]));
    }
    lines.extend(load_state_line(state, remote));
    lines
}
