//! One experiment: ids, location, lifecycle, times and every tag.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph, Wrap};

use crate::app::State;
use crate::app::format;
use crate::theme::Role;

use super::widgets::{escaped, panel};

pub fn render(frame: &mut Frame, area: Rect, state: &State, experiment_id: &str) {
    let theme = &state.theme;
    let Some(e) = state.experiments.find(experiment_id) else {
        let block = panel(state, " Experiment ", true);
        let text = format!(
            "experiment {} is no longer in the loaded list",
            escaped(experiment_id)
        );
        frame.render_widget(
            Paragraph::new(Line::styled(text, theme.style(Role::Muted))).block(block),
            area,
        );
        return;
    };
    let field = |k: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{k:<18}"), theme.style(Role::Muted)),
            Span::styled(escaped(&v), theme.style(Role::Text)),
        ])
    };
    let now = state.now_ms;
    let when = |ms| format!("{}  ({})", format::datetime(ms), format::ago(now, ms));
    let mut lines = vec![
        field("ID", e.experiment_id.clone()),
        field("Name", e.name.clone()),
        field(
            "Artifact location",
            e.artifact_location.clone().unwrap_or_else(|| "-".into()),
        ),
        field(
            "Lifecycle",
            e.lifecycle_stage
                .as_ref()
                .map(|s| s.to_string())
                .unwrap_or_else(|| "-".into()),
        ),
        field("Created", when(e.creation_time)),
        field("Last update", when(e.last_update_time)),
        Line::default(),
        Line::styled(
            format!("Tags ({})", e.tags.len()),
            theme.style(Role::Header),
        ),
    ];
    for tag in &e.tags {
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {} = ", escaped(&tag.key)),
                theme.style(Role::Muted),
            ),
            Span::styled(escaped(&tag.value), theme.style(Role::Text)),
        ]));
    }
    let block =
        panel(state, format!(" {} ", escaped(&e.name)), true).padding(Padding::horizontal(1));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}
