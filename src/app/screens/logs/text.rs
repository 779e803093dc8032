//! Log text as the console shows it: split into lines, made safe for a terminal, and searched.
//!
//! A log line is whatever a model server printed, so it may hold tabs, carriage returns and
//! escape sequences. Those are made harmless before anything reaches the screen: a tab becomes
//! spaces, every other control character (and bidi override) a visible escape such as `\x1b`
//! (`safe_text::line`), so no line can move the cursor, change colours, set the title or clear
//! the terminal, and you still see what the server sent. Search runs over these shown lines,
//! so what you see is what you can find (`\x1b[31m` included).

/// Lines kept per log (the newest); a server log answer is "recent lines", so this only bounds
/// a pathological answer.
pub const MAX_LINES: usize = 5_000;
/// Spaces a tab becomes.
const TAB: &str = "    ";

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

/// One line with tabs expanded and every other hazard (C0, DEL, C1, bidi) escaped.
pub fn sanitize(line: &str) -> String {
    let expanded = if line.contains('\t') {
        std::borrow::Cow::Owned(line.replace('\t', TAB))
    } else {
        std::borrow::Cow::Borrowed(line)
    };
    crate::safe_text::line(&expanded).into_owned()
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
        assert_eq!(l, vec!["a    b", r"\x1b[2Jclear\x07", "last"]);
        assert!(lines("").is_empty());
        assert_eq!(lines("\n"), vec![""]);
        assert_eq!(sanitize("caf\u{e9} \u{9b}x"), "caf\u{e9} \\u{9b}x");
        assert_eq!(sanitize("a\rb\u{202e}c"), r"a\rb\u{202e}c");
        let osc = lines("ok\x1b]0;pwned\x07 title\n");
        assert_eq!(osc, vec![r"ok\x1b]0;pwned\x07 title"]);
        assert!(
            matches(&osc[0], r"\x1b]0;PWNED"),
            "search finds the escape as shown"
        );
        assert_eq!(match_ranges(&osc[0], "pwned"), vec![(9, 14)]);
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
