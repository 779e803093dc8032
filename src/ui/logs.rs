//! Logs of one served entity: a header (which log, line count, age, follow, matches), the lines
//! (cursor line highlighted, search matches in the match role, long lines scrolled sideways
//! with `←`/`→` and marked with the cut mark on each side they are cut), and the `/` line while
//! a search is typed or kept.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthChar;

use crate::app::State;
use crate::app::format;
use crate::app::screens::logs::{LogKind, match_position, text};
use crate::theme::{Role, Theme};

use super::experiments::filter_line;
use super::glyphs::glyphs;
use super::widgets::{escaped, load_state_line, panel};

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let l = &state.logs;
    let block = panel(
        state,
        format!(" {} / {} ", escaped(&l.name), escaped(&l.entity)),
        true,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let search = l.search.filtering || l.search.has_filter();
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(u16::from(search)),
    ])
    .areas(inner);
    header(frame, head, state);
    lines(frame, body, state);
    if search {
        filter_line(frame, foot, state, &l.search);
    }
}

fn header(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let l = &state.logs;
    let pane = l.pane();
    let mut spans = Vec::new();
    for kind in [LogKind::Server, LogKind::Build] {
        let role = if kind == l.kind {
            Role::Title
        } else {
            Role::Muted
        };
        let label = if kind == l.kind {
            format!("[{}]", kind.label())
        } else {
            format!(" {} ", kind.label())
        };
        spans.push(Span::styled(label, theme.style(role)));
        spans.push(Span::raw(" "));
    }
    if pane.lines.data.is_some() {
        spans.push(Span::styled(
            format!(
                " {} lines · {}",
                pane.len(),
                format::ago(state.now_ms, pane.lines.loaded_at)
            ),
            theme.style(Role::Muted),
        ));
    }
    if l.follow {
        spans.push(Span::styled(" · following", theme.style(Role::Ok)));
    }
    if l.hscroll > 0 {
        spans.push(Span::styled(
            format!(" · from column {}", l.hscroll + 1),
            theme.style(Role::Text),
        ));
    }
    if l.search.has_filter() {
        let (at, count) = match_position(l);
        let text = match (at, count) {
            (_, 0) => " · no match".to_string(),
            (Some(i), n) => format!(" · match {i}/{n}"),
            (None, 1) => " · 1 matching line".to_string(),
            (None, n) => format!(" · {n} matching lines"),
        };
        let role = if count == 0 { Role::Warn } else { Role::Text };
        spans.push(Span::styled(text, theme.style(role)));
    }
    if let Some(line) = load_state_line(state, &pane.lines) {
        spans.push(Span::raw("  "));
        spans.extend(line.spans);
    }
    let line = super::cut::line(
        Line::from(spans),
        usize::from(area.width),
        super::cut::mark(state.session.ascii),
    );
    frame.render_widget(Paragraph::new(line), area);
}

fn lines(frame: &mut Frame, area: Rect, state: &State) {
    if area.is_empty() {
        return;
    }
    let theme = &state.theme;
    let l = &state.logs;
    let pane = l.pane();
    let all = l.lines();
    if all.is_empty() {
        if pane.lines.data.is_some() {
            let empty = format!("no {} yet", l.kind.label());
            frame.render_widget(
                Paragraph::new(Line::styled(empty, theme.style(Role::Muted))),
                area,
            );
        }
        return;
    }
    let height = usize::from(area.height);
    let start = first_shown(pane.view.offset, pane.view.selected, all.len(), height);
    let needle = l.search.filter_text();
    let mark = glyphs(state.session.ascii).cut;
    let width = usize::from(area.width);
    let shown: Vec<Line> = all
        .iter()
        .enumerate()
        .skip(start)
        .take(height)
        .map(|(i, line)| {
            let base = if i == pane.view.selected {
                theme.style(Role::Selected)
            } else {
                theme.style(Role::Text)
            };
            let ranges = text::match_ranges(line, needle);
            styled_line(line, &ranges, base, theme, width, mark, l.hscroll)
        })
        .collect();
    frame.render_widget(Paragraph::new(shown), area);
}

/// The first line shown: the scroll hint, moved just enough to keep the cursor visible and
/// never leaving empty rows below the last line.
fn first_shown(offset: usize, selected: usize, len: usize, height: usize) -> usize {
    let height = height.max(1);
    let mut start = offset;
    if selected < start {
        start = selected;
    } else if selected >= start + height {
        start = selected + 1 - height;
    }
    start.min(len.saturating_sub(height))
}

