//! The Overview's jobs panel: failing jobs (their newest ended run failed) and runs in
//! progress, newest first; `J` opens the run marked `>` (the first failure, else the first run
//! in progress) and `8` the Jobs screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph};

use crate::app::State;
use crate::app::format;
use crate::ops::job_attention::{AttentionRun, JobsAttention};
use crate::theme::Role;

use super::glyphs::glyphs;
use super::widgets::{escaped, load_state_line, panel};

/// Rows the panel lists at most (failures first), beside its summary line; on a short screen
/// only the run `J` opens.
const MAX_ROWS: usize = 4;
const MAX_ROWS_COMPACT: usize = 1;

/// The panel's lines: a summary, then the runs to look at.
pub fn lines(state: &State, compact: bool) -> Vec<Line<'static>> {
    let remote = &state.jobs.attention;
    let mut lines = Vec::new();
    if let Some(a) = &remote.data {
        lines.push(summary(state, a));
        let first = a.first().map(|r| r.run.run_id);
        let failing = a.failing.iter().map(|r| (r, true));
        let running = a.running.iter().map(|r| (r, false));
        let rows = if compact { MAX_ROWS_COMPACT } else { MAX_ROWS };
        for (run, failed) in failing.chain(running).take(rows) {
            lines.push(row(state, run, failed, Some(run.run.run_id) == first));
        }
    }
    lines.extend(load_state_line(state, remote));
    lines
}

fn summary(state: &State, a: &JobsAttention) -> Line<'static> {
    let theme = &state.theme;
    let g = glyphs(state.session.ascii);
    if a.failing.is_empty() && a.running.is_empty() {
        return Line::from(vec![
            Span::styled(format!("{} ", g.ok), theme.style(Role::Ok)),
            Span::styled("nothing failing, nothing running", theme.style(Role::Text)),
        ]);
    }
    let more = if a.more_running { "+" } else { "" };
    Line::from(vec![
        Span::styled(
            format!("{} {}", g.failed, a.failing.len()),
            theme.style(if a.failing.is_empty() {
                Role::Muted
            } else {
                Role::Error
            }),
        ),
        Span::styled(" failing  ", theme.style(Role::Text)),
        Span::styled(
            format!("{} {}{more}", g.updating, a.running.len()),
            theme.style(Role::Warn),
        ),
        Span::styled(" running", theme.style(Role::Text)),
    ])
}

fn row(state: &State, r: &AttentionRun, failed: bool, marked: bool) -> Line<'static> {
    let theme = &state.theme;
    let g = glyphs(state.session.ascii);
    let (mark, role) = if failed {
        (g.failed, Role::Error)
    } else {
        (g.updating, Role::Warn)
    };
    let when = if failed {
        format::ago_short(state.now_ms, r.run.start_time)
    } else {
        r.run
            .start_time
            .map(|t| format::duration(state.now_ms.saturating_sub(t)))
            .unwrap_or_default()
    };
    Line::from(vec![
        Span::styled(
            if marked { ">" } else { " " }.to_string(),
            theme.style(Role::Accent),
        ),
        Span::styled(format!("{mark} "), theme.style(role)),
        Span::styled(escaped(&r.name), theme.style(Role::Text)),
        Span::styled(
            format!("  {} {when}", r.run.run_id),
            theme.style(Role::Muted),
        ),
    ])
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, lines: Vec<Line<'static>>) {
    let block = panel(state, " Jobs ", false).padding(Padding::horizontal(1));
    let lines = super::cut::lines(
        lines,
        block.inner(area).width,
        super::cut::mark(state.session.ascii),
    );
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
