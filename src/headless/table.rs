//! Plain column-aligned tables for human output of headless commands.

use std::borrow::Cow;

use unicode_width::UnicodeWidthStr;

use crate::safe_text;

/// Renders rows under a header, columns padded to the widest cell; the last column is not padded.
/// Cells hold server text: control characters (line breaks too) are shown escaped, so a cell
/// can neither forge rows nor reach the terminal as control.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<Cow<'_, str>>> = rows
        .iter()
        .map(|row| row.iter().map(|c| safe_text::line(c)).collect())
        .collect();
    let cols = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in &rows {
        for (i, cell) in row.iter().enumerate().take(cols) {
            widths[i] = widths[i].max(cell.width());
        }
    }
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, cell) in cells.iter().enumerate() {
            s.push_str(cell);
            if i + 1 < cells.len() {
                s.push_str(&" ".repeat(widths[i] - cell.width() + 2));
            }
        }
        out.push_str(s.trim_end());
        out.push('\n');
    };
    line(header.to_vec());
    for row in &rows {
        line(row.iter().map(|c| c.as_ref()).collect());
    }
    out
}

/// Epoch milliseconds as `YYYY-MM-DD HH:MM` UTC, or `-`.
pub fn timestamp(ms: Option<i64>) -> String {
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "-".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align() {
        let out = render(
            &["A", "BB"],
            &[vec!["xxx".into(), "y".into()], vec!["z".into(), "".into()]],
        );
        assert_eq!(out, "A    BB\nxxx  y\nz\n");
    }

    #[test]
    fn timestamps_are_utc() {
        assert_eq!(timestamp(Some(0)), "1970-01-01 00:00");
        assert_eq!(timestamp(None), "-");
    }
}
