//! The console's own SQL statements, the only ones a read-only profile may run.
//!
//! A statement can write, so `POST /api/2.0/sql/statements` is refused on read-only clients
//! (see `http::readonly`). The console's monitoring reads (drift, model quality, `DESCRIBE
//! TABLE`, `information_schema`) are allowed there anyway, because their text cannot come
//! from a user: a [`FixedStatement`] is assembled only from `&'static str` pieces (compile-time
//! constants in the console's source) and from names that passed [`Ident`] / [`TableName`]
//! validation, each written backticked. Every user value (a feature, a slice, a model id, a
//! window) is a bound `:name` parameter, never text of the statement.
//!
//! Free text goes through [`Client::execute_statement`] (the write path), which a read-only
//! client refuses. Cancelling is allowed only for a statement this path started: the
//! [`FixedStatementId`] that proves it cannot be built outside this module.

use std::fmt;

use super::client::Client;
use super::error::ApiResult;
use super::models::sql::{ExecuteStatementRequest, StatementResponse};
use super::present::present;
use super::serving::seg;

const STATEMENTS: &str = "/api/2.0/sql/statements";

/// Why a name is not accepted as an identifier or table name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NameError(String);

/// One SQL identifier (a catalog, schema, table or column name), written backticked.
///
/// Accepted: a non-empty name without backticks or control characters. Table names typed by a
/// user go through the stricter [`TableName::parse`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ident(String);

impl Ident {
    /// A name as the server spells it (from `DESCRIBE TABLE`, a monitor's `model_id_col`).
    pub fn new(name: &str) -> Result<Ident, NameError> {
        if name.is_empty() {
            return Err(NameError("an empty name".into()));
        }
        if name.contains('`') || name.chars().any(char::is_control) {
            return Err(NameError(format!(
                "the name {name:?} holds a backtick or a control character"
            )));
        }
        Ok(Ident(name.to_string()))
    }

    /// The name itself, unquoted.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name as SQL text: `` `name` ``.
    pub fn quoted(&self) -> String {
        format!("`{}`", self.0)
    }
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A three-part table name `catalog.schema.table`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TableName {
    pub catalog: Ident,
    pub schema: Ident,
    pub table: Ident,
}

impl TableName {
    /// Parses a table name as a user types it: exactly three dot-separated parts, each either
    /// plain (`[A-Za-z0-9_-]+`) or backticked (`` `any text but a backtick` ``). Anything else
    /// (spaces, quotes, semicolons, comments, two or four parts) is refused.
    pub fn parse(text: &str) -> Result<TableName, NameError> {
        let bad = |why: &str| {
            NameError(format!(
                "{text:?} is not a table name (catalog.schema.table): {why}"
            ))
        };
        let mut parts = Vec::new();
        let mut rest = text;
        loop {
            let (part, after) = if let Some(inner) = rest.strip_prefix('`') {
                let end = inner
                    .find('`')
                    .ok_or_else(|| bad("a backtick is not closed"))?;
                (&inner[..end], &inner[end + 1..])
            } else {
                let end = rest.find('.').unwrap_or(rest.len());
                let part = &rest[..end];
                if !part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                {
                    return Err(bad(
                        "an unquoted part may hold only letters, digits, `_` and `-`",
                    ));
                }
                (part, &rest[end..])
            };
            if part.is_empty() {
                return Err(bad("a part is empty"));
            }
            parts.push(Ident::new(part).map_err(|e| bad(&e.0))?);
            if after.is_empty() {
                break;
            }
            rest = after
                .strip_prefix('.')
                .ok_or_else(|| bad("parts must be separated by `.`"))?;
        }
        let [catalog, schema, table]: [Ident; 3] = parts
            .try_into()
            .map_err(|p: Vec<Ident>| bad(&format!("{} parts, not 3", p.len())))?;
        Ok(TableName {
            catalog,
            schema,
            table,
        })
    }

    /// The same schema, another table name (`{table}_drift_metrics`).
    pub fn with_table(&self, table: Ident) -> TableName {
        TableName {
            table,
            ..self.clone()
        }
    }

    /// `` `catalog`.`schema`.`table` ``.
    pub fn quoted(&self) -> String {
        format!(
            "{}.{}.{}",
            self.catalog.quoted(),
            self.schema.quoted(),
            self.table.quoted()
        )
    }
}

impl fmt::Display for TableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.catalog, self.schema, self.table)
    }
}

