//! Filter and order-by parser tests; expected accept/reject decisions and messages were checked
//! against MLflow 3.17's `SearchUtils` (see the module docs for deliberate differences).

use super::*;
use std::cmp::Ordering;

fn runs(f: &str) -> Vec<Clause> {
    parse_filter(f, Dialect::Runs).unwrap_or_else(|e| panic!("{f:?} should parse: {e}"))
}

fn runs_err(f: &str) -> String {
    match parse_filter(f, Dialect::Runs) {
        Ok(c) => panic!("{f:?} should be rejected, got {c:?}"),
        Err(e) => e,
    }
}

fn clause(entity: Entity, key: &str, op: Op, value: Literal) -> Clause {
    Clause {
        entity,
        key: key.to_string(),
        op,
        value,
    }
}

#[test]
fn empty_filter_matches_everything() {
    assert!(runs("").is_empty());
    assert!(runs("   ").is_empty());
}

#[test]
fn conjunction_of_metric_param_and_tag() {
    let c = runs(
        "metrics.val_loss < 0.3 AND params.model = 'xgb' and tags.mlflow.parentRunId = \"abc123\"",
    );
    assert_eq!(
        c,
        vec![
            clause(Entity::Metric, "val_loss", Op::Lt, Literal::Number(0.3)),
            clause(Entity::Param, "model", Op::Eq, Literal::Text("xgb".into())),
            clause(
                Entity::Tag,
                "mlflow.parentRunId",
                Op::Eq,
                Literal::Text("abc123".into())
            ),
        ]
    );
}

#[test]
fn entity_aliases_and_bare_attributes() {
    for (f, entity) in [
        ("metric.a > 1", Entity::Metric),
        ("param.a = 'x'", Entity::Param),
        ("parameters.a = 'x'", Entity::Param),
        ("tag.a = 'x'", Entity::Tag),
        ("attr.status = 'FINISHED'", Entity::Attribute),
        ("run.status = 'FINISHED'", Entity::Attribute),
        ("status = 'FINISHED'", Entity::Attribute),
        ("`metrics`.a > 1", Entity::Metric),
        ("datasets.name = 'train'", Entity::Dataset),
    ] {
        assert_eq!(runs(f)[0].entity, entity, "{f}");
    }
}

#[test]
fn quoted_keys_with_double_quotes_and_backticks() {
    assert_eq!(runs("metrics.\"f1 score\" > 0.5")[0].key, "f1 score");
    assert_eq!(runs("tags.`user-name` = 'x'")[0].key, "user-name");
    assert_eq!(
        runs("tags.\"mlflow.runName\" LIKE '%x_'")[0].key,
        "mlflow.runName"
    );
    // A doubled delimiter inside the quotes stands for the delimiter itself.
    assert_eq!(runs("metrics.\"say \"\"hi\"\"\" > 1")[0].key, "say \"hi\"");
    assert_eq!(runs("params.`a``b` = 'x'")[0].key, "a`b");
    assert_eq!(
        runs("tags.x = 'it''s'")[0].value,
        Literal::Text("it's".into())
    );
}

#[test]
fn attribute_aliases_are_translated() {
    assert_eq!(runs("created > 5")[0].key, "start_time");
    assert_eq!(runs("attributes.Created > 5")[0].key, "start_time");
    assert_eq!(runs("attributes.\"run name\" = 'x'")[0].key, "run_name");
    assert_eq!(runs("\"Run Name\" = 'x'")[0].key, "run_name");
}

#[test]
fn operators_per_type() {
    assert_eq!(runs("metrics.a>=1")[0].op, Op::Ge);
    assert_eq!(runs("metrics.a != -1e3")[0].value, Literal::Number(-1000.0));
    assert_eq!(runs("params.x ILIKE 'A%'")[0].op, Op::ILike);
    assert_eq!(runs("tags.a IS NULL")[0].op, Op::IsNull);
    assert_eq!(runs("tags.a is not null")[0].op, Op::IsNotNull);
    assert_eq!(runs("params.a IS NOT NULL")[0].value, Literal::Null);
    let c = runs("attributes.run_id IN ('a', \"b\")");
    assert_eq!(c[0].op, Op::In);
    assert_eq!(c[0].value, Literal::List(vec!["a".into(), "b".into()]));
    assert_eq!(runs("attributes.run_id NOT IN ('a')")[0].op, Op::NotIn);
    // Like MLflow, lists are for run ids only.
    let err = runs_err("attributes.status IN ('FAILED','KILLED')");
    assert!(err.contains("Only ['run_id']"), "{err}");
    assert_eq!(
        runs("attributes.start_time >= 1.5")[0].value,
        Literal::Number(1.5)
    );
    assert_eq!(runs("attributes.artifact_uri LIKE '%x'")[0].op, Op::Like);
}

