//! Log text as the console shows it: split into lines, made safe for a terminal, and searched.
//!
//! A log line is whatever a model server printed, so it may hold tabs, carriage returns and
//! escape sequences. Those are replaced before anything reaches the screen: a tab becomes
//! spaces, every other control character a visible `�`, so no line can move the cursor, change
//! colours or clear the terminal.

/// Lines kept per log (the newest); a server log answer is "recent lines", so this only bounds
/// a pathological answer.
pub const MAX_LINES: usize = 5_000;
/// Spaces a tab becomes.
const TAB: &str = "    ";
/// What a control character becomes.
const REPLACEMENT: char = '\u{FFFD}';

/// The lines of a log answer, sanitized, at most [`MAX_LINES`] (the newest). A trailing newline
/// does not make an empty last line.
pub fn lines(raw: &str) -> Vec<String> {
    let mut out: Vec<String> = raw
        .strip_suffix('\n')
        .unwrap_or(raw)
        .split('\n')
        .map(|l| sanitize(l.strip_suffix('\r').unwrap_or(l)))
        .collect();
    if raw.is_empty() {
        out.clear();
    }
    if out.len() > MAX_LINES {
        out.drain(..out.len() - MAX_LINES);
    }
    out
}

/// One line with tabs expanded and control characters (C0, DEL, C1) replaced.
pub fn sanitize(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            '\t' => out.push_str(TAB),
            c if c.is_control() => out.push(REPLACEMENT),
            c => out.push(c),
        }
    }
    out
}

/// Character ranges `[start, end)` of every case-insensitive, non-overlapping occurrence of
/// `needle` in `line` (in characters, so highlighting never splits a multi-byte character).
pub fn match_ranges(line: &str, needle: &str) -> Vec<(usize, usize)> {
    let hay: Vec<char> = line.chars().collect();
    let pat: Vec<char> = needle.chars().collect();
    let mut out = Vec::new();
    if pat.is_empty() || pat.len() > hay.len() {
        return out;
    }
    let mut i = 0;
    while i + pat.len() <= hay.len() {
        if hay[i..i + pat.len()]
            .iter()
            .zip(&pat)
            .all(|(h, p)| same_ignoring_case(*h, *p))
        {
            out.push((i, i + pat.len()));
            i += pat.len();
        } else {
            i += 1;
        }
    }
    out
}

fn same_ignoring_case(a: char, b: char) -> bool {
    a == b || a.to_lowercase().eq(b.to_lowercase())
}

/// Whether `line` contains `needle`, ignoring case.
pub fn matches(line: &str, needle: &str) -> bool {
    !needle.is_empty() && !match_ranges(line, needle).is_empty()
}

/// Indices of the lines that contain `needle`.
pub fn matching_lines(lines: &[String], needle: &str) -> Vec<usize> {
    if needle.is_empty() {
        return Vec::new();
    }
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| matches(l, needle))
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_split_and_made_safe() {
        let raw = "a\tb\r\n\x1b[2Jclear\x07\nlast\n";
        let l = lines(raw);
        assert_eq!(l, vec!["a    b", "\u{FFFD}[2Jclear\u{FFFD}", "last"]);
        assert!(lines("").is_empty());
        assert_eq!(lines("\n"), vec![""]);
        assert_eq!(sanitize("caf\u{e9} \u{9b}x"), "caf\u{e9} \u{FFFD}x");
    }

    #[test]
    fn only_the_newest_lines_are_kept() {
        let raw: String = (0..MAX_LINES + 3).map(|i| format!("{i}\n")).collect();
        let l = lines(&raw);
        assert_eq!(l.len(), MAX_LINES);
        assert_eq!(l[0], "3");
    }

    #[test]
    fn matches_ignore_case_and_count_characters() {
        assert_eq!(match_ranges("Error: error", "ERROR"), vec![(0, 5), (7, 12)]);
        assert_eq!(match_ranges("é ÉÉ", "é"), vec![(0, 1), (2, 3), (3, 4)]);
        assert_eq!(match_ranges("aaaa", "aa"), vec![(0, 2), (2, 4)]);
        assert!(match_ranges("abc", "").is_empty());
        assert!(match_ranges("ab", "abc").is_empty());
        let ls: Vec<String> = ["x", "warn y", "z WARN"].map(String::from).to_vec();
        assert_eq!(matching_lines(&ls, "warn"), vec![1, 2]);
        assert!(matching_lines(&ls, "").is_empty());
    }
}
