//! From Databricks SQL to SQLite: parse with sqlparser's Databricks dialect, then rewrite the
//! statement in place:
//! - table names (one, two or three parts, backticked or not) become the full name SQLite stores
//!   the table under, keeping the written name as the alias so `t.col` still resolves; a name
//!   the catalog lacks fails as Databricks does (`TABLE_OR_VIEW_NOT_FOUND`);
//! - struct field access (`window.start`, `d.ks_test.pvalue`) becomes `json_extract` on the
//!   struct's JSON text, and an unaliased one is named after its field, as Spark names it;
//! - `"text"` is a string in Databricks SQL, so it becomes `'text'`; `x::double` and
//!   `CAST(x AS STRING)` become SQLite casts; a few functions are renamed (`if` → `iif`, …);
//! - `:name` markers stay: SQLite binds them as real parameters.
//!
//! Only queries (`SELECT`, `WITH`, set operations) are rewritten; everything else is refused.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::ControlFlow;

use sqlparser::ast::{
    CastKind, DataType, Expr, Ident, ObjectName, ObjectNamePart, Query, SelectItem, SetExpr,
    Statement, TableAlias, TableFactor, Value, VisitMut, VisitorMut,
};
use sqlparser::dialect::{DatabricksDialect, SQLiteDialect};
use sqlparser::parser::Parser;

use super::catalog::{Catalog, TableDef};
use super::failure::Failure;

/// A query ready for SQLite.
#[derive(Debug, Clone)]
pub(crate) struct Rewritten {
    pub sql: String,
    /// The `:name` markers used.
    pub parameters: BTreeSet<String>,
    /// The tables read.
    pub tables: Vec<TableDef>,
    /// Spark types of top-level result columns that are struct fields, by position.
    pub field_types: BTreeMap<usize, String>,
}

/// What a statement asks for.
#[derive(Debug, Clone)]
pub(crate) enum Parsed {
    Query(Rewritten),
    Describe(TableDef),
}

/// Parses one Databricks SQL statement and rewrites it for SQLite.
pub(crate) fn parse(
    sql: &str,
    catalog: &Catalog,
    default_catalog: &str,
    default_schema: &str,
) -> Result<Parsed, Failure> {
    check_complexity(sql)?;
    let scope = Scope {
        catalog,
        default_catalog,
        default_schema,
    };
    if let Some(name) = describe_target(sql)? {
        return scope.table(&name).map(|t| Parsed::Describe(t.clone()));
    }
    let mut statements = Parser::parse_sql(&DatabricksDialect {}, sql)
        .map_err(|e| Failure::syntax(&e.to_string()))?;
    if statements.len() != 1 {
        return Err(Failure::syntax(&format!(
            "expected exactly one statement, found {}",
            statements.len()
        )));
    }
    let mut statement = statements.remove(0);
    match &mut statement {
        Statement::Query(_) => {}
        other => {
            let kind = other.to_string();
            let verb = kind.split_whitespace().next().unwrap_or("").to_uppercase();
            return Err(Failure::unsupported(&format!(
                "the simulated warehouse answers queries and DESCRIBE TABLE only, not {verb}"
            )));
        }
    }
    let mut tables = Tables {
        scope: &scope,
        ctes: BTreeSet::new(),
        found: Vec::new(),
        qualifiers: BTreeSet::new(),
        error: None,
    };
    // A CTE's name is not a table; collect them all first (they may be used before their
    // definition is visited).
    let _ = statement.visit(&mut tables);
    if let Some(e) = tables.error {
        return Err(e);
    }
    let mut exprs = Exprs {
        structs: struct_columns(&tables.found),
        qualifiers: tables.qualifiers,
        parameters: BTreeSet::new(),
        error: None,
    };
    let field_types = match &mut statement {
        Statement::Query(q) => exprs.name_top_fields(q),
        _ => BTreeMap::new(),
    };
    let _ = statement.visit(&mut exprs);
    if let Some(e) = exprs.error {
        return Err(e);
    }
    Ok(Parsed::Query(Rewritten {
        sql: statement.to_string(),
        parameters: exprs.parameters,
        tables: tables.found,
        field_types,
    }))
}

