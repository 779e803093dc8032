//! A feature table's tags (Unity Catalog entity tag assignments), read apart from its
//! properties. A caller without the right to read them, or a workspace that does not offer the
//! API, gets "not readable (why)" — never a failed detail.

use serde::Serialize;

use crate::api::{ApiError, Client, ErrorKind};

/// One tag; a tag may have no value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tag {
    pub key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// The table's tags, or why they could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum TableTags {
    /// Read; `truncated` when more pages were left unread.
    Read { tags: Vec<Tag>, truncated: bool },
    /// `why` in a few words; `error` as the workspace said it.
    NotReadable { why: String, error: String },
}

impl TableTags {
    /// `team=growth, pii` — or `none`, or `not readable (why)`.
    pub fn text(&self) -> String {
        match self {
            TableTags::Read { tags, .. } if tags.is_empty() => "none".into(),
            TableTags::Read { tags, truncated } => {
                let mut parts: Vec<String> = tags
                    .iter()
                    .map(|t| match &t.value {
                        Some(v) if !v.is_empty() => format!("{}={v}", t.key),
                        _ => t.key.clone(),
                    })
                    .collect();
                if *truncated {
                    parts.push("… (more not read)".into());
                }
                parts.join(", ")
            }
            TableTags::NotReadable { why, .. } => format!("not readable ({why})"),
        }
    }
}

/// Why the tags could not be read, in a few words.
fn why(e: &ApiError) -> String {
    if e.is_not_available() {
        return "the workspace does not offer the entity tag API".into();
    }
    match e.kind() {
        Some(ErrorKind::PermissionDenied) => "permission denied".into(),
        Some(ErrorKind::Unauthenticated) => "not signed in".into(),
        Some(ErrorKind::NotFound) => "the table was not found".into(),
        _ => e.to_string(),
    }
}

/// The tags of `table`.
pub async fn read_tags(client: &Client, table: &str) -> TableTags {
    match client.list_table_tags(table).await {
        Ok((assigned, truncated)) => TableTags::Read {
            tags: assigned
                .into_iter()
                .filter(|t| !t.tag_key.is_empty())
                .map(|t| Tag {
                    key: t.tag_key,
                    value: t.tag_value,
                })
                .collect(),
            truncated,
        },
        Err(e) => TableTags::NotReadable {
            why: why(&e),
            error: e.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_read_as_text() {
        let t = |k: &str, v: Option<&str>| Tag {
            key: k.into(),
            value: v.map(Into::into),
        };
        let read = TableTags::Read {
            tags: vec![t("team", Some("growth")), t("pii", None)],
            truncated: false,
        };
        assert_eq!(read.text(), "team=growth, pii");
        let none = TableTags::Read {
            tags: vec![],
            truncated: false,
        };
        assert_eq!(none.text(), "none");
        let no = TableTags::NotReadable {
            why: "permission denied".into(),
            error: "PERMISSION_DENIED (403): no".into(),
        };
        assert_eq!(no.text(), "not readable (permission denied)");
    }
}
