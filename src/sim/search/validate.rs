//! Validation of a parsed comparison against its search's dialect: entity and attribute names,
//! value types and comparators, in MLflow's order and with MLflow's messages.

use super::filter::{Clause, Dialect, Entity, Literal, Op, OpTok, RawValue};
use super::lexer::{split_identifier, unquote};

const NUMERIC_OPS: &[Op] = &[Op::Eq, Op::Ne, Op::Lt, Op::Le, Op::Gt, Op::Ge];
const KV_OPS: &[Op] = &[
    Op::Eq,
    Op::Ne,
    Op::Like,
    Op::ILike,
    Op::IsNull,
    Op::IsNotNull,
];
const REGISTRY_TAG_OPS: &[Op] = &[Op::Eq, Op::Ne, Op::Like, Op::ILike];
const STRING_ATTR_OPS: &[Op] = &[Op::Eq, Op::Ne, Op::Like, Op::ILike, Op::In, Op::NotIn];

/// Resolves `metrics`/`params`/… (with aliases) for a dialect.
pub(crate) fn resolve_entity(dialect: Dialect, name: &str) -> Result<Entity, String> {
    let entity = match name {
        "metric" | "metrics" => Some(Entity::Metric),
        "parameter" | "parameters" | "param" | "params" => Some(Entity::Param),
        "tag" | "tags" => Some(Entity::Tag),
        "attribute" | "attributes" | "attr" | "run" => Some(Entity::Attribute),
        "dataset" | "datasets" => Some(Entity::Dataset),
        _ => None,
    };
    match (dialect, entity) {
        (Dialect::Runs, Some(e)) => Ok(e),
        (_, Some(e @ (Entity::Tag | Entity::Attribute))) if name != "run" => Ok(e),
        (Dialect::Runs, None) => Err(format!(
            "Invalid entity type '{name}'. Valid values are ['metric', 'parameter', 'tag', \
             'attribute', 'dataset']"
        )),
        _ => Err(format!(
            "Invalid entity type '{name}'. Valid entity types are ('attribute', 'tag', 'tags')"
        )),
    }
}

/// An attribute's canonical key and whether it is numeric, or `None` when unknown.
pub(crate) fn attribute_kind(dialect: Dialect, key: &str) -> Option<(&'static str, bool)> {
    match dialect {
        Dialect::Runs => match key {
            "run_id" => Some(("run_id", false)),
            "run_name" | "run name" | "Run name" | "Run Name" => Some(("run_name", false)),
            "status" => Some(("status", false)),
            "user_id" => Some(("user_id", false)),
            "artifact_uri" => Some(("artifact_uri", false)),
            "start_time" | "created" | "Created" => Some(("start_time", true)),
            "end_time" => Some(("end_time", true)),
            _ => None,
        },
        Dialect::Experiments => match key {
            "name" => Some(("name", false)),
            "experiment_id" => Some(("experiment_id", false)),
            "creation_time" => Some(("creation_time", true)),
            "last_update_time" => Some(("last_update_time", true)),
            _ => None,
        },
        Dialect::RegisteredModels => (key == "name").then_some(("name", false)),
    }
}

fn attribute_keys(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Runs => {
            "{'Created', 'Run Name', 'Run name', 'artifact_uri', 'created', 'end_time', \
             'run name', 'run_id', 'run_name', 'start_time', 'status', 'user_id'}"
        }
        Dialect::Experiments => "{'creation_time', 'experiment_id', 'last_update_time', 'name'}",
        Dialect::RegisteredModels => "{'name'}",
    }
}

/// `{'!=', '<', …}` as MLflow prints its comparator sets.
fn op_set(ops: &[Op]) -> String {
    let mut names: Vec<&str> = ops.iter().map(|o| o.as_str()).collect();
    names.sort_unstable();
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    format!("{{{}}}", quoted.join(", "))
}