/// Operators (and `AND`/`OR`) a statement may hold. A long chain like `1+1+…+1` parses into a
/// tree as deep as it is long, which the parser, the rewrite and SQLite would all walk
/// recursively; real monitoring queries hold a few dozen.
const MAX_OPERATORS: usize = 256;

fn check_complexity(sql: &str) -> Result<(), Failure> {
    use sqlparser::tokenizer::{Token, Tokenizer};
    let tokens = Tokenizer::new(&DatabricksDialect {}, sql)
        .tokenize()
        .map_err(|e| Failure::syntax(&e.to_string()))?;
    let operators = tokens
        .iter()
        .filter(|t| match t {
            Token::Word(w) => {
                w.quote_style.is_none()
                    && (w.value.eq_ignore_ascii_case("and") || w.value.eq_ignore_ascii_case("or"))
            }
            Token::Number(..)
            | Token::SingleQuotedString(_)
            | Token::DoubleQuotedString(_)
            | Token::Whitespace(_)
            | Token::Comma
            | Token::Period
            | Token::LParen
            | Token::RParen
            | Token::EOF
            | Token::Placeholder(_)
            | Token::Colon
            | Token::SemiColon => false,
            _ => true,
        })
        .count();
    if operators > MAX_OPERATORS {
        return Err(Failure::unsupported(&format!(
            "a statement with more than {MAX_OPERATORS} operators"
        )));
    }
    Ok(())
}

/// The table of `DESCRIBE [TABLE] [EXTENDED] name`, read here because the dialect's parser
/// takes `TABLE` for the name.
fn describe_target(sql: &str) -> Result<Option<Vec<String>>, Failure> {
    let text = sql.trim().trim_end_matches(';').trim();
    let mut words = text.splitn(2, char::is_whitespace);
    let first = words.next().unwrap_or("");
    if !(first.eq_ignore_ascii_case("describe") || first.eq_ignore_ascii_case("desc")) {
        return Ok(None);
    }
    let mut rest = words.next().unwrap_or("").trim_start();
    for kw in ["table", "extended", "formatted"] {
        if rest.len() > kw.len()
            && rest[..kw.len()].eq_ignore_ascii_case(kw)
            && rest[kw.len()..].starts_with(char::is_whitespace)
        {
            rest = rest[kw.len()..].trim_start();
        }
    }
    let name = Parser::new(&DatabricksDialect {})
        .try_with_sql(rest)
        .and_then(|mut p| {
            let name = p.parse_object_name(false)?;
            p.expect_token(&sqlparser::tokenizer::Token::EOF)?;
            Ok(name)
        })
        .map_err(|e| Failure::syntax(&e.to_string()))?;
    name_parts(&name).map(Some)
}

struct Scope<'a> {
    catalog: &'a Catalog,
    default_catalog: &'a str,
    default_schema: &'a str,
}

impl Scope<'_> {
    fn table(&self, parts: &[String]) -> Result<&TableDef, Failure> {
        self.catalog
            .resolve(parts, self.default_catalog, self.default_schema)
            .ok_or_else(|| Failure::table_not_found(&parts.join(".")))
    }
}

fn name_parts(name: &ObjectName) -> Result<Vec<String>, Failure> {
    name.0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(i) => Ok(i.value.clone()),
            other => Err(Failure::unsupported(&format!("table name part {other}"))),
        })
        .collect()
}

/// Pass 1: table names.
struct Tables<'a> {
    scope: &'a Scope<'a>,
    ctes: BTreeSet<String>,
    found: Vec<TableDef>,
    /// Names a column may be qualified with: aliases and table names.
    qualifiers: BTreeSet<String>,
    error: Option<Failure>,
}

