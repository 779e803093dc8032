//! A `ChartSpec` drawn with ratatui's `Chart`: braille lines by default; with `--ascii` one dot
//! per cell, then every glyph the widget drew (dots, axes, legend box) folded to ASCII.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph};

use crate::app::State;
use crate::app::chart::{ChartSpec, SeriesKind};
use crate::theme::Role;

use super::glyphs::glyphs;
use super::widgets::escaped;

/// Horizontal resolution to downsample to for a chart `width` cells wide (braille has two dot
/// columns per cell).
pub fn buckets_for(width: u16) -> usize {
    usize::from(width).max(1) * 2
}

/// Draws `spec` in `area`; `None` shows `empty` instead.
pub fn render(frame: &mut Frame, area: Rect, state: &State, spec: Option<&ChartSpec>, empty: &str) {
    if area.is_empty() {
        return;
    }
    let theme = &state.theme;
    // NaN and infinite points skipped, bounds finite: a server's NaN never reaches the widget.
    let spec = spec.map(ChartSpec::drawable);
    let Some(spec) = spec.as_ref().filter(|s| !s.is_empty()) else {
        frame.render_widget(
            Paragraph::new(Line::styled(empty.to_string(), theme.style(Role::Muted))),
            area,
        );
        return;
    };
    let ascii = state.session.ascii;
    let datasets: Vec<Dataset> = spec
        .series
        .iter()
        .map(|s| {
            let (graph, marker) = match (s.kind, ascii) {
                (_, true) => (GraphType::Scatter, Marker::Dot),
                (SeriesKind::Line, false) => (GraphType::Line, Marker::Braille),
                // One braille dot is too faint for a scatter point: a whole-cell dot instead.
                (SeriesKind::Scatter, false) => (GraphType::Scatter, Marker::Dot),
            };
            Dataset::default()
                .name(escaped(&s.name))
                .marker(marker)
                .graph_type(graph)
                .style(Style::default().fg(s.color))
                .data(&s.points)
        })
        .collect();
    let label = |t: &String| Span::styled(escaped(t), theme.style(Role::Muted));
    let axis_style = theme.style(Role::Border);
    let x = Axis::default()
        .title(Span::styled(
            escaped(&spec.x_title),
            theme.style(Role::Muted),
        ))
        .style(axis_style)
        .bounds(spec.x_bounds)
        .labels(spec.x_labels.iter().map(label).collect::<Vec<_>>());
    let y = Axis::default()
        .title(Span::styled(
            escaped(&spec.y_title),
            theme.style(Role::Muted),
        ))
        .style(axis_style)
        .bounds(spec.y_bounds)
        .labels(spec.y_labels.iter().map(label).collect::<Vec<_>>());
    // The legend is a line of its own below the plot: ratatui's legend box is drawn over the
    // lines without clearing them.
    let [plot, legend] = Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(u16::from(area.height > 4)),
    ])
    .areas(area);
    let chart = Chart::new(datasets)
        .x_axis(x)
        .y_axis(y)
        .legend_position(None);
    frame.render_widget(chart, plot);
    if ascii {
        fold_to_ascii(frame, plot);
    }
    let mark = glyphs(ascii).ok;
    let mut spans = Vec::new();
    for s in &spec.series {
        spans.push(Span::styled(
            format!("{mark} "),
            Style::default().fg(s.color),
        ));
        spans.push(Span::styled(
            format!("{}   ", escaped(&s.name)),
            theme.style(Role::Text),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), legend);
}

/// Replaces every non-ASCII glyph in `area` by its nearest ASCII look-alike.
fn fold_to_ascii(frame: &mut Frame, area: Rect) {
    let buf = frame.buffer_mut();
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let Some(cell) = buf.cell_mut((x, y)) else {
                continue;
            };
            if cell.symbol().is_ascii() {
                continue;
            }
            let folded = match cell.symbol() {
                "│" | "┃" | "║" => "|",
                "─" | "━" | "═" => "-",
                "└" | "┌" | "┐" | "┘" | "├" | "┤" | "┬" | "┴" | "┼" | "╭" | "╮" | "╯" | "╰" => {
                    "+"
                }
                _ => "*",
            };
            cell.set_symbol(folded);
        }
    }
}
