//! Cutting text to a width in terminal cells, always marking the cut: a shortened name must
//! look shortened (`priya.natarajan@…`), never like a different, complete value.

use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The mark ending a cut value: `…`, or `~` with `--ascii` (one cell, so it fits anywhere a
/// character does).
pub fn mark(ascii: bool) -> &'static str {
    super::glyphs::glyphs(ascii).cut
}

/// `text` in at most `width` cells; when it does not fit, as much as fits before `mark`.
pub fn text(text: &str, width: usize, mark: &str) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let room = width.saturating_sub(mark.width());
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    if mark.width() <= width {
        out.push_str(mark);
    }
    out
}

/// `text` in at most `width` cells, cut only between space-separated words, so that no word
/// (an alias, a version) is shown in part: `@champion=4 …`.
pub fn words(text: &str, width: usize, mark: &str) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let room = width.saturating_sub(mark.width());
    let mut out = String::new();
    for word in text.split(' ') {
        let sep = usize::from(!out.is_empty());
        if out.width() + sep + word.width() + 1 > room {
            break;
        }
        if sep == 1 {
            out.push(' ');
        }
        out.push_str(word);
    }
    if !out.is_empty() {
        out.push(' ');
    }
    if mark.width() <= width {
        out.push_str(mark);
    }
    out
}

/// `line` in at most `width` cells, its spans and styles kept; the mark takes the style of the
/// span it ends.
pub fn line(line: Line<'static>, width: usize, mark: &str) -> Line<'static> {
    if line.width() <= width {
        return line;
    }
    let room = width.saturating_sub(mark.width());
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    let mut last_style = line.style;
    for span in line.spans {
        last_style = line.style.patch(span.style);
        let w = span.content.width();
        if used + w <= room {
            used += w;
            spans.push(span);
            continue;
        }
        let kept = text(&span.content, room - used, "");
        if !kept.is_empty() {
            spans.push(Span::styled(kept, span.style));
        }
        break;
    }
    if mark.width() <= width {
        spans.push(Span::styled(mark.to_string(), last_style));
    }
    Line::from(spans)
        .style(line.style)
        .alignment(line.alignment.unwrap_or_default())
}

/// Every line of `lines` cut to `width`.
pub fn lines(lines: Vec<Line<'static>>, width: u16, mark: &str) -> Vec<Line<'static>> {
    lines
        .into_iter()
        .map(|l| line(l, usize::from(width), mark))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Style};

    #[test]
    fn text_marks_every_cut() {
        assert_eq!(
            text("priya.natarajan@acme.com", 18, "…"),
            "priya.natarajan@a…"
        );
        assert_eq!(text("short", 18, "…"), "short");
        assert_eq!(text("abcdef", 1, "~"), "~");
        assert_eq!(text("abcdef", 0, "~"), "");
    }

    #[test]
    fn words_are_never_shown_in_part() {
        let aliases = "@champion=4 @challenger=5 @shadow=6";
        assert_eq!(words(aliases, 20, "…"), "@champion=4 …");
        assert_eq!(words(aliases, 40, "…"), aliases);
        assert_eq!(words(aliases, 5, "~"), "~");
    }

    #[test]
    fn text_counts_cells_not_chars() {
        // Wide characters take two cells; the cut never splits one.
        assert_eq!(text("日本語テキスト", 6, "…"), "日本…");
        assert_eq!(text("日本語", 6, "…"), "日本語");
    }

    #[test]
    fn line_keeps_styles_and_marks_in_the_last_style() {
        let red = Style::default().fg(Color::Red);
        let l = Line::from(vec![Span::raw("abc "), Span::styled("defgh", red)]);
        let cut = line(l, 6, "~");
        assert_eq!(cut.to_string(), "abc d~");
        assert_eq!(cut.spans.last().unwrap().style, red);
        let whole = line(Line::from("abc"), 6, "~");
        assert_eq!(whole.to_string(), "abc");
    }
}
