//! Text from the server is data, never terminal control. A name, comment, tag, log line or error
//! message can carry ESC sequences (OSC 0 sets the window title, OSC 52 writes the clipboard, CSI
//! moves the cursor and clears the screen), 8-bit C1 controls, or bidi overrides that make text
//! read in another order than it is stored. Everything the server said goes through here before a
//! terminal sees it, and comes out with those characters as visible escapes (`\x1b`, `\u{9b}`),
//! the way `git` quotes odd path characters. Plain text is borrowed unchanged.
//!
//! Shared by the headless printers and the TUI views, so it depends on neither.

use std::borrow::Cow;
use std::fmt::Write as _;

/// True for a character a terminal acts on or that reorders the text around it: C0 controls,
/// DEL, C1 controls (U+0080–U+009F, 8-bit CSI and OSC among them), and the bidi embeddings,
/// overrides and isolates (U+202A–U+202E, U+2066–U+2069).
pub fn is_hazard(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// One line (a table cell, a title, a status line): every hazard escaped, newlines and tabs too,
/// since a line break inside a cell would forge rows of its own.
pub fn line(text: &str) -> Cow<'_, str> {
    escape(text, |_| false)
}

/// Several lines (logs, messages): line breaks and tabs stay, every other hazard is escaped. A
/// tab only moves the cursor forward to the next stop; it cannot erase or overwrite.
pub fn lines(text: &str) -> Cow<'_, str> {
    escape(text, |c| c == '\n' || c == '\t')
}

/// JSON text as serde_json writes it, with the hazards it leaves raw (DEL, C1, bidi) written as
/// `\uXXXX`. serde_json escapes C0 inside strings already, so outside the line breaks of pretty
/// printing every hazard left is inside a string: the document decodes to the same value.
pub fn json(text: &str) -> Cow<'_, str> {
    if json_is_plain(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if c != '\n' && is_hazard(c) {
            // Every hazard is in the basic plane: four hex digits are enough.
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// True when `text` holds no hazard but line breaks, judged from its bytes (fast over megabytes
/// of JSON): every other hazard is a C0 byte, DEL, a C1 control (0xC2 0x80–0x9F) or a bidi
/// control (0xE2 0x80 0xAA–0xAE, 0xE2 0x81 0xA6–0xA9). Blocks are first folded without
/// branches, which the compiler turns into vector code; only a block with a suspect byte (a
/// `·` or `—` in a name will do) is looked at closely.
fn json_is_plain(text: &str) -> bool {
    const BLOCK: usize = 64;
    let bytes = text.as_bytes();
    bytes.chunks(BLOCK).enumerate().all(|(n, block)| {
        let suspect = block.iter().fold(false, |s, &b| {
            s | ((b < 0x20) & (b != b'\n')) | (b == 0x7f) | (b == 0xc2) | (b == 0xe2)
        });
        !suspect || (n * BLOCK..n * BLOCK + block.len()).all(|i| byte_is_plain(bytes, i))
    })
}

/// False when a hazard starts at `bytes[i]`.
fn byte_is_plain(bytes: &[u8], i: usize) -> bool {
    let next = |k: usize| bytes.get(i + k).copied();
    match bytes[i] {
        b if b < 0x20 => b == b'\n',
        0x7f => false,
        0xc2 => !matches!(next(1), Some(0x80..=0x9f)),
        0xe2 => !matches!(
            (next(1), next(2)),
            (Some(0x80), Some(0xaa..=0xae)) | (Some(0x81), Some(0xa6..=0xa9))
        ),
        _ => true,
    }
}

/// Shown for a number the server sent that is no number: NaN or an infinity.
pub const NOT_A_NUMBER: &str = "n/a";

/// `show(v)` for a finite `v`, [`NOT_A_NUMBER`] otherwise: a server can send NaN and ±inf where
/// a rate or latency belongs, and "NaN%" or "-inf ms" on screen reads like a real reading.
pub fn number(v: f64, show: impl FnOnce(f64) -> String) -> String {
    if v.is_finite() {
        show(v)
    } else {
        NOT_A_NUMBER.to_string()
    }
}

/// A ratio as a percentage with `decimals` places (`0.0123` → `1.23%`), or [`NOT_A_NUMBER`].
pub fn percent(ratio: f64, decimals: usize) -> String {
    number(ratio, |r| format!("{:.decimals$}%", r * 100.0))
}

fn escape(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_hazard(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if !is_hazard(c) || keep(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_that_are_not_numbers_show_as_n_a() {
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(percent(v, 2), "n/a");
            assert_eq!(number(v, |x| format!("{x:.0} ms")), "n/a");
        }
        assert_eq!(percent(0.0123, 2), "1.23%");
        assert_eq!(number(12.4, |x| format!("{x:.0} ms")), "12 ms");
    }

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        for s in [
            "",
            "main.ml.churn_model",
            "AUC +1.2 → Production",
            "naïve 模型 ✓",
        ] {
            assert!(matches!(line(s), Cow::Borrowed(b) if b == s));
            assert!(matches!(json(s), Cow::Borrowed(b) if b == s));
        }
    }

    #[test]
    fn escape_sequences_become_visible() {
        assert_eq!(
            line("a\x1b]0;pwned\x07b\x1b[2J"),
            r"a\x1b]0;pwned\x07b\x1b[2J"
        );
        assert_eq!(line("\u{9b}31m\u{9d}x"), r"\u{9b}31m\u{9d}x");
        assert_eq!(line("del\x7f"), r"del\x7f");
        assert_eq!(line("\u{202e}evil\u{2066}"), r"\u{202e}evil\u{2066}");
    }

    #[test]
    fn a_line_escapes_breaks_and_lines_keep_them() {
        assert_eq!(line("a\nb\tc\rd"), r"a\nb\tc\rd");
        assert_eq!(lines("a\nb\tc\rd\x1b"), "a\nb\tc\\rd\\x1b");
    }

    #[test]
    fn json_stays_valid_and_decodes_to_the_same_value() {
        let value = "x\u{9b}2J\u{202e}y\x7f\x1b";
        let raw = serde_json::to_string_pretty(&vec![value]).unwrap();
        let safe = json(&raw);
        assert!(!safe.chars().any(|c| c != '\n' && is_hazard(c)), "{safe}");
        let back: Vec<String> = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, vec![value.to_string()]);
    }

    #[test]
    fn the_byte_scan_finds_exactly_the_hazards_anywhere_in_a_block() {
        let chars = (0u32..0x3000)
            .chain(0xfff0..0x10010)
            .filter_map(char::from_u32);
        for c in chars {
            let hazard = c != '\n' && is_hazard(c);
            // At the start, in the middle and across the end of a 64-byte block.
            for pad in [0, 30, 62, 63] {
                let text = format!("{}{c}b", "a".repeat(pad));
                assert_eq!(json_is_plain(&text), !hazard, "{:x} after {pad}", c as u32);
            }
        }
        let clean = format!("{}· — 模型\n", "x".repeat(500));
        assert!(matches!(json(&clean), Cow::Borrowed(_)));
    }
}