impl VisitorMut for Tables<'_> {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        if let Some(with) = &query.with {
            for cte in &with.cte_tables {
                self.ctes.insert(cte.alias.name.value.to_ascii_lowercase());
                self.qualifiers
                    .insert(cte.alias.name.value.to_ascii_lowercase());
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<()> {
        if let TableFactor::Derived {
            alias: Some(alias), ..
        } = factor
        {
            self.qualifiers
                .insert(alias.name.value.to_ascii_lowercase());
        }
        let TableFactor::Table {
            name, alias, args, ..
        } = factor
        else {
            return ControlFlow::Continue(());
        };
        let parts = match name_parts(name) {
            Ok(p) => p,
            Err(e) => return self.fail(e),
        };
        if args.is_some() {
            return self.fail(Failure::unsupported(&format!(
                "table-valued function {}",
                parts.join(".")
            )));
        }
        if let [one] = parts.as_slice()
            && self.ctes.contains(&one.to_ascii_lowercase())
        {
            return ControlFlow::Continue(());
        }
        let table = match self.scope.table(&parts) {
            Ok(t) => t.clone(),
            Err(e) => return self.fail(e),
        };
        let written = parts.last().cloned().unwrap_or_default();
        let alias_name = alias.as_ref().map_or(written, |a| a.name.value.clone());
        self.qualifiers.insert(alias_name.to_ascii_lowercase());
        *name = ObjectName::from(vec![Ident::with_quote('"', table.full_name())]);
        if alias.is_none() {
            *alias = Some(TableAlias {
                explicit: true,
                name: Ident::with_quote('"', alias_name),
                columns: vec![],
                at: None,
            });
        }
        self.found.push(table);
        ControlFlow::Continue(())
    }
}

impl Tables<'_> {
    fn fail(&mut self, e: Failure) -> ControlFlow<()> {
        self.error.get_or_insert(e);
        ControlFlow::Break(())
    }
}

/// Struct columns of the tables read: column name (lower case) → its fields.
fn struct_columns(tables: &[TableDef]) -> BTreeMap<String, Vec<(String, String)>> {
    let mut out = BTreeMap::new();
    for t in tables {
        for c in &t.columns {
            if let Some(fields) = c.struct_fields() {
                out.insert(c.name.to_ascii_lowercase(), fields);
            }
        }
    }
    out
}

/// Pass 2: expressions.
struct Exprs {
    structs: BTreeMap<String, Vec<(String, String)>>,
    qualifiers: BTreeSet<String>,
    parameters: BTreeSet<String>,
    error: Option<Failure>,
}

impl Exprs {
    /// Names unaliased top-level struct field selections after their field (`window.start`
    /// is the column `start`), and says which positions hold which field type.
    fn name_top_fields(&mut self, query: &mut Query) -> BTreeMap<usize, String> {
        let mut out = BTreeMap::new();
        let SetExpr::Select(select) = query.body.as_mut() else {
            return out;
        };
        for (i, item) in select.projection.iter_mut().enumerate() {
            let (expr, alias) = match item {
                SelectItem::UnnamedExpr(e) => (e.clone(), None),
                SelectItem::ExprWithAlias { expr, alias } => (expr.clone(), Some(alias.clone())),
                // Past a wildcard the positions are not known here.
                _ => break,
            };
            let Expr::CompoundIdentifier(parts) = &expr else {
                continue;
            };
            let Some((_, path)) = self.struct_path(parts) else {
                continue;
            };
            if let Some(t) = self.field_type(parts, &path) {
                out.insert(i, t);
            }
            if alias.is_none()
                && let Some(last) = path.last()
            {
                *item = SelectItem::ExprWithAlias {
                    expr,
                    alias: Ident::with_quote('`', last.clone()),
                };
            }
        }
        out
    }

    /// For `a.b[.c…]`: the index of the struct column among the parts and the field path after
    /// it, when the parts name a struct field.
    fn struct_path(&self, parts: &[Ident]) -> Option<(usize, Vec<String>)> {
        let lower: Vec<String> = parts.iter().map(|p| p.value.to_ascii_lowercase()).collect();
        let at = if self.structs.contains_key(&lower[0]) && !self.qualifiers.contains(&lower[0]) {
            0
        } else if parts.len() >= 3 && self.structs.contains_key(&lower[1]) {
            1
        } else {
            return None;
        };
        Some((
            at,
            parts[at + 1..].iter().map(|p| p.value.clone()).collect(),
        ))
    }

