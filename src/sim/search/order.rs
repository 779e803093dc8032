//! `order_by` clauses (`metrics.loss ASC`, ``tags.`my tag` DESC``, `name`) and the comparison
//! MLflow applies: missing values sort last in both directions, NaN just before them.

use std::cmp::Ordering;

use super::filter::{Dialect, Entity};
use super::lexer::{Scanner, split_identifier, unquote};
use super::validate::{attribute_kind, resolve_entity};

/// One parsed `order_by` entry; `key` is canonical (aliases translated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OrderBy {
    pub entity: Entity,
    pub key: String,
    pub ascending: bool,
}

/// A value to sort by.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SortValue {
    Num(f64),
    Text(String),
    Missing,
}

pub(crate) fn parse_order_by(clause: &str, dialect: Dialect) -> Result<OrderBy, String> {
    let unparsable = || format!("Invalid order_by clause '{clause}'. Could not be parsed.");
    let mut sc = Scanner::new(clause);
    sc.skip_ws();
    let ident = sc.read_identifier()?.ok_or_else(unparsable)?;
    sc.skip_ws();
    let ascending = if sc.at_end() || sc.eat_keyword("ASC") {
        true
    } else if sc.eat_keyword("DESC") {
        false
    } else if sc.peek().is_some_and(|c| c.is_alphabetic()) {
        return Err(format!(
            "Invalid ordering key in order_by clause '{clause}'."
        ));
    } else {
        return Err(unparsable());
    };
    sc.skip_ws();
    if !sc.at_end() {
        return Err(unparsable());
    }

    let (entity_raw, key_raw) = split_identifier(ident);
    let key = unquote(key_raw);
    if dialect == Dialect::RegisteredModels {
        // Registered models order by bare keys only; `timestamp` means creation time.
        let canonical = match (entity_raw, key.as_str()) {
            (None, "name") => "name",
            (None, "timestamp" | "creation_timestamp") => "creation_timestamp",
            (None, "last_updated_timestamp") => "last_updated_timestamp",
            _ => {
                return Err(format!(
                    "Invalid order by key '{}' specified. Valid keys are '{{'name', \
                     'timestamp', 'last_updated_timestamp'}}'",
                    ident.trim()
                ));
            }
        };
        return Ok(OrderBy {
            entity: Entity::Attribute,
            key: canonical.to_string(),
            ascending,
        });
    }

    let entity = match entity_raw {
        None => Entity::Attribute,
        Some(e) => resolve_entity(dialect, &unquote(e))?,
    };
    match (dialect, entity) {
        (Dialect::Experiments, Entity::Attribute) | (Dialect::Runs, _) => {}
        _ => return Err(format!("Invalid order_by entity: {}", entity.mlflow_name())),
    }
    let key = match entity {
        Entity::Attribute => {
            // `run name` is searchable but, as in MLflow, not orderable.
            let orderable = !matches!(key.as_str(), "run name" | "Run name" | "Run Name");
            match attribute_kind(dialect, &key).filter(|_| orderable) {
                Some((canonical, _)) => canonical.to_string(),
                None => {
                    return Err(format!(
                        "Invalid attribute key '{key}' specified. Valid keys are '{}'",
                        order_keys(dialect)
                    ));
                }
            }
        }
        Entity::Dataset => return Err("Invalid order_by entity type 'dataset'".to_string()),
        _ if key.is_empty() => return Err(unparsable()),
        _ => key,
    };
    Ok(OrderBy {
        entity,
        key,
        ascending,
    })
}

fn order_keys(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Runs => {
            "{'Created', 'artifact_uri', 'created', 'end_time', 'run_id', 'run_name', \
             'start_time', 'status', 'user_id'}"
        }
        _ => "{'creation_time', 'experiment_id', 'last_update_time', 'name'}",
    }
}

/// Missing after NaN after real values, whatever the direction (as MLflow's sort keys do).
fn rank(v: &SortValue) -> u8 {
    match v {
        SortValue::Missing => 2,
        SortValue::Num(n) if n.is_nan() => 1,
        _ => 0,
    }
}

/// Compares two sort values for one `order_by` entry.
pub(crate) fn compare(a: &SortValue, b: &SortValue, ascending: bool) -> Ordering {
    let (ra, rb) = (rank(a), rank(b));
    if ra != rb || ra != 0 {
        return ra.cmp(&rb);
    }
    let ord = match (a, b) {
        (SortValue::Num(x), SortValue::Num(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        (SortValue::Text(x), SortValue::Text(y)) => x.cmp(y),
        (SortValue::Num(_), _) => Ordering::Less,
        _ => Ordering::Greater,
    };
    if ascending { ord } else { ord.reverse() }
}

/// Experiment ids are numeric on Databricks and OSS; compare them as numbers when they are.
pub(crate) fn id_value(id: &str) -> SortValue {
    id.parse::<f64>()
        .map(SortValue::Num)
        .unwrap_or_else(|_| SortValue::Text(id.to_string()))
}
