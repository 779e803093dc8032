//! Jobs screen: the jobs list (schedule, tags, creator, last run, failing marker), a job's runs,
//! and one run (its facts, tasks, the output of a failed task, what it wrote, its MLflow run).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::State;
use crate::app::format;
use crate::app::screens::jobs::{ChangeDone, JobsState};
use crate::ops::job_list::{RunSummary, parameters_text};
use crate::ops::job_run_view::TaskView;
use crate::ops::journal::Outcome;
use crate::theme::Role;

use super::columns::{Column, FitRow};
use super::table::{ListScreen, render as render_list};
use super::widgets::{escaped, load_state_line, panel};

/// The role of a run or task state: running, succeeded, or ended badly.
fn state_role(ended: bool, succeeded: bool) -> Role {
    match (ended, succeeded) {
        (false, _) => Role::Info,
        (true, true) => Role::Ok,
        (true, false) => Role::Error,
    }
}

fn dur(ms: Option<i64>) -> String {
    ms.map_or("-".into(), format::duration)
}

/// How long a run took, or has been running so far.
fn run_duration(state: &State, r: &RunSummary) -> String {
    match (r.duration_ms, r.ended, r.start_time) {
        (Some(ms), ..) => format::duration(ms),
        (None, false, Some(start)) if state.now_ms > start => {
            format!("{} so far", format::duration(state.now_ms - start))
        }
        _ => "-".into(),
    }
}

fn or_dash(s: Option<&str>) -> String {
    s.map_or("-".to_string(), escaped)
}

/// The last change's outcome, and the change in flight.
fn change_notes(state: &State, j: &JobsState) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let mut notes = Vec::new();
    if let Some((_, c)) = &j.applying {
        notes.push(Line::styled(
            format!("{}: under way…", escaped(&c.what())),
            theme.style(Role::Info),
        ));
    }
    if let Some(d) = &j.last {
        notes.push(outcome_line(state, d));
    }
    notes
}

fn outcome_line(state: &State, d: &ChangeDone) -> Line<'static> {
    let role = match d.outcome {
        Some(Outcome::Ok) => Role::Ok,
        Some(Outcome::Failed) | None => Role::Error,
        Some(_) => Role::Warn,
    };
    let journal = d
        .journal_id
        .as_ref()
        .map(|id| format!(" (journal {id})"))
        .unwrap_or_default();
    Line::from(vec![
        Span::styled(
            format!("{}: {}", escaped(&d.change.what()), d.label()),
            state.theme.style(role),
        ),
        Span::styled(
            escaped(&format!(" — {}{journal}", d.message)),
            state.theme.style(Role::Muted),
        ),
    ])
}

pub fn list(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let j = &state.jobs;
    let rows = j
        .visible()
        .into_iter()
        .map(|row| {
            let trigger = match (&row.schedule, row.paused) {
                (Some(s), Some(true)) => format!("PAUSED {s}"),
                (Some(s), _) => s.clone(),
                (None, _) => "manual".to_string(),
            };
            let tags: Vec<String> = row.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let (last, role) = match &row.last_run {
                Some(r) => (
                    format!("{} {}", escaped(&r.state), run_duration(state, r)),
                    state_role(r.ended, r.succeeded),
                ),
                None => ("never run".to_string(), Role::Muted),
            };
            let failing = if row.failing {
                Line::styled("FAILING", theme.style(Role::Error))
            } else {
                Line::from("")
            };
            FitRow::new(vec![
                Line::from(escaped(&row.name)),
                Line::from(escaped(&trigger)),
                Line::from(escaped(&tags.join(" "))),
                Line::from(or_dash(row.creator.as_deref())),
                Line::styled(last, theme.style(role)),
                failing,
            ])
        })
        .collect();
    let failing = j.list.data.iter().flatten().filter(|r| r.failing).count();
    let mut notes = change_notes(state, j);
    if failing > 0 {
        notes.push(Line::styled(
            format!("{failing} job(s) failing: their last ended run failed (filter: failing)"),
            theme.style(Role::Warn),
        ));
    }
    render_list(
        frame,
        area,
        state,
        ListScreen {
            title: "Jobs",
            remote: &j.list,
            view: &j.view,
            total: j.list.data.as_ref().map_or(0, Vec::len),
            columns: vec![
                Column::text("Name", 9).min(12).fill(2),
                Column::text("Trigger", 6).min(8).max(34).fill(1),
                Column::text("Tags", 3).max(30).fill(1),
                Column::text("Creator", 4).max(24),
                Column::text("Last run", 7).min(10).max(30),
                Column::whole("", 8),
            ],
            rows,
            empty: "no jobs in this workspace",
            notes,
        },
    );
}

