//! The MLflow search filter language (reference §3.3): a conjunction of comparisons joined by
//! `AND`, validated per search (runs, experiments, registered models) with MLflow's messages,
//! because clients show those messages to the person who typed the filter.
//!
//! Deliberate differences from MLflow's `sqlparse`-based parser, all lenient supersets:
//! `IN`/`NOT IN` work for every string attribute (MLflow: `run_id` only), a doubled quote inside a
//! quoted key or value stands for the quote itself (MLflow keeps both characters), and
//! experiment filters accept the `attributes.`/`attr.` prefixes as well as `attribute.`.

use super::lexer::Scanner;
use super::validate::validate;

/// Which search a filter belongs to; decides valid entities, attributes and comparators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Runs,
    Experiments,
    RegisteredModels,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Entity {
    Metric,
    Param,
    Tag,
    Attribute,
    Dataset,
}

impl Entity {
    /// MLflow's canonical name, as its messages spell it.
    pub fn mlflow_name(self) -> &'static str {
        match self {
            Entity::Metric => "metric",
            Entity::Param => "parameter",
            Entity::Tag => "tag",
            Entity::Attribute => "attribute",
            Entity::Dataset => "dataset",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Like,
    ILike,
    In,
    NotIn,
    IsNull,
    IsNotNull,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Like => "LIKE",
            Op::ILike => "ILIKE",
            Op::In => "IN",
            Op::NotIn => "NOT IN",
            Op::IsNull => "IS NULL",
            Op::IsNotNull => "IS NOT NULL",
        }
    }
}

/// The right-hand side of a comparison, after validation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Literal {
    Number(f64),
    Text(String),
    List(Vec<String>),
    Null,
}

/// One validated comparison. `key` is canonical: aliases such as `created` or `run name` are
/// already translated (`start_time`, `run_name`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Clause {
    pub entity: Entity,
    pub key: String,
    pub op: Op,
    pub value: Literal,
}

impl Clause {
    /// Compares a numeric left-hand side; a missing value never matches (SQL semantics).
    pub fn matches_num(&self, lhs: Option<f64>) -> bool {
        let (Some(l), Literal::Number(r)) = (lhs, &self.value) else {
            return false;
        };
        let r = *r;
        match self.op {
            Op::Eq => l == r,
            Op::Ne => l != r,
            Op::Lt => l < r,
            Op::Le => l <= r,
            Op::Gt => l > r,
            Op::Ge => l >= r,
            _ => false,
        }
    }

    /// Compares a string left-hand side; `IS [NOT] NULL` tests presence, otherwise a missing
    /// value never matches.
    pub fn matches_str(&self, lhs: Option<&str>) -> bool {
        match (self.op, lhs) {
            (Op::IsNull, l) => l.is_none(),
            (Op::IsNotNull, l) => l.is_some(),
            (_, None) => false,
            (op, Some(l)) => match (&self.value, op) {
                (Literal::Text(r), Op::Eq) => l == r,
                (Literal::Text(r), Op::Ne) => l != r,
                (Literal::Text(r), Op::Like) => super::lexer::like(l, r, false),
                (Literal::Text(r), Op::ILike) => super::lexer::like(l, r, true),
                (Literal::List(items), Op::In) => items.iter().any(|i| i == l),
                (Literal::List(items), Op::NotIn) => !items.iter().any(|i| i == l),
                _ => false,
            },
        }
    }
}

/// A value as written, before its type is checked against the comparison.
pub(super) enum RawValue {
    Quoted(String, String),
    Number(f64, String),
    List(Vec<String>, String),
    Bare(String),
    Absent,
}

impl RawValue {
    pub(super) fn raw(&self) -> &str {
        match self {
            RawValue::Quoted(_, raw) | RawValue::Number(_, raw) | RawValue::List(_, raw) => raw,
            RawValue::Bare(raw) => raw,
            RawValue::Absent => "",
        }
    }
}

/// A comparator as written: known, or a symbol MLflow parses but rejects later (`==`, `<>`).
pub(super) enum OpTok {
    Known(Op),
    Unknown(String),
}

/// Parses and validates a filter. An empty filter matches everything. Errors are MLflow-like
/// messages for a 400 `INVALID_PARAMETER_VALUE`.
pub(crate) fn parse_filter(filter: &str, dialect: Dialect) -> Result<Vec<Clause>, String> {
    let mut sc = Scanner::new(filter);
    let mut out = Vec::new();
    loop {
        sc.skip_ws();
        // MLflow tolerates repeated and trailing `AND`s; so do we.
        if sc.eat_keyword("AND") {
            continue;
        }
        if sc.at_end() {
            return Ok(out);
        }
        let clause_start = sc.pos();
        let ident = match sc.read_identifier()? {
            Some(i) => i,
            None => return Err(invalid_clause(sc.rest().trim())),
        };
        sc.skip_ws();
        let Some(op) = read_op(&mut sc) else {
            return Err(invalid_clause(sc.src()[clause_start..].trim()));
        };
        let value = match op {
            OpTok::Known(Op::IsNull | Op::IsNotNull) => RawValue::Absent,
            _ => read_value(&mut sc)?,
        };
        if matches!(value, RawValue::Absent)
            && !matches!(op, OpTok::Known(Op::IsNull | Op::IsNotNull))
        {
            return Err(invalid_clause(sc.src()[clause_start..].trim()));
        }
        out.push(validate(dialect, ident, op, value)?);
        sc.skip_ws();
        if sc.at_end() {
            return Ok(out);
        }
        if !sc.eat_keyword("AND") {
            return Err(invalid_clause(sc.next_chunk()));
        }
    }
}

