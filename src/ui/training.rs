//! Training runs: the parameter form, the body of the dialog confirming the run (naming the exact
//! target), and the job run watched live on its own screen.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph};
use tui_input::Input;

use crate::app::State;
use crate::app::form::{Confirm, ConfirmAction, FormField, RoomForm, TrainingForm};
use crate::app::format;
use crate::app::screens::training::PRODUCED_TRIES;
use crate::theme::{Role, Theme};

use super::glyphs::glyphs;
use super::widgets::{escaped, load_state_line, panel, popup, truncate};

const LABEL: usize = 13;

/// A labelled value; the value carries server text (job and experiment names, run
/// messages), escaped.
fn field(theme: &Theme, k: &str, v: impl Into<String>) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{:<LABEL$}", escaped(k)), theme.style(Role::Muted)),
        Span::styled(escaped(&v.into()), theme.style(Role::Text)),
    ])
}

/// An input box's visible text, and where its cursor goes (columns from its start).
fn input_text(input: &Input, width: usize) -> (String, u16) {
    let scroll = input.visual_scroll(width);
    let text: String = input.value().chars().skip(scroll).take(width).collect();
    let cursor = input.visual_cursor().saturating_sub(scroll);
    (text, cursor as u16)
}

/// The input rows of a form (one per field, the focused one underlined), and where the
/// cursor goes (relative to the first field row).
fn field_lines(
    state: &State,
    fields: &[FormField],
    focus: usize,
    width: u16,
) -> (Vec<Line<'static>>, Option<(u16, u16)>) {
    let theme = &state.theme;
    let g = glyphs(state.session.ascii);
    let name_width = fields
        .iter()
        .map(|f| f.name.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(6, 24);
    let box_width = usize::from(width).saturating_sub(name_width + 2).min(40);
    let mut cursor = None;
    let mut lines = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        let focused = i == focus;
        let (text, at) = input_text(&f.input, box_width);
        if focused {
            cursor = Some((name_width as u16 + 2 + at, i as u16));
        }
        let style = if focused {
            theme
                .style(Role::Input)
                .add_modifier(ratatui::style::Modifier::UNDERLINED)
        } else {
            theme.style(Role::Text)
        };
        let mut spans = vec![
            Span::styled(
                format!(
                    "{:<name_width$}  ",
                    truncate(&escaped(&f.name), name_width, g.cut)
                ),
                theme.style(if focused { Role::Accent } else { Role::Muted }),
            ),
            Span::styled(format!("{text:<box_width$}"), style),
        ];
        if f.input.value() != f.default {
            spans.push(Span::styled(
                format!("  was {}", escaped(&f.default)),
                theme.style(Role::Warn),
            ));
        }
        lines.push(Line::from(spans));
    }
    (lines, cursor)
}