fn run_row(state: &State, r: &RunSummary) -> FitRow {
    FitRow::new(vec![
        Line::from(r.run_id.to_string()),
        Line::styled(
            escaped(&r.state),
            state.theme.style(state_role(r.ended, r.succeeded)),
        ),
        Line::from(format::datetime_short(r.start_time)),
        Line::from(run_duration(state, r)),
        Line::from(or_dash(r.trigger.as_deref())),
        Line::from(or_dash(r.run_by.as_deref())),
        Line::from(escaped(&parameters_text(&r.parameters))),
    ])
}

pub fn runs(frame: &mut Frame, area: Rect, state: &State, job_id: i64) {
    let j = &state.jobs;
    let rows = j
        .visible_runs()
        .into_iter()
        .map(|r| run_row(state, r))
        .collect();
    let name = j.job_name(job_id);
    let title = if j.active_only {
        format!("Active runs of {}", escaped(&name))
    } else {
        format!("Runs of {}", escaped(&name))
    };
    let mut notes = change_notes(state, j);
    // The selected run in full: the table cuts long parameters and messages.
    if let Some(r) = j.selected_run() {
        let mut about = vec![format!("run {}", r.run_id)];
        if !r.parameters.is_empty() {
            about.push(parameters_text(&r.parameters));
        }
        if !r.message.is_empty() {
            about.push(r.message.clone());
        }
        notes.push(Line::styled(
            escaped(&about.join(" · ")),
            state.theme.style(Role::Muted),
        ));
    }
    let runs = j.runs.data.as_ref().filter(|r| r.job_id == job_id);
    render_list(
        frame,
        area,
        state,
        ListScreen {
            title: &title,
            remote: &j.runs,
            view: &j.runs_view,
            total: runs.map_or(0, |r| r.runs.len()),
            columns: vec![
                Column::whole("Run", 9),
                Column::text("State", 8).min(9).max(26),
                Column::whole("Start", 6),
                Column::whole("Duration", 6),
                Column::text("Trigger", 4).max(12),
                Column::text("Run by", 5).max(24),
                Column::text("Parameters", 3).fill(1),
            ],
            rows,
            empty: if j.active_only {
                "no run in progress (a: every run)"
            } else {
                "this job has not run yet"
            },
            notes,
        },
    );
}

fn field(state: &State, label: &str, value: String, role: Role) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label:<11}"), state.theme.style(Role::Muted)),
        Span::styled(value, state.theme.style(role)),
    ])
}

/// The run's facts above the tasks.
fn facts(state: &State, j: &JobsState) -> Vec<Line<'static>> {
    let Some(v) = j.open_run() else {
        return Vec::new();
    };
    let r = &v.run;
    let mut lines = vec![
        field(
            state,
            "state",
            escaped(&r.state),
            state_role(r.ended, r.succeeded),
        ),
        field(
            state,
            "started",
            format!(
                "{}   duration {}   trigger {}   by {}",
                format::datetime_short(r.start_time),
                run_duration(state, r),
                or_dash(r.trigger.as_deref()),
                or_dash(r.run_by.as_deref())
            ),
            Role::Text,
        ),
    ];
    if !r.message.is_empty() {
        lines.push(field(state, "message", escaped(&r.message), Role::Text));
    }
    if !r.parameters.is_empty() {
        let p = escaped(&parameters_text(&r.parameters));
        lines.push(field(state, "parameters", p, Role::Text));
    }
    if !v.wrote.is_empty() {
        let w: Vec<String> = v.wrote.iter().map(|(k, v)| format!("{k}={v}")).collect();
        lines.push(field(state, "wrote", escaped(&w.join("  ")), Role::Ok));
    }
    let mlflow = match &v.mlflow_run {
        Some(m) => format!(
            "{} ({}) {} in {}  · Enter opens it",
            m.run_id,
            m.run_name.as_deref().unwrap_or(""),
            m.status.as_deref().unwrap_or("-"),
            m.experiment
        ),
        None => "none found".to_string(),
    };
    lines.push(field(state, "MLflow run", escaped(&mlflow), Role::Text));
    lines.extend(change_notes(state, j));
    lines
}