pub(super) fn validate(
    dialect: Dialect,
    ident: &str,
    op: OpTok,
    value: RawValue,
) -> Result<Clause, String> {
    let (entity_raw, key_raw) = split_identifier(ident);
    let entity = match entity_raw {
        None => Entity::Attribute,
        Some(e) => resolve_entity(dialect, &unquote(e))?,
    };
    let mut key = unquote(key_raw);
    if key.is_empty() {
        return Err(format!(
            "Invalid identifier '{ident}'. Columns should be specified as 'attribute.<key>', \
             'metric.<key>', 'tag.<key>', 'dataset.<key>', or 'param.'."
        ));
    }
    let mut numeric_attr = false;
    match entity {
        Entity::Attribute => match attribute_kind(dialect, &key) {
            Some((canonical, numeric)) => {
                key = canonical.to_string();
                numeric_attr = numeric;
            }
            None => {
                return Err(format!(
                    "Invalid attribute key '{key}' specified. Valid keys are '{}'",
                    attribute_keys(dialect)
                ));
            }
        },
        Entity::Dataset if !matches!(key.as_str(), "name" | "digest" | "context") => {
            return Err(format!(
                "Invalid dataset key '{key}' specified. Valid keys are '{{'context', 'digest', \
                 'name'}}'"
            ));
        }
        _ => {}
    }

    if let OpTok::Known(Op::IsNull | Op::IsNotNull) = op {
        let allowed = match dialect {
            Dialect::Runs => matches!(entity, Entity::Tag | Entity::Param),
            Dialect::Experiments => entity == Entity::Tag,
            Dialect::RegisteredModels => false,
        };
        if !allowed {
            return Err(match dialect {
                Dialect::Runs => format!(
                    "IS NULL / IS NOT NULL is only supported for tags and params, not for '{}' \
                     '{key}'",
                    entity.mlflow_name()
                ),
                _ => format!(
                    "IS NULL / IS NOT NULL is only supported for tags, not for {} '{key}'",
                    entity.mlflow_name()
                ),
            });
        }
    }

    let raw = value.raw().to_string();
    let literal = match (entity, value) {
        (_, RawValue::Absent) => Literal::Null,
        (Entity::Metric, RawValue::Number(n, _)) => Literal::Number(n),
        (Entity::Metric, _) => {
            return Err(format!(
                "Expected numeric value type for metric. Found {raw}"
            ));
        }
        (Entity::Attribute, RawValue::Number(n, _)) if numeric_attr => Literal::Number(n),
        (Entity::Attribute, _) if numeric_attr => {
            return Err(format!(
                "Expected numeric value type for numeric attribute: {key}. Found {raw}"
            ));
        }
        (_, RawValue::Quoted(s, _)) => Literal::Text(s),
        (Entity::Attribute | Entity::Dataset, RawValue::List(items, _)) => Literal::List(items),
        (_, RawValue::Bare(_)) => {
            return Err(format!(
                "Parameter value is either not quoted or unidentified quote types used for \
                 string value {raw}. Use either single or double quotes."
            ));
        }
        (Entity::Param | Entity::Tag, _) => {
            return Err(format!(
                "Expected a quoted string value for {} (e.g. 'my-value'). Got value {raw}",
                entity.mlflow_name()
            ));
        }
        (Entity::Dataset, _) => {
            return Err(format!(
                "Expected a quoted string value for dataset attributes. Got value {raw}"
            ));
        }
        (_, _) => {
            return Err(format!(
                "Expected a quoted string value for attributes. Got value {raw}"
            ));
        }
    };

    let valid: &[Op] = match entity {
        Entity::Metric => NUMERIC_OPS,
        Entity::Attribute if numeric_attr => NUMERIC_OPS,
        Entity::Attribute | Entity::Dataset => STRING_ATTR_OPS,
        Entity::Tag if dialect == Dialect::RegisteredModels => REGISTRY_TAG_OPS,
        Entity::Param | Entity::Tag => KV_OPS,
    };
    let op = match op {
        OpTok::Known(op) if valid.contains(&op) => op,
        OpTok::Known(op) => return Err(bad_comparator(op.as_str(), valid)),
        OpTok::Unknown(sym) => return Err(bad_comparator(&sym, valid)),
    };
    // Lists go with IN / NOT IN and nothing else.
    match (&literal, op) {
        (Literal::List(_), Op::In | Op::NotIn) => {}
        (Literal::List(_), _) => return Err(bad_comparator(op.as_str(), &[Op::In, Op::NotIn])),
        (_, Op::In | Op::NotIn) => {
            return Err(format!(
                "Expected a list of quoted strings for '{}', e.g. ('a', 'b'). Got value {raw}",
                op.as_str()
            ));
        }
        _ => {}
    }
    // MLflow allows lists only for run ids (and dataset fields, which take IN as well).
    if matches!(op, Op::In | Op::NotIn) && entity == Entity::Attribute && key != "run_id" {
        return Err(
            "Only ['run_id'] attributes support comparison with a list of quoted string values."
                .to_string(),
        );
    }
    Ok(Clause {
        entity,
        key,
        op,
        value: literal,
    })
}

fn bad_comparator(op: &str, valid: &[Op]) -> String {
    format!("Invalid comparator '{op}' not one of '{}'", op_set(valid))
}