/// One log line in `width` cells from character `skip` on: matches (character ranges)
/// highlighted, the cut `mark` first when characters are scrolled off to the left and last when
/// the line goes on past the right edge. The line was sanitized on arrival (control characters
/// as visible escapes), so it holds no control characters and the match ranges count the
/// characters shown.
fn styled_line(
    line: &str,
    ranges: &[(usize, usize)],
    base: Style,
    theme: &Theme,
    width: usize,
    mark: &str,
    skip: usize,
) -> Line<'static> {
    let mark_width = mark.chars().count();
    let left_cut = skip > 0 && line.chars().count() > 0;
    let rest: usize = line
        .chars()
        .skip(skip)
        .map(|c| c.width().unwrap_or(0))
        .sum();
    let room = width.saturating_sub(if left_cut { mark_width } else { 0 });
    let right_cut = rest > room;
    let budget = if right_cut {
        room.saturating_sub(mark_width)
    } else {
        room
    };
    let highlight = base.patch(theme.style(Role::MatchHighlight));
    let mut spans: Vec<Span<'static>> = Vec::new();
    if left_cut && width > 0 {
        spans.push(Span::styled(mark.to_string(), theme.style(Role::Muted)));
    }
    let mut run = String::new();
    let mut run_hit = false;
    let mut used = 0;
    for (i, c) in line.chars().enumerate().skip(skip) {
        let w = c.width().unwrap_or(0);
        if used + w > budget {
            break;
        }
        used += w;
        let hit = ranges.iter().any(|&(s, e)| i >= s && i < e);
        if hit != run_hit && !run.is_empty() {
            let style = if run_hit { highlight } else { base };
            spans.push(Span::styled(std::mem::take(&mut run), style));
        }
        run_hit = hit;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, if run_hit { highlight } else { base }));
    }
    if right_cut && width > mark_width * usize::from(left_cut) {
        spans.push(Span::styled(mark.to_string(), theme.style(Role::Muted)));
    }
    Line::from(spans).style(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_stays_visible_and_the_bottom_is_filled() {
        assert_eq!(first_shown(0, 0, 100, 10), 0);
        assert_eq!(first_shown(0, 50, 100, 10), 41);
        assert_eq!(first_shown(60, 50, 100, 10), 50);
        assert_eq!(first_shown(95, 99, 100, 10), 90);
        assert_eq!(first_shown(0, 0, 3, 10), 0);
    }

    #[test]
    fn long_lines_are_cut_with_an_ellipsis_and_matches_split_spans() {
        let theme = Theme::dark();
        let base = Style::default();
        let line = styled_line("abcdefghij", &[(2, 4)], base, &theme, 6, "…", 0);
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "abcde…");
        assert_eq!(line.spans[1].content, "cd");
        assert_eq!(
            line.spans[1].style,
            base.patch(theme.style(Role::MatchHighlight))
        );
        let short = styled_line("abc", &[], base, &theme, 6, "…", 0);
        assert_eq!(short.spans.len(), 1);
        // Wide characters count two cells.
        let wide = styled_line("日本語です", &[], base, &theme, 5, "…", 0);
        let text: String = wide.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "日本…");
        assert!(
            styled_line("abc", &[], base, &theme, 0, "…", 0)
                .spans
                .is_empty()
        );
    }

    #[test]
    fn a_line_scrolled_sideways_is_marked_on_both_cut_sides() {
        let theme = Theme::dark();
        let base = Style::default();
        let text = |l: Line| {
            l.spans
                .iter()
                .map(|s| s.content.to_string())
                .collect::<String>()
        };
        let line = "0123456789abcdefghij";
        assert_eq!(
            text(styled_line(line, &[], base, &theme, 8, "~", 5)),
            "~56789a~"
        );
        // Scrolled to the end: cut on the left only.
        assert_eq!(
            text(styled_line(line, &[], base, &theme, 8, "~", 14)),
            "~efghij"
        );
        // Match ranges keep counting from the start of the line.
        let hit = styled_line(line, &[(6, 8)], base, &theme, 8, "~", 5);
        assert_eq!(hit.spans[2].content, "67");
    }
}