pub fn render_form(frame: &mut Frame, area: Rect, state: &State, form: &TrainingForm) {
    let theme = &state.theme;
    let g = glyphs(state.session.ascii);
    let rows = 8 + form.fields.len().max(1) as u16;
    let inner = popup(frame, area, state, " Launch training ", 70, rows);
    if inner.is_empty() {
        return;
    }
    let job = match &form.job_name {
        Some(name) => format!("{name} ({})", form.job_id),
        None => format!("{} (loading{})", form.job_id, g.ellipsis),
    };
    let mut lines = vec![
        field(theme, "Job", job),
        field(theme, "Experiment", form.experiment_name.clone()),
        field(theme, "Linked by", form.link.to_string()),
        Line::default(),
    ];
    let first_field_row = lines.len() as u16;
    let (fields, cursor) = field_lines(state, &form.fields, form.focus, inner.width);
    let cursor = cursor.map(|(x, y)| (x, y + first_field_row));
    lines.extend(fields);
    if form.job_name.is_some() && form.fields.is_empty() {
        lines.push(Line::styled(
            "this job takes no parameters",
            theme.style(Role::Muted),
        ));
    }
    if let Some(e) = &form.error {
        lines.push(Line::styled(
            format!("{} {}", g.failed, escaped(e)),
            theme.style(Role::Error),
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some((x, y)) = cursor
        && x < inner.width
        && y < inner.height
    {
        frame.set_cursor_position(Position::new(inner.x + x, inner.y + y));
    }
}

/// A room's parameter form: its rows, then one input per field.
pub fn render_room_form(frame: &mut Frame, area: Rect, state: &State, form: &RoomForm) {
    let theme = &state.theme;
    let g = glyphs(state.session.ascii);
    let height = 4 + form.rows.len() as u16 + form.fields.len().max(1) as u16;
    let title = format!(" {} ", escaped(&form.title));
    let inner = popup(frame, area, state, title, 70, height);
    if inner.is_empty() {
        return;
    }
    let mut lines: Vec<Line<'static>> = form
        .rows
        .iter()
        .map(|(label, value)| field(theme, label, value.clone()))
        .collect();
    if !lines.is_empty() {
        lines.push(Line::default());
    }
    let first_field_row = lines.len() as u16;
    let (fields, cursor) = field_lines(state, &form.fields, form.focus, inner.width);
    let cursor = cursor.map(|(x, y)| (x, y + first_field_row));
    lines.extend(fields);
    if form.fields.is_empty() {
        lines.push(Line::styled("no parameters", theme.style(Role::Muted)));
    }
    if let Some(e) = &form.error {
        lines.push(Line::styled(
            format!("{} {}", g.failed, escaped(e)),
            theme.style(Role::Error),
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some((x, y)) = cursor
        && x < inner.width
        && y < inner.height
    {
        frame.set_cursor_position(Position::new(inner.x + x, inner.y + y));
    }
}

/// The body of the dialog confirming a training run: target and every parameter.
pub(super) fn run_job_lines(state: &State, confirm: &Confirm) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let ConfirmAction::RunJob {
        experiment_name,
        job_id,
        job_name,
        parameters,
        ..
    } = &confirm.action
    else {
        return Vec::new();
    };
    let production = state.session.production;
    let profile = if production {
        format!("{} (PRODUCTION)", state.session.profile)
    } else {
        state.session.profile.clone()
    };
    let mut lines = vec![
        field(theme, "Profile", profile),
        field(theme, "Workspace", state.session.host.clone()),
        field(theme, "Job", format!("{job_name} ({job_id})")),
        field(theme, "Experiment", experiment_name.clone()),
        Line::styled("Parameters", theme.style(Role::Muted)),
    ];
    for p in parameters {
        let line = if p.default {
            Line::from(vec![
                Span::styled(
                    format!("  {} = {}", escaped(&p.name), escaped(&p.value)),
                    theme.style(Role::Text),
                ),
                Span::styled("  (default)", theme.style(Role::Muted)),
            ])
        } else {
            let default = state
                .training
                .job
                .data
                .as_ref()
                .and_then(|j| j.settings.parameter_default(&p.name))
                .unwrap_or("")
                .to_string();
            Line::from(vec![
                Span::styled(
                    format!("  {} = ", escaped(&p.name)),
                    theme.style(Role::Text),
                ),
                Span::styled(
                    format!("{} {} ", escaped(&default), arrow(state)),
                    theme.style(Role::Muted),
                ),
                Span::styled(escaped(&p.value), theme.style(Role::Warn)),
            ])
        };
        lines.push(line);
    }
    if parameters.is_empty() {
        lines.push(Line::styled("  (none)", theme.style(Role::Muted)));
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        "This starts a run of the job (jobs/run-now).",
        theme.style(Role::Text),
    ));
    lines
}

fn arrow(state: &State) -> &'static str {
    if state.session.ascii { "->" } else { "→" }
}

/// The job run of a launch, live: state, timing, parameters, then the MLflow run it logged.
pub fn render_training(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let g = glyphs(state.session.ascii);
    let l = &state.training;
    let title = format!(
        " Training {} {} {} {} ",
        g.sep.trim(),
        escaped(&l.job_name),
        arrow(state),
        escaped(&l.experiment_name)
    );
    let block = panel(state, title, true).padding(Padding::horizontal(1));
    let mut lines = Vec::new();
    match (&l.started.data, &l.started.error) {
        (None, None) => lines.push(Line::styled(
            format!("starting (jobs/run-now){}", g.ellipsis),
            theme.style(Role::Muted),
        )),
        (None, Some(_)) => {
            lines.push(Line::styled("run-now failed:", theme.style(Role::Error)));
            lines.extend(load_state_line(state, &l.started));
        }
        (Some(started), _) => {
            let number = started
                .number_in_job
                .filter(|n| *n != started.run_id)
                .map(|n| format!(" (#{n} of the job)"))
                .unwrap_or_default();
            lines.push(field(
                theme,
                "Job run",
                format!("{}{number}", started.run_id),
            ));
        }
    }
    if let Some(run) = &l.job_run.data {
        let (mark, role) = match (run.is_terminal(), run.succeeded()) {
            (false, _) => (g.updating, Role::Info),
            (true, true) => (g.ok, Role::Ok),
            (true, false) => (g.failed, Role::Error),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{:<LABEL$}", "State"), theme.style(Role::Muted)),
            Span::styled(format!("{mark} {}", run.state_label()), theme.style(role)),
        ]));
        if !run.message().is_empty() {
            lines.push(field(theme, "Message", run.message().to_string()));
        }
        let start = run.start_time.filter(|t| *t > 0);
        lines.push(field(theme, "Started", format::datetime(start)));
        let end = run.end_time.filter(|t| *t > 0).unwrap_or(state.now_ms);
        if let Some(s) = start {
            lines.push(field(theme, "Elapsed", format::duration_precise(end - s)));
        }
        if let Some(url) = &run.run_page_url {
            lines.push(field(theme, "Page", url.clone()));
        }
    }
    lines.extend(load_state_line(state, &l.job_run).filter(|_| l.job_run.error.is_some()));
    lines.push(Line::default());
    lines.push(Line::styled("Parameters", theme.style(Role::Header)));
    for p in &l.parameters {
        let note = if p.default { "" } else { "  (changed)" };
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {} = {}", escaped(&p.name), escaped(&p.value)),
                theme.style(Role::Text),
            ),
            Span::styled(note, theme.style(Role::Warn)),
        ]));
    }
    lines.push(Line::default());
    let mlflow = match (l.finished(), &l.produced.data) {
        (false, _) => format!("shown here when the job run ends{}", g.ellipsis),
        (true, Some(Some(id))) => format!("{id} (opening)"),
        (true, _) if l.produced_misses >= PRODUCED_TRIES => format!(
            "none found tagged mlflow.databricks.jobRunID = {}",
            l.job_run_id().unwrap_or_default()
        ),
        (true, _) => format!("looking for it{}", g.ellipsis),
    };
    lines.push(field(theme, "MLflow run", mlflow));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
