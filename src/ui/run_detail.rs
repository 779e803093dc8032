//! One run: its details (system tags spelled out) beside the metric history chart.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph};

use crate::api::models::mlflow::{KeyValue, Run, lookup};
use crate::app::State;
use crate::app::format;
use crate::app::screens::run_detail::{self, RunDetailState};
use crate::theme::{Role, Theme};

use super::chart;
use super::glyphs::glyphs;
use super::widgets::{escaped, load_state_line, panel, truncate};

/// System tags shown in the Source section, with their labels.
const SYSTEM_TAGS: [(&str, &str); 9] = [
    ("mlflow.source.name", "Source"),
    ("mlflow.source.type", "Source type"),
    ("mlflow.databricks.notebookPath", "Notebook"),
    ("mlflow.source.git.commit", "Git commit"),
    ("mlflow.databricks.jobID", "Databricks job"),
    ("mlflow.databricks.jobRunID", "Job run"),
    ("mlflow.databricks.cluster.id", "Cluster"),
    ("mlflow.parentRunId", "Parent run"),
    ("mlflow.note.content", "Note"),
];

/// Tags that repeat what the Info section says.
const REDUNDANT_TAGS: [&str; 2] = ["mlflow.runName", "mlflow.user"];

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let d = &state.run_detail;
    let (details, chart_area) = if area.width >= 100 {
        let [l, r] =
            Layout::horizontal([Constraint::Percentage(42), Constraint::Min(0)]).areas(area);
        (l, r)
    } else {
        let [t, b] = Layout::vertical([Constraint::Percentage(50), Constraint::Min(0)]).areas(area);
        (b, t)
    };
    render_details(frame, details, state, d);
    render_chart(frame, chart_area, state, d);
}

/// Label column width of the Info and Source sections.
const LABEL: usize = 15;

/// Lines are cut to the panel (not wrapped) so labels stay in their column.
struct Lines<'t> {
    theme: &'t Theme,
    width: usize,
    ellipsis: &'static str,
    out: Vec<Line<'static>>,
}

impl Lines<'_> {
    /// A labelled value; the value is server text, escaped.
    fn field(&mut self, k: &str, v: String) {
        let room = self.width.saturating_sub(LABEL + 2);
        self.out.push(Line::from(vec![
            Span::styled(format!("  {k:<LABEL$}"), self.theme.style(Role::Muted)),
            Span::styled(
                truncate(&escaped(&v), room, self.ellipsis),
                self.theme.style(Role::Text),
            ),
        ]));
    }

    /// A key and its value (a param, metric or tag), both server text, escaped.
    fn kv(&mut self, k: &str, v: String) {
        let key = truncate(&escaped(k), self.width.saturating_sub(6) / 2, self.ellipsis);
        let room = self.width.saturating_sub(key.chars().count() + 5);
        self.out.push(Line::from(vec![
            Span::styled(format!("  {key} = "), self.theme.style(Role::Muted)),
            Span::styled(
                truncate(&escaped(&v), room, self.ellipsis),
                self.theme.style(Role::Text),
            ),
        ]));
    }

    fn section(&mut self, title: String) {
        if !self.out.is_empty() {
            self.out.push(Line::default());
        }
        self.out
            .push(Line::styled(title, self.theme.style(Role::Header)));
    }
}

fn render_details(frame: &mut Frame, area: Rect, state: &State, d: &RunDetailState) {
    let theme = &state.theme;
    let Some(run) = &d.run.data else {
        let line = load_state_line(state, &d.run)
            .unwrap_or_else(|| Line::styled("no data", theme.style(Role::Muted)));
        let block = panel(state, format!(" Run {} ", escaped(&d.run_id)), true);
        frame.render_widget(Paragraph::new(line).block(block), area);
        return;
    };
    let name = escaped(run.info.run_name.as_deref().unwrap_or(&d.run_id));
    let block = panel(state, format!(" {name} "), true).padding(Padding::horizontal(1));
    let width = usize::from(block.inner(area).width);
    let mut lines = info_lines(state, run, width);
    lines.extend(load_state_line(state, &d.run));
    let visible = area.height.saturating_sub(2);
    let scroll = d.scroll.min((lines.len() as u16).saturating_sub(visible));
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), area);
}

