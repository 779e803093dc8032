//! A `ChartSpec` drawn with ratatui's `Chart`: braille lines by default. When colour cannot
//! tell the series apart (`NO_COLOR`, a monochrome theme) or with `--ascii`, each series is drawn
//! with a marker of its own (`•` `▄` `█`, folded to `*` `o` `#` with `--ascii`) and the legend
//! shows the same marker; with `--ascii` every glyph the widget drew is folded to ASCII.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph};

use crate::app::State;
use crate::export::chart_spec::{ChartSpec, SeriesKind};
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
    let plain = ascii || theme.series_colours() < spec.series.len();
    // One dataset per run of points: a line is not drawn across a break.
    let datasets: Vec<Dataset> = spec
        .series
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.segments().map(move |run| (i, s, run)))
        .map(|(i, s, run)| {
            let graph = match s.kind {
                SeriesKind::Line => GraphType::Line,
                SeriesKind::Scatter => GraphType::Scatter,
            };
            let marker = match (s.kind, plain) {
                (_, true) => PLAIN_MARKERS[i % PLAIN_MARKERS.len()].0,
                (SeriesKind::Line, false) => Marker::Braille,
                // One braille dot is too faint for a scatter point: a whole-cell dot instead.
                (SeriesKind::Scatter, false) => Marker::Dot,
            };
            Dataset::default()
                .name(escaped(&s.name))
                .marker(marker)
                .graph_type(graph)
                .style(Style::default().fg(s.color))
                .data(run)
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
    let names: usize = spec.series.iter().map(|s| s.name.chars().count() + 2).sum();
    // Closer together before any name is cut.
    let gap = if names + 3 * spec.series.len() <= usize::from(legend.width) + 3 {
        "   "
    } else {
        " "
    };
    let mut spans = Vec::new();
    for (i, s) in spec.series.iter().enumerate() {
        let (_, unicode, folded) = PLAIN_MARKERS[i % PLAIN_MARKERS.len()];
        let mark = match (plain, ascii) {
            (false, _) => glyphs(ascii).ok,
            (true, false) => unicode,
            (true, true) => folded,
        };
        spans.push(Span::styled(
            format!("{mark} "),
            Style::default().fg(s.color),
        ));
        spans.push(Span::styled(
            format!("{}{gap}", escaped(&s.name)),
            theme.style(Role::Text),
        ));
    }
    if let Some(last) = spans.last_mut() {
        last.content = last.content.trim_end().to_string().into();
    }
    let line = super::cut::line(
        Line::from(spans),
        usize::from(legend.width),
        super::cut::mark(ascii),
    );
    frame.render_widget(Paragraph::new(line), legend);
}

/// The marker of each series when colour cannot tell them apart: the widget's marker, the glyph
/// it draws, and that glyph folded to ASCII.
const PLAIN_MARKERS: [(Marker, &str, &str); 3] = [
    (Marker::Dot, "•", "*"),
    (Marker::Bar, "▄", "o"),
    (Marker::Block, "█", "#"),
];

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
                "▄" => "o",
                "█" => "#",
                _ => "*",
            };
            cell.set_symbol(folded);
        }
    }
}