impl std::str::FromStr for TableName {
    type Err = NameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TableName::parse(s)
    }
}

/// A statement of the console's own: constant text and validated, backticked names only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedStatement {
    text: String,
}

impl FixedStatement {
    /// Starts a statement with constant text.
    pub fn new(text: &'static str) -> Self {
        FixedStatement {
            text: text.to_string(),
        }
    }

    /// Appends constant text.
    pub fn text(mut self, text: &'static str) -> Self {
        self.text.push_str(text);
        self
    }

    /// Appends a name, backticked.
    pub fn ident(mut self, ident: &Ident) -> Self {
        self.text.push_str(&ident.quoted());
        self
    }

    /// Appends a three-part table name, every part backticked.
    pub fn table(mut self, table: &TableName) -> Self {
        self.text.push_str(&table.quoted());
        self
    }

    /// The SQL text as sent.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// The id of a statement started with [`Client::execute_fixed_statement`]: only such a statement
/// may be cancelled on a read-only client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedStatementId(String);

impl FixedStatementId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Client {
    /// Submits one of the console's fixed statements; allowed on read-only clients. `req`'s own
    /// `statement` is replaced by `statement`'s text.
    pub async fn execute_fixed_statement(
        &self,
        statement: &FixedStatement,
        mut req: ExecuteStatementRequest,
    ) -> ApiResult<(StatementResponse, FixedStatementId)> {
        req.statement = statement.text.clone();
        let r: StatementResponse = self.post_json_fixed_read(STATEMENTS, &req).await?;
        let id = r.statement_id.clone();
        let r = present(r, &id, STATEMENTS, "statement")?;
        Ok((r, FixedStatementId(id)))
    }

    /// Cancels a statement started with [`Client::execute_fixed_statement`]; allowed on
    /// read-only clients (it only stops the console's own read). Best effort, as
    /// [`Client::cancel_statement`].
    pub async fn cancel_fixed_statement(&self, id: &FixedStatementId) -> ApiResult<()> {
        let path = format!("{STATEMENTS}/{}/cancel", seg(&id.0));
        let _: serde_json::Value = self
            .post_json_fixed_read(&path, &serde_json::json!({}))
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_take_three_plain_or_backticked_parts() {
        let t = TableName::parse("main.ml.churn_inference").unwrap();
        assert_eq!(t.quoted(), "`main`.`ml`.`churn_inference`");
        let t = TableName::parse("`my cat`.ml-x.`a.b`").unwrap();
        assert_eq!(t.quoted(), "`my cat`.`ml-x`.`a.b`");
        assert_eq!(t.table.as_str(), "a.b");
        for bad in [
            "",
            "main.ml",
            "main.ml.t.x",
            "main..t",
            "main.ml.t; DROP TABLE x",
            "main.ml.t --",
            "main.ml.'t'",
            "main.ml.`t",
            "main.ml.`t`x",
            "main.ml.`a``b`",
            "main.ml.t\n",
            "main.ml.t OR 1=1",
            "main.ml.\"t\"",
            "`a\u{1b}`.b.c",
        ] {
            assert!(TableName::parse(bad).is_err(), "{bad:?} accepted");
        }
        let e = TableName::parse("main.ml").unwrap_err().to_string();
        assert!(e.contains("2 parts, not 3"), "{e}");
    }

    #[test]
    fn idents_refuse_backticks_and_control_characters() {
        assert_eq!(
            Ident::new("Model Version").unwrap().quoted(),
            "`Model Version`"
        );
        assert!(Ident::new("a`b").is_err());
        assert!(Ident::new("").is_err());
        assert!(Ident::new("a\nb").is_err());
    }

    #[test]
    fn a_fixed_statement_is_constant_text_and_quoted_names() {
        let t = TableName::parse("main.ml.t").unwrap();
        let s = FixedStatement::new("SELECT ")
            .ident(&Ident::new("model_id").unwrap())
            .text(" FROM ")
            .table(&t)
            .text(" WHERE column_name = :feature");
        assert_eq!(
            s.as_str(),
            "SELECT `model_id` FROM `main`.`ml`.`t` WHERE column_name = :feature"
        );
    }
}