fn info_lines(state: &State, run: &Run, width: usize) -> Vec<Line<'static>> {
    let now = state.now_ms;
    let info = &run.info;
    let tags = &run.data.tags;
    let mut l = Lines {
        theme: &state.theme,
        width,
        ellipsis: glyphs(state.session.ascii).cut,
        out: Vec::new(),
    };
    let experiment = state
        .experiments
        .find(&info.experiment_id)
        .map(|e| format!("{} ({})", e.name, info.experiment_id))
        .unwrap_or_else(|| info.experiment_id.clone());
    let when = |ms: Option<i64>| format!("{}  ({})", format::datetime(ms), format::ago(now, ms));
    let duration = match (info.start_time, info.end_time) {
        (Some(s), Some(e)) => format::duration_precise(e - s),
        (Some(s), None) => format!("{} so far", format::duration_precise(now - s)),
        _ => "-".into(),
    };
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    l.section("Info".into());
    l.field("Run ID", info.run_id.clone());
    l.field("Experiment", experiment);
    l.field(
        "Status",
        or_dash(info.status.as_ref().map(|s| s.to_string())),
    );
    l.field("User", or_dash(info.user_id.clone()));
    l.field("Started", when(info.start_time));
    l.field("Duration", duration);
    l.field("Artifacts", or_dash(info.artifact_uri.clone()));
    l.section("Source".into());
    for (key, label) in SYSTEM_TAGS {
        let Some(v) = lookup(tags, key) else { continue };
        let v = match key {
            "mlflow.source.git.commit" => v.chars().take(12).collect(),
            "mlflow.parentRunId" => format!("{v} (P)"),
            _ => v.to_string(),
        };
        l.field(label, v);
    }
    l.section(format!("Params ({})", run.data.params.len()));
    for p in &run.data.params {
        l.kv(&p.key, p.value.clone());
    }
    l.section(format!("Metrics ({}), latest", run.data.metrics.len()));
    let mut metrics: Vec<_> = run.data.metrics.iter().collect();
    metrics.sort_by(|a, b| a.key.cmp(&b.key));
    for m in metrics {
        let step = if m.step > 0 {
            format!("  (step {})", m.step)
        } else {
            String::new()
        };
        l.kv(&m.key, format!("{}{step}", format::metric(m.value)));
    }
    let other: Vec<&KeyValue> = tags
        .iter()
        .filter(|t| {
            !SYSTEM_TAGS.iter().any(|(k, _)| *k == t.key)
                && !REDUNDANT_TAGS.contains(&t.key.as_str())
        })
        .collect();
    l.section(format!("Tags ({})", other.len()));
    for t in other {
        l.kv(&t.key, t.value.clone());
    }
    artifact_lines(&mut l, state);
    l.out
}

/// The artifact root and its directories one level down, indented by depth.
fn artifact_lines(l: &mut Lines<'_>, state: &State) {
    let d = &state.run_detail;
    let Some(files) = &d.artifacts.data else {
        l.section("Artifacts".into());
        l.out.extend(load_state_line(state, &d.artifacts));
        return;
    };
    l.section(format!(
        "Artifacts ({})",
        files.iter().filter(|f| !f.is_dir).count()
    ));
    if files.is_empty() {
        l.out
            .push(Line::styled("  none", l.theme.style(Role::Muted)));
    }
    for f in files {
        let depth = f.path.matches('/').count();
        let name = f.path.rsplit('/').next().unwrap_or(&f.path);
        let (name, size) = if f.is_dir {
            (format!("{name}/"), String::new())
        } else {
            (name.to_string(), f.file_size.map(bytes).unwrap_or_default())
        };
        let indent = "  ".repeat(depth + 1);
        let room = l.width.saturating_sub(indent.len() + 10);
        l.out.push(Line::from(vec![
            Span::styled(
                format!(
                    "{indent}{:<room$}",
                    truncate(&escaped(&name), room, l.ellipsis)
                ),
                l.theme
                    .style(if f.is_dir { Role::Accent } else { Role::Text }),
            ),
            Span::styled(format!("{size:>9}"), l.theme.style(Role::Muted)),
        ]));
    }
}

/// "512 B", "1.2 KB", "3.4 MB".
fn bytes(n: i64) -> String {
    let n = n.max(0) as f64;
    match n {
        n if n < 1024.0 => format!("{n} B"),
        n if n < 1024.0 * 1024.0 => format!("{:.1} KB", n / 1024.0),
        n if n < 1024.0 * 1024.0 * 1024.0 => format!("{:.1} MB", n / 1024.0 / 1024.0),
        n => format!("{:.1} GB", n / 1024.0 / 1024.0 / 1024.0),
    }
}

fn render_chart(frame: &mut Frame, area: Rect, state: &State, d: &RunDetailState) {
    let theme = &state.theme;
    let g = glyphs(state.session.ascii);
    let zoom = if d.chart.is_zoomed() {
        let (lo, hi) = d.chart.window;
        format!(" {} zoom {:.0}x", g.sep.trim(), 1.0 / (hi - lo))
    } else {
        String::new()
    };
    let title = format!(
        " History {} {} {} {}{zoom} ",
        g.sep.trim(),
        if d.charted().is_empty() {
            "-".to_string()
        } else {
            escaped(&d.charted().join(", "))
        },
        g.sep.trim(),
        d.chart.x_axis.label(),
    );
    let block = panel(state, title, false);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let spec = run_detail::chart_spec(state, chart::buckets_for(inner.width));
    let truncated = d
        .charted()
        .iter()
        .filter_map(|k| d.history(k))
        .any(|h| h.truncated);
    let [chart_area, note] = Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(u16::from(truncated || d.histories.error.is_some())),
    ])
    .areas(inner);
    let empty = match load_state_line(state, &d.histories) {
        Some(_) if d.histories.is_loading() => format!("loading history{}", g.ellipsis),
        _ if d.run.data.is_none() => String::new(),
        _ => "no metric history (m: choose metrics)".to_string(),
    };
    chart::render(frame, chart_area, state, spec.as_ref(), &empty);
    let note_line = match load_state_line(state, &d.histories) {
        Some(l) => l,
        None => Line::styled(
            "history cut at 100,000 points per metric",
            theme.style(Role::Muted),
        ),
    };
    if note.height > 0 {
        frame.render_widget(Paragraph::new(note_line), note);
    }
}