#[test]
fn repeated_and_trailing_and_are_tolerated_like_mlflow() {
    assert_eq!(runs("metrics.a > 1 AND AND metrics.b > 1").len(), 2);
    assert_eq!(runs("metrics.a >= 1 AND").len(), 1);
}

#[test]
fn invalid_filters_are_rejected_with_mlflow_messages() {
    for (f, needle) in [
        (
            "metrics.a < 1 OR metrics.b > 2",
            "Invalid clause(s) in filter string: 'OR'",
        ),
        (
            "(metrics.a > 1)",
            "Invalid clause(s) in filter string: '(metrics.a > 1)'",
        ),
        (
            "metrics.a",
            "Invalid clause(s) in filter string: 'metrics.a'",
        ),
        ("metrics.a > 1 ;", "Invalid clause(s) in filter string: ';'"),
        ("metrics.a >", "Invalid clause(s)"),
        (
            "metrics.a = 'x'",
            "Expected numeric value type for metric. Found 'x'",
        ),
        (
            "params.a = 1",
            "Expected a quoted string value for parameter (e.g. 'my-value'). Got value 1",
        ),
        ("tags.a IN ('x')", "Expected a quoted string value for tag"),
        ("params.a LIKE x", "Parameter value is either not quoted"),
        (
            "attributes.status > 1",
            "Expected a quoted string value for attributes. Got value 1",
        ),
        (
            "attributes.start_time > '5'",
            "Expected numeric value type for numeric attribute: start_time",
        ),
        ("foo.bar = 1", "Invalid entity type 'foo'"),
        (
            "lifecycle_stage = 'active'",
            "Invalid attribute key 'lifecycle_stage'",
        ),
        (
            "attributes.end_time IS NULL",
            "only supported for tags and params",
        ),
        ("metrics.a IS NULL", "only supported for tags and params"),
        ("metrics.a LIKE 1", "Invalid comparator 'LIKE' not one of"),
        ("metric.a == 1", "Invalid comparator '=='"),
        ("params.a <> 'x'", "Invalid comparator '<>'"),
        ("attributes.status < 'x'", "Invalid comparator '<'"),
        ("params.a NOT LIKE 'x'", "Invalid comparator 'NOT LIKE'"),
        ("attributes.run_id = ('a')", "Invalid comparator '='"),
        (
            "attributes.run_id IN 'a'",
            "Expected a list of quoted strings for 'IN'",
        ),
        ("attributes.run_id IN ()", "empty list"),
        ("attributes.run_id IN (1)", "different type in list"),
        ("params.a = 'unterminated", "unterminated quote"),
        ("datasets.schema = 'x'", "Invalid dataset key 'schema'"),
        ("metrics. > 1", "Invalid identifier 'metrics.'"),
        (
            "metrics.a > 1 metrics.b > 2",
            "Invalid clause(s) in filter string: 'metrics.b'",
        ),
    ] {
        let e = runs_err(f);
        assert!(e.contains(needle), "{f:?}: {e:?} lacks {needle:?}");
    }
}

#[test]
fn experiment_dialect() {
    let ok = |f: &str| parse_filter(f, Dialect::Experiments).unwrap();
    let bad = |f: &str| parse_filter(f, Dialect::Experiments).unwrap_err();
    assert_eq!(ok("name LIKE '/Shared/%'")[0].key, "name");
    assert_eq!(ok("attribute.name = 'x'")[0].entity, Entity::Attribute);
    assert_eq!(ok("creation_time > 5")[0].value, Literal::Number(5.0));
    assert_eq!(ok("tags.team IS NULL")[0].op, Op::IsNull);
    assert_eq!(ok("tags.`team` ILIKE 'CH%'")[0].key, "team");
    assert!(bad("metrics.a > 1").contains("Invalid entity type 'metrics'"));
    assert!(bad("name IS NULL").contains("only supported for tags"));
    assert!(bad("owner = 'x'").contains("Invalid attribute key 'owner'"));
    assert!(bad("last_update_time > 'x'").contains("Expected numeric value type"));
}