    fn field_type(&self, parts: &[Ident], path: &[String]) -> Option<String> {
        let (at, _) = self.struct_path(parts)?;
        let fields = self.structs.get(&parts[at].value.to_ascii_lowercase())?;
        let [field] = path else { return None };
        fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(field))
            .map(|(_, t)| t.clone())
    }

    fn struct_access(&self, parts: &[Ident]) -> Result<Option<Expr>, Failure> {
        let Some((at, path)) = self.struct_path(parts) else {
            return Ok(None);
        };
        let column = &parts[at].value;
        let fields = &self.structs[&column.to_ascii_lowercase()];
        let first = &path[0];
        let Some((field, _)) = fields.iter().find(|(n, _)| n.eq_ignore_ascii_case(first)) else {
            return Err(Failure::field_not_found(first, column));
        };
        let mut json_path = format!("$.{field}");
        for p in &path[1..] {
            json_path.push('.');
            json_path.push_str(p);
        }
        let target: Vec<String> = parts[..=at]
            .iter()
            .map(|p| quote_backtick(&p.value))
            .collect();
        let text = format!(
            "json_extract({}, '{}')",
            target.join("."),
            json_path.replace('\'', "''")
        );
        Parser::new(&SQLiteDialect {})
            .try_with_sql(&text)
            .and_then(|mut p| p.parse_expr())
            .map(Some)
            .map_err(|e| Failure::syntax(&e.to_string()))
    }
}

fn quote_backtick(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

/// SQLite's type for a cast to a Spark type.
fn sqlite_cast_type(t: &DataType) -> &'static str {
    let text = t.to_string().to_ascii_uppercase();
    let outer = text.split(['(', '<', ' ']).next().unwrap_or("");
    match outer {
        "INT" | "INTEGER" | "BIGINT" | "SMALLINT" | "TINYINT" | "LONG" | "SHORT" | "BYTE"
        | "BOOLEAN" => "INTEGER",
        "DOUBLE" | "FLOAT" | "REAL" | "DECIMAL" | "NUMERIC" | "DEC" => "REAL",
        _ => "TEXT",
    }
}

/// Databricks functions SQLite spells differently.
fn sqlite_function(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_lowercase().as_str() {
        "if" => "iif",
        "nvl" => "ifnull",
        "len" | "char_length" | "character_length" => "length",
        "lcase" => "lower",
        "ucase" => "upper",
        "ceiling" => "ceil",
        "to_date" => "date",
        _ => return None,
    })
}

impl VisitorMut for Exprs {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        match expr {
            Expr::CompoundIdentifier(parts) => match self.struct_access(parts) {
                Ok(Some(e)) => *expr = e,
                Ok(None) => {
                    for p in parts.iter_mut() {
                        p.quote_style = Some('`');
                    }
                }
                Err(e) => {
                    self.error.get_or_insert(e);
                    return ControlFlow::Break(());
                }
            },
            Expr::Identifier(id) => id.quote_style = Some('`'),
            Expr::Value(v) => match &mut v.value {
                Value::DoubleQuotedString(s) => v.value = Value::SingleQuotedString(s.clone()),
                Value::Placeholder(p) => {
                    let name = p.strip_prefix(':').unwrap_or("");
                    if name.is_empty()
                        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    {
                        self.error.get_or_insert(Failure::unsupported(&format!(
                            "parameter marker {p}: only named markers (:name) are supported"
                        )));
                        return ControlFlow::Break(());
                    }
                    self.parameters.insert(name.to_string());
                }
                _ => {}
            },
            Expr::Cast {
                kind, data_type, ..
            } => {
                *kind = CastKind::Cast;
                let t = sqlite_cast_type(data_type);
                *data_type = DataType::Custom(ObjectName::from(vec![Ident::new(t)]), vec![]);
            }
            Expr::Function(f) => {
                if let [ObjectNamePart::Identifier(id)] = f.name.0.as_slice()
                    && let Some(to) = sqlite_function(&id.value)
                {
                    f.name = ObjectName::from(vec![Ident::new(to)]);
                }
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }
}