fn task_row(state: &State, t: &TaskView) -> FitRow {
    let error = t.error.clone().unwrap_or_else(|| t.message.clone());
    FitRow::new(vec![
        Line::from(escaped(&t.task_key)),
        Line::styled(
            escaped(&t.state),
            state.theme.style(state_role(t.ended, t.succeeded)),
        ),
        Line::from(dur(t.duration_ms)),
        Line::from(t.attempt.map_or("-".into(), |a| a.to_string())),
        Line::from(escaped(&error)),
    ])
}

/// The output of the selected task when it failed, else of the first failed task.
fn failed_output(j: &JobsState) -> Option<&TaskView> {
    let has = |t: &&TaskView| t.error.is_some() || t.error_trace.is_some();
    j.selected_task()
        .filter(has)
        .or_else(|| j.tasks().iter().find(has))
}

pub fn run(frame: &mut Frame, area: Rect, state: &State, run_id: i64) {
    let j = &state.jobs;
    let theme = &state.theme;
    let facts = facts(state, j);
    let output = failed_output(j);
    let out_rows = if output.is_some() {
        (area.height / 3).max(4)
    } else {
        0
    };
    let [top, tasks_area, out_area] = Layout::vertical([
        Constraint::Length(facts.len() as u16 + 2),
        Constraint::Min(4),
        Constraint::Length(out_rows),
    ])
    .areas(area);
    let name = j
        .open_run()
        .map(|v| j.job_name(v.job_id))
        .unwrap_or_default();
    let title = format!(" Run {run_id} {} ", escaped(&name));
    let block = panel(state, title, false);
    let inner = block.inner(top);
    frame.render_widget(block, top);
    if facts.is_empty() {
        let line = load_state_line(state, &j.run)
            .unwrap_or_else(|| Line::styled("loading…", theme.style(Role::Muted)));
        frame.render_widget(Paragraph::new(line), inner);
    } else {
        frame.render_widget(Paragraph::new(facts), inner);
    }
    let rows = j.tasks().iter().map(|t| task_row(state, t)).collect();
    let shown = j.open_run().map_or(0, |v| v.tasks.len());
    render_list(
        frame,
        tasks_area,
        state,
        ListScreen {
            title: "Tasks",
            remote: &j.run,
            view: &j.tasks_view,
            total: shown,
            columns: vec![
                Column::text("Task", 8).min(10).max(30),
                Column::text("State", 7).min(9).max(26),
                Column::whole("Duration", 6),
                Column::whole("Attempt", 5),
                Column::text("Error", 4).fill(1),
            ],
            rows,
            empty: "no tasks",
            notes: Vec::new(),
        },
    );
    if let Some(t) = output {
        let block = panel(
            state,
            format!(" Output of {} ", escaped(&t.task_key)),
            false,
        );
        let inner = block.inner(out_area);
        frame.render_widget(block, out_area);
        let mut lines = Vec::new();
        if let Some(e) = &t.error {
            lines.push(Line::styled(escaped(e), theme.style(Role::Error)));
        }
        for l in t.error_trace.as_deref().unwrap_or("").lines() {
            lines.push(Line::styled(escaped(l), theme.style(Role::Muted)));
        }
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    }
}