#[test]
fn registered_model_dialect() {
    let ok = |f: &str| parse_filter(f, Dialect::RegisteredModels).unwrap();
    let bad = |f: &str| parse_filter(f, Dialect::RegisteredModels).unwrap_err();
    assert_eq!(ok("name LIKE '%churn%'")[0].op, Op::Like);
    assert_eq!(ok("tags.team = 'fraud'")[0].entity, Entity::Tag);
    assert!(bad("tags.team IS NULL").contains("only supported for tags"));
    assert!(bad("user_id = 'x'").contains("Invalid attribute key"));
}

#[test]
fn clause_evaluation() {
    let c = &runs("metrics.loss <= 0.2")[0];
    assert!(c.matches_num(Some(0.2)));
    assert!(!c.matches_num(Some(0.3)));
    assert!(
        !c.matches_num(None),
        "a run without the metric never matches"
    );
    assert!(!c.matches_num(Some(f64::NAN)));
    let c = &runs("params.model != 'xgb'")[0];
    assert!(c.matches_str(Some("rf")));
    assert!(
        !c.matches_str(None),
        "a run without the param never matches, even for !="
    );
    let c = &runs("tags.mlflow.parentRunId IS NULL")[0];
    assert!(c.matches_str(None) && !c.matches_str(Some("p")));
    let c = &runs("attributes.run_id NOT IN ('a','b')")[0];
    assert!(c.matches_str(Some("c")) && !c.matches_str(Some("a")));
    let c = &runs("params.opt ILIKE 'ADA%'")[0];
    assert!(c.matches_str(Some("adam")));
}

#[test]
fn order_by_forms() {
    let p = |s: &str| parse_order_by(s, Dialect::Runs).unwrap();
    assert_eq!(
        p("metrics.loss ASC"),
        OrderBy {
            entity: Entity::Metric,
            key: "loss".into(),
            ascending: true
        }
    );
    assert!(!p("params.alpha DESC").ascending);
    assert_eq!(p("tags.`my tag` desc").key, "my tag");
    assert_eq!(p("metrics.\"f1 score\"").key, "f1 score");
    assert_eq!(p("attributes.start_time").key, "start_time");
    assert_eq!(p("created DESC").key, "start_time");
    assert_eq!(p("run_name").entity, Entity::Attribute);
    let e = |s: &str| parse_order_by(s, Dialect::Runs).unwrap_err();
    assert!(e("metrics.a up").contains("Invalid ordering key"));
    assert!(e("metrics.a ASC DESC").contains("Could not be parsed"));
    assert!(e("foo.x").contains("Invalid entity type 'foo'"));
    assert!(e("attributes.experiment_id").contains("Invalid attribute key"));
    assert!(e("").contains("Could not be parsed"));

    let x = |s: &str| parse_order_by(s, Dialect::Experiments);
    assert_eq!(x("name DESC").unwrap().key, "name");
    assert_eq!(
        x("attribute.last_update_time").unwrap().key,
        "last_update_time"
    );
    assert!(
        x("tags.team")
            .unwrap_err()
            .contains("Invalid order_by entity")
    );
    let m = |s: &str| parse_order_by(s, Dialect::RegisteredModels);
    assert_eq!(m("timestamp DESC").unwrap().key, "creation_timestamp");
    assert!(m("user_id").is_err());
}

#[test]
fn missing_and_nan_sort_last_in_both_directions() {
    use SortValue::*;
    let mut v = [Missing, Num(2.0), Num(f64::NAN), Num(1.0)];
    v.sort_by(|a, b| compare(a, b, true));
    assert!(
        matches!(v[..], [Num(a), Num(b), Num(n), Missing] if a == 1.0 && b == 2.0 && n.is_nan())
    );
    v.sort_by(|a, b| compare(a, b, false));
    assert!(
        matches!(v[..], [Num(a), Num(b), Num(n), Missing] if a == 2.0 && b == 1.0 && n.is_nan())
    );
    assert_eq!(
        compare(&Text("a".into()), &Text("b".into()), false),
        Ordering::Greater
    );
    assert_eq!(
        compare(&id_value("10"), &id_value("9"), true),
        Ordering::Greater
    );
}
