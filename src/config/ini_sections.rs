//! INI text to sections, read the way Python's `configparser` (and so the Databricks SDK) reads
//! `.databrickscfg`: keys lower-cased, values verbatim (no unquoting or escapes), comment lines
//! starting with `#` or `;`, and duplicate sections or keys rejected rather than merged.

use std::collections::HashSet;

use ini::{Ini, ParseOption};

/// A section name and its `(key, value)` pairs in file order.
pub(crate) type Section = (String, Vec<(String, String)>);

/// What is wrong with the text, and where when known. Never contains a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IniError {
    pub line: Option<usize>,
    pub message: String,
}

impl IniError {
    fn at(line: Option<usize>, message: impl Into<String>) -> IniError {
        IniError {
            line,
            message: message.into(),
        }
    }
}

/// Sections in file order.
pub(crate) fn parse_sections(text: &str) -> Result<Vec<Section>, IniError> {
    let cleaned = precheck(text)?;
    let opts = ParseOption {
        enabled_quote: false,
        enabled_escape: false,
        enabled_indented_mutiline_value: false,
        enabled_preserve_key_leading_whitespace: false,
    };
    let ini = Ini::load_from_str_opt(&cleaned, opts)
        .map_err(|e| IniError::at(Some(e.line), e.msg.to_string()))?;

    let mut seen = HashSet::new();
    let mut sections = Vec::new();
    for (name, props) in ini.iter() {
        // `None` is rust-ini's always-present general section; precheck keeps it empty.
        let Some(name) = name else { continue };
        if !seen.insert(name.to_string()) {
            return Err(IniError::at(
                None,
                format!("section [{name}] appears twice"),
            ));
        }
        let mut keys = HashSet::new();
        let mut pairs = Vec::new();
        for (key, value) in props.iter() {
            let key = key.to_ascii_lowercase();
            if !keys.insert(key.clone()) {
                let msg = format!("key '{key}' appears twice in [{name}]");
                return Err(IniError::at(None, msg));
            }
            pairs.push((key, value.trim().to_string()));
        }
        sections.push((name.to_string(), pairs));
    }
    Ok(sections)
}

/// Rejects what `configparser` rejects but rust-ini would silently misread (entries before any
/// section, lines that are neither `[section]` nor `key = value`, unclosed headers), and blanks
/// out comment lines, including indented ones that rust-ini would take for inline comments.
/// Line numbers are preserved so rust-ini's own errors still point at the right line.
fn precheck(text: &str) -> Result<String, IniError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = String::with_capacity(text.len());
    let mut in_section = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        let err = |msg: &str| Err(IniError::at(Some(i + 1), msg));
        if t.starts_with('#') || t.starts_with(';') {
            out.push('\n');
            continue;
        }
        if t.starts_with('[') {
            if !t.ends_with(']') {
                return err("section header must end with ']'");
            }
            in_section = true;
        } else if !t.is_empty() {
            if !t.contains(['=', ':']) {
                return err("expected `key = value` or `[section]`");
            }
            if !in_section {
                return err("entry before the first [section] header");
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_of(text: &str) -> Option<usize> {
        parse_sections(text).unwrap_err().line
    }

    #[test]
    fn reads_sections_keys_and_verbatim_values() {
        let text = "\u{feff}# c\n[A]\n  ; indented comment\nHost = x\ntoken = a\\b \"q\" ; not a comment\n[b]\n";
        let sections = parse_sections(text).unwrap();
        assert_eq!(sections.len(), 2);
        let (name, pairs) = &sections[0];
        assert_eq!(name, "A");
        assert_eq!(pairs[0], ("host".to_string(), "x".to_string()));
        assert_eq!(pairs[1].1, "a\\b \"q\" ; not a comment");
        assert_eq!(sections[1], ("b".to_string(), vec![]));
    }

    #[test]
    fn broken_text_reports_line() {
        assert_eq!(line_of("[DEFAULT]\nhost = h\n[prod\ntoken = x\n"), Some(3));
        assert_eq!(line_of("[a]\nhost = h\njust words\n"), Some(3));
        assert_eq!(line_of("host = h\n[a]\n"), Some(1));
    }

    #[test]
    fn duplicates_are_errors_without_values() {
        let err = parse_sections("[a]\ntoken = s3cr3t\nTOKEN = other\n").unwrap_err();
        assert!(err.message.contains("'token'"), "{err:?}");
        assert!(!err.message.contains("s3cr3t"), "{err:?}");
        assert!(parse_sections("[a]\nhost=h\n[a]\nhost=i\n").is_err());
    }
}