fn invalid_clause(text: &str) -> String {
    format!("Invalid clause(s) in filter string: '{text}'")
}

fn read_op(sc: &mut Scanner<'_>) -> Option<OpTok> {
    for (sym, op) in [
        ("!=", Some(Op::Ne)),
        (">=", Some(Op::Ge)),
        ("<=", Some(Op::Le)),
        ("<>", None),
        ("==", None),
        ("=", Some(Op::Eq)),
        ("<", Some(Op::Lt)),
        (">", Some(Op::Gt)),
    ] {
        if sc.rest().starts_with(sym) {
            for _ in 0..sym.len() {
                sc.bump();
            }
            return Some(op.map_or_else(|| OpTok::Unknown(sym.to_string()), OpTok::Known));
        }
    }
    if sc.eat_keyword("LIKE") {
        return Some(OpTok::Known(Op::Like));
    }
    if sc.eat_keyword("ILIKE") {
        return Some(OpTok::Known(Op::ILike));
    }
    if sc.eat_keyword("IN") {
        return Some(OpTok::Known(Op::In));
    }
    if sc.eat_keyword("NOT") {
        sc.skip_ws();
        return Some(if sc.eat_keyword("IN") {
            OpTok::Known(Op::NotIn)
        } else {
            OpTok::Unknown(format!("NOT {}", eat_word(sc)))
        });
    }
    if sc.eat_keyword("IS") {
        sc.skip_ws();
        let negated = sc.eat_keyword("NOT");
        sc.skip_ws();
        return Some(match (sc.eat_keyword("NULL"), negated) {
            (true, false) => OpTok::Known(Op::IsNull),
            (true, true) => OpTok::Known(Op::IsNotNull),
            (false, _) => OpTok::Unknown(format!("IS {}", eat_word(sc))),
        });
    }
    None
}

/// Consumes and returns the next bare word (for operators MLflow does not know).
fn eat_word<'a>(sc: &mut Scanner<'a>) -> &'a str {
    let w = sc.peek_word();
    sc.eat_keyword(w);
    w
}

fn read_value(sc: &mut Scanner<'_>) -> Result<RawValue, String> {
    sc.skip_ws();
    let start = sc.pos();
    match sc.peek() {
        None => Ok(RawValue::Absent),
        Some(q @ ('\'' | '"')) => {
            let text = sc.read_quoted(q)?;
            Ok(RawValue::Quoted(
                text,
                sc.src()[start..sc.pos()].to_string(),
            ))
        }
        Some('(') => read_list(sc, start),
        Some(c) if c.is_ascii_digit() || matches!(c, '-' | '+' | '.') => {
            sc.bump();
            while sc
                .peek()
                .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-' | '_'))
            {
                // Only let a sign follow an exponent marker: `1e-3`, not `1-3`.
                if matches!(sc.peek(), Some('+' | '-'))
                    && !sc.src()[..sc.pos()].ends_with(['e', 'E'])
                {
                    break;
                }
                sc.bump();
            }
            let raw = &sc.src()[start..sc.pos()];
            Ok(match raw.parse::<f64>() {
                Ok(n) if n.is_finite() => RawValue::Number(n, raw.to_string()),
                _ => RawValue::Bare(raw.to_string()),
            })
        }
        Some(_) => {
            let word = eat_word(sc);
            if word.is_empty() {
                return Err(invalid_clause(sc.next_chunk()));
            }
            Ok(RawValue::Bare(word.to_string()))
        }
    }
}

fn read_list(sc: &mut Scanner<'_>, start: usize) -> Result<RawValue, String> {
    sc.bump();
    let mut items = Vec::new();
    loop {
        sc.skip_ws();
        match sc.peek() {
            Some(')') if items.is_empty() => {
                return Err(
                    "While parsing a list in the query, expected a non-empty list of \
                            string values, but got empty list"
                        .to_string(),
                );
            }
            Some(q @ ('\'' | '"')) => items.push(sc.read_quoted(q)?),
            _ => {
                return Err(format!(
                    "While parsing a list in the query, expected string value, punctuation, or \
                     whitespace, but got different type in list: {}",
                    sc.rest().trim()
                ));
            }
        }
        sc.skip_ws();
        match sc.bump() {
            Some(',') => continue,
            Some(')') => break,
            _ => {
                return Err(format!(
                    "Invalid filter '{}'. Could not be parsed.",
                    sc.src()
                ));
            }
        }
    }
    Ok(RawValue::List(items, sc.src()[start..sc.pos()].to_string()))
}
