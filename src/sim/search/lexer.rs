//! Character-level scanning shared by the filter and order-by parsers.
//!
//! MLflow parses these strings with `sqlparse`; a small hand-written scanner reproduces what
//! matters: bare identifiers with dots (`tags.mlflow.parentRunId`), quoted identifier parts
//! (`metrics."f1 score"`, ``tags.`user-name` ``), single- or double-quoted string values,
//! numbers, parenthesised lists, and case-insensitive keywords.

/// A cursor over a filter string (byte offsets, always on char boundaries).
pub(crate) struct Scanner<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Scanner<'a> {
    pub fn new(src: &'a str) -> Self {
        Scanner { src, pos: 0 }
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn src(&self) -> &'a str {
        self.src
    }

    pub fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.src.len()
    }

    pub fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    pub fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    pub fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    /// The next bare word (`[A-Za-z0-9_.]+`) without consuming it.
    pub fn peek_word(&self) -> &'a str {
        let rest = self.rest();
        let end = rest
            .char_indices()
            .find(|&(_, c)| !is_bare(c))
            .map_or(rest.len(), |(i, _)| i);
        &rest[..end]
    }

    /// Consumes `kw` if the next bare word is exactly it (case-insensitive).
    pub fn eat_keyword(&mut self, kw: &str) -> bool {
        let w = self.peek_word();
        if !w.is_empty() && w.eq_ignore_ascii_case(kw) {
            self.pos += w.len();
            true
        } else {
            false
        }
    }

    /// The next whitespace-delimited chunk, for error messages.
    pub fn next_chunk(&self) -> &'a str {
        let rest = self.rest().trim_start();
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        &rest[..end]
    }

    /// Reads a quoted run starting at the current `q`, returning its unescaped content. Inside,
    /// a doubled delimiter (`''`, `""`, ``` `` ```) or a backslash-escaped one stands for the
    /// delimiter itself (SQL style).
    pub fn read_quoted(&mut self, q: char) -> Result<String, String> {
        let start = self.pos;
        self.bump();
        let mut out = String::new();
        loop {
            match self.bump() {
                None => {
                    return Err(format!(
                        "Error on parsing filter: unterminated quote in {}",
                        &self.src[start..]
                    ));
                }
                Some('\\') if self.peek() == Some(q) => {
                    self.bump();
                    out.push(q);
                }
                Some(c) if c == q => {
                    if self.peek() == Some(q) {
                        self.bump();
                        out.push(q);
                    } else {
                        return Ok(out);
                    }
                }
                Some(c) => out.push(c),
            }
        }
    }

    /// Reads an identifier as raw text: bare characters, dots and quoted parts, e.g.
    /// ``tags.`my tag` `` or `metrics."f1 score"`. `None` when no identifier starts here.
    pub fn read_identifier(&mut self) -> Result<Option<&'a str>, String> {
        let start = self.pos;
        loop {
            match self.peek() {
                Some(c) if is_bare(c) => {
                    self.bump();
                }
                Some(q @ ('"' | '`')) => {
                    self.read_quoted(q)?;
                }
                _ => break,
            }
        }
        Ok((self.pos > start).then(|| &self.src[start..self.pos]))
    }
}

/// Characters of an unquoted identifier or keyword.
pub(crate) fn is_bare(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

/// Splits a raw identifier at its first dot outside quotes: `tags."a.b"` → (`tags`, `"a.b"`).
/// Without a dot the whole text is the key and there is no entity part.
pub(crate) fn split_identifier(raw: &str) -> (Option<&str>, &str) {
    let mut quote: Option<char> = None;
    for (i, c) in raw.char_indices() {
        match (quote, c) {
            (None, '"' | '`' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '.') => return (Some(&raw[..i]), &raw[i + 1..]),
            _ => {}
        }
    }
    (None, raw)
}

/// Removes one level of quoting (`"`, `'` or backticks) when the whole text is quoted,
/// collapsing doubled delimiters inside; otherwise returns the text unchanged.
pub(crate) fn unquote(raw: &str) -> String {
    for q in ['"', '`', '\''] {
        if raw.len() >= 2 && raw.starts_with(q) && raw.ends_with(q) {
            let mut sc = Scanner::new(raw);
            if let Ok(inner) = sc.read_quoted(q)
                && sc.at_end()
            {
                return inner;
            }
        }
    }
    raw.to_string()
}

/// SQL `LIKE`: `%` matches any run of characters, `_` exactly one; the whole text must match.
/// `ILIKE` is the same after case folding.
pub(crate) fn like(text: &str, pattern: &str, case_insensitive: bool) -> bool {
    let (t, p): (Vec<char>, Vec<char>) = if case_insensitive {
        (
            text.to_lowercase().chars().collect(),
            pattern.to_lowercase().chars().collect(),
        )
    } else {
        (text.chars().collect(), pattern.chars().collect())
    };
    // Greedy two-pointer match with backtracking to the last `%` (linear for typical patterns).
    let (mut ti, mut pi) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '_' || (p[pi] != '%' && p[pi] == t[ti])) {
            ti += 1;
            pi += 1;
        } else if pi < p.len() && p[pi] == '%' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '%')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_keep_quoted_parts_together() {
        let mut sc = Scanner::new("tags.`my tag` = 'x'");
        assert_eq!(sc.read_identifier().unwrap(), Some("tags.`my tag`"));
        let mut sc = Scanner::new("metrics.\"f1 \"\"x\"\" score\">1");
        assert_eq!(
            sc.read_identifier().unwrap(),
            Some("metrics.\"f1 \"\"x\"\" score\"")
        );
        assert_eq!(sc.peek(), Some('>'));
    }

    #[test]
    fn split_and_unquote() {
        assert_eq!(
            split_identifier("tags.mlflow.parentRunId"),
            (Some("tags"), "mlflow.parentRunId")
        );
        assert_eq!(
            split_identifier("`tags`.\"a.b\""),
            (Some("`tags`"), "\"a.b\"")
        );
        assert_eq!(split_identifier("\"run name\""), (None, "\"run name\""));
        assert_eq!(unquote("\"a\"\"b\""), "a\"b");
        assert_eq!(unquote("`a``b`"), "a`b");
        assert_eq!(unquote("plain"), "plain");
        assert_eq!(unquote("\"half"), "\"half");
    }

    #[test]
    fn like_patterns() {
        assert!(like("churn_model", "churn%", false));
        assert!(like("churn_model", "%model", false));
        assert!(like("churn_model", "c_urn%", false));
        assert!(!like("churn_model", "Churn%", false));
        assert!(like("churn_model", "Churn%", true));
        assert!(like("abc", "%%", false));
        assert!(!like("abc", "ab", false));
        assert!(like("a%b", "a%b", false));
        assert!(like("mississippi", "%sip%", false));
        assert!(!like("", "_", false));
    }
}
