//! The client's side of the MLflow run filter language (reference §3.3): telling a filter from
//! plain text, and writing `order_by` / filter clauses with safely quoted keys.
//!
//! The console does not validate filters: the server does, and its message is shown to the person
//! who typed the filter. Detection only decides where the text goes: something that starts like
//! a comparison on `metrics.`/`params.`/`tags.`/`attributes.` (or a bare run attribute) is sent to
//! the server verbatim; anything else filters the loaded rows locally.

/// Entity prefixes of the run filter language, aliases included.
const ENTITIES: [&str; 14] = [
    "metric",
    "metrics",
    "param",
    "params",
    "parameter",
    "parameters",
    "tag",
    "tags",
    "attribute",
    "attributes",
    "attr",
    "run",
    "dataset",
    "datasets",
];

/// Run attributes that may stand without a prefix.
const BARE_ATTRIBUTES: [&str; 9] = [
    "run_id",
    "run_name",
    "status",
    "user_id",
    "artifact_uri",
    "start_time",
    "end_time",
    "created",
    "Created",
];

/// The clause that keeps only top-level runs (no `mlflow.parentRunId` tag).
pub const TOP_LEVEL_ONLY: &str = "tags.mlflow.parentRunId IS NULL";

/// Whether `text` reads as an MLflow filter: it starts with an identifier on a filter entity
/// (`metrics.auc`, ``tags.`a b` ``), or with a bare run attribute followed by a comparator
/// (`status = 'FAILED'`). What follows is the server's to judge: a malformed filter still goes
/// there, and its error message comes back to the person typing.
pub fn is_filter(text: &str) -> bool {
    let s = text.trim_start();
    let Some((ident_len, had_entity)) = identifier(s) else {
        return false;
    };
    if had_entity {
        return true;
    }
    BARE_ATTRIBUTES.contains(&&s[..ident_len])
        && starts_with_comparator(s[ident_len..].trim_start())
}

/// Length of the identifier at the start of `s`, and whether it had a known entity prefix.
/// Parts may be bare (`[A-Za-z0-9_]`), or quoted with backticks or double quotes.
fn identifier(s: &str) -> Option<(usize, bool)> {
    let mut i = 0;
    let bytes = s.as_bytes();
    let mut parts: Vec<&str> = Vec::new();
    loop {
        let start = i;
        match bytes.get(i) {
            Some(&q @ (b'`' | b'"')) => {
                let close = s[i + 1..].find(q as char)?;
                i += close + 2;
            }
            _ => {
                while bytes
                    .get(i)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b >= 0x80)
                {
                    i += 1;
                }
            }
        }
        if i == start {
            return None;
        }
        parts.push(&s[start..i]);
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            continue;
        }
        break;
    }
    let had_entity = parts.len() >= 2 && ENTITIES.contains(&parts[0].to_ascii_lowercase().as_str());
    if parts.len() >= 2 && !had_entity {
        return None;
    }
    Some((i, had_entity))
}

fn starts_with_comparator(rest: &str) -> bool {
    if ["!=", ">=", "<=", "=", "<", ">"]
        .iter()
        .any(|op| rest.starts_with(op))
    {
        return true;
    }
    let word: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_uppercase();
    matches!(word.as_str(), "LIKE" | "ILIKE" | "IN" | "NOT" | "IS")
        && rest[word.len()..]
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || c == '(')
}

/// `entity.key`, quoting the key with backticks (or double quotes if it has a backtick) unless
/// it is made of `[A-Za-z0-9_.]` only.
pub fn qualified(entity: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if plain {
        format!("{entity}.{key}")
    } else if key.contains('`') {
        format!("{entity}.\"{key}\"")
    } else {
        format!("{entity}.`{key}`")
    }
}

/// A string literal in single quotes (a quote inside is doubled).
pub fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// The filter sent to the server: the user's filter untouched, joined with `AND` to the
/// top-level clause when only top-level runs are wanted.
pub fn compose(user: Option<&str>, top_level_only: bool) -> Option<String> {
    let user = user.map(str::trim).filter(|u| !u.is_empty());
    match (user, top_level_only) {
        (Some(u), true) => Some(format!("{u} AND {TOP_LEVEL_ONLY}")),
        (Some(u), false) => Some(u.to_string()),
        (None, true) => Some(TOP_LEVEL_ONLY.to_string()),
        (None, false) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_told_from_plain_text() {
        for f in [
            "metrics.auc > 0.8",
            "metrics.auc > 0.8 AND params.max_depth = '6'",
            "  params.model != 'x'",
            "tags.`user-name` = 'x'",
            "params.\"max depth\" = '6'",
            "metric.loss<=0.3",
            "attributes.status IN ('FAILED')",
            "attr.run_name LIKE '%xgb%'",
            "tags.mlflow.parentRunId IS NULL",
            "status = 'FAILED'",
            "run_name ilike '%a%'",
            "params.x NOT IN ('a')",
            "datasets.name = 'd'",
            "metrics.auc",
            "metrics.auc OR params.x = '1'",
        ] {
            assert!(is_filter(f), "{f}");
        }
        for t in [
            "",
            "churn",
            "xgb-default",
            "metrics",
            "foo.bar = 1",
            "status",
            "name = 'x'",
            "FAILED",
            "jane@acme.com",
            "tags.`unclosed = 'x'",
            "run_name isx",
        ] {
            assert!(!is_filter(t), "{t}");
        }
    }

    #[test]
    fn keys_are_quoted_when_needed() {
        assert_eq!(qualified("metrics", "val_auc"), "metrics.val_auc");
        assert_eq!(qualified("tags", "mlflow.user"), "tags.mlflow.user");
        assert_eq!(qualified("params", "max depth"), "params.`max depth`");
        assert_eq!(qualified("tags", "a`b"), "tags.\"a`b\"");
        assert_eq!(literal("it's"), "'it''s'");
    }

    #[test]
    fn the_user_filter_is_kept_verbatim() {
        let f = "tags.`user-name` = 'x'";
        assert_eq!(
            compose(Some(f), true).unwrap(),
            format!("{f} AND tags.mlflow.parentRunId IS NULL")
        );
        assert_eq!(compose(Some(f), false).unwrap(), f);
        assert_eq!(compose(Some("  "), false), None);
        assert_eq!(compose(None, true).unwrap(), TOP_LEVEL_ONLY);
    }
}
