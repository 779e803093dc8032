//! A string that must never be printed: tokens and client secrets.

use std::fmt;

/// Holds a credential. `Debug` and `Display` print `***`; the value is only reachable through
/// [`Secret::expose`], which call sites use exactly where the wire needs it.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret::new(s)
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret::new(s)
    }
}

/// Characters a token is made of: an occurrence of a secret counts only where the text around
/// it is not one of these, so a one-letter token does not star out every such letter in prose
/// ("e***pected") while a token echoed in a header (`Bearer dapi…`) or JSON is always caught.
fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | '+' | '/' | '=')
}

/// `text` with every whole occurrence of each secret replaced by `***`. The client applies it
/// to server text the moment it arrives, before any message is cut to an excerpt, so a
/// truncated message cannot keep part of a token.
pub(crate) fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        if !out.contains(secret) {
            continue;
        }
        let mut result = String::with_capacity(out.len());
        let (mut copied, mut from) = (0, 0);
        while let Some(rel) = out[from..].find(secret) {
            let at = from + rel;
            let end = at + secret.len();
            let before = out[..at].chars().next_back();
            let after = out[end..].chars().next();
            if before.is_some_and(is_token_char) || after.is_some_and(is_token_char) {
                // Part of a longer word: step past this match's first character.
                from = at + out[at..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
            result.push_str(&out[copied..at]);
            result.push_str("***");
            copied = end;
            from = end;
        }
        result.push_str(&out[copied..]);
        out = result;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_replaces_whole_tokens_only() {
        let t = "dapi0123456789abcdef012";
        assert_eq!(
            scrub(&format!("Authorization: Bearer {t}\n"), &[t]),
            "Authorization: Bearer ***\n"
        );
        assert_eq!(
            scrub(&format!("{{\"t\":\"{t}\"}}"), &[t]),
            "{\"t\":\"***\"}"
        );
        assert_eq!(scrub(&format!("{t}{t}"), &[t]), format!("{t}{t}"));
        // A one-letter token leaves words alone but still hides the token itself.
        assert_eq!(
            scrub("expected JSON; token x was refused", &["x"]),
            "expected JSON; token *** was refused"
        );
        assert_eq!(scrub("x", &["x"]), "***");
        assert_eq!(scrub("a,x,x", &["x"]), "a,***,***");
        assert_eq!(scrub("nothing here", &["", "zz"]), "nothing here");
    }

    #[test]
    fn debug_and_display_hide_the_value() {
        let s = Secret::new("dapi-very-secret");
        assert!(!format!("{s:?}").contains("very-secret"));
        assert!(!format!("{s}").contains("very-secret"));
        assert_eq!(s.expose(), "dapi-very-secret");
    }
}
