//! The engine against the demo tables, without HTTP: the answers are computed by SQL over the
//! stored rows, and the story (PRODUCT §9) is in the data.

use super::engine::{Answer, Engine};
use super::failure::Failure;
use super::*;
use crate::api::models::sql::StatementParameter;

const ANCHOR: i64 = 1_780_000_000_000;

fn engine() -> Engine {
    build_demo(42, ANCHOR).expect("the demo tables build")
}

fn run(e: &Engine, sql: &str) -> Answer {
    e.run(sql, &[], "main", "default", 100_000)
        .unwrap_or_else(|f| panic!("{sql}: {f:?}"))
}

fn fail(e: &Engine, sql: &str) -> Failure {
    match e.run(sql, &[], "main", "default", 100_000) {
        Err(f) => f,
        Ok(a) => panic!("{sql} answered {:?}", a.rows.first()),
    }
}

fn num(cell: &Option<String>) -> f64 {
    cell.as_deref()
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN)
}

#[test]
fn struct_fields_three_part_names_group_and_order_by_work() {
    let e = engine();
    let a = run(
        &e,
        "SELECT window.start, column_name, population_stability_index AS psi, ks_test.pvalue \
         FROM `main`.`ml`.`churn_inference_drift_metrics` \
         WHERE drift_type = 'CONSECUTIVE' AND slice_key IS NULL AND model_id = '*' \
           AND column_name = 'tenure_months' ORDER BY window.start",
    );
    let names: Vec<&str> = a.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["start", "column_name", "psi", "pvalue"]);
    assert_eq!(a.columns[0].type_text.as_deref(), Some("TIMESTAMP"));
    assert_eq!(a.columns[3].type_text.as_deref(), Some("DOUBLE"));
    assert_eq!(
        a.rows.len(),
        29,
        "one consecutive comparison per window after the first"
    );
    let starts: Vec<&str> = a.rows.iter().map(|r| r[0].as_deref().unwrap()).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted);
    assert!(starts[0].ends_with("T00:00:00.000Z"), "{}", starts[0]);

    let g = run(
        &e,
        "SELECT d.column_name, count(*) AS n, max(d.window.end) AS last \
         FROM main.ml.churn_inference_drift_metrics d WHERE d.drift_type = \"BASELINE\" \
         GROUP BY d.column_name ORDER BY n DESC, d.column_name LIMIT 3",
    );
    assert_eq!(g.rows.len(), 3);
    assert_eq!(
        g.columns[1].type_name,
        Some(crate::api::models::sql::ColumnTypeName::Long)
    );
    // 30 windows × (whole table + 3 slices) × 3 model ids.
    assert_eq!(g.rows[0][1].as_deref(), Some("360"));
}

#[test]
fn tenure_drifts_past_the_psi_threshold_in_the_last_windows_and_the_rest_stay_stable() {
    let e = engine();
    let a = run(
        &e,
        "SELECT column_name, window.start AS ws, population_stability_index FROM \
         main.ml.churn_inference_drift_metrics WHERE drift_type = 'CONSECUTIVE' \
         AND slice_key IS NULL AND model_id = '*' AND column_name IN \
         ('tenure_months', 'monthly_charges', 'num_support_calls') ORDER BY ws",
    );
    let windows: Vec<&str> = {
        let mut w: Vec<&str> = a.rows.iter().map(|r| r[1].as_deref().unwrap()).collect();
        w.dedup();
        w
    };
    assert_eq!(windows.len(), 29);
    for r in &a.rows {
        let col = r[0].as_deref().unwrap();
        let at = windows
            .iter()
            .position(|w| Some(*w) == r[1].as_deref())
            .unwrap();
        let psi = num(&r[2]);
        // Window index (0-based over all 30) is `at + 1`; the drift starts at 20.
        if col == "tenure_months" && at + 1 >= demo_data::DRIFT_FROM {
            assert!(psi > 0.1, "{col} window {} psi {psi}", at + 1);
        } else {
            assert!(psi < 0.1, "{col} window {} psi {psi}", at + 1);
        }
    }
}

#[test]
fn every_profile_row_has_a_value_for_every_column() {
    let e = engine();
    // A row of the wrong width would not have loaded; read a string column's profile back.
    let a = run(
        &e,
        "SELECT min_length, max_length, frequent_items, non_null_columns, median \
         FROM main.ml.churn_inference_profile_metrics WHERE column_name = 'contract_type' \
         AND slice_key IS NULL AND model_id = '*' LIMIT 1",
    );
    assert_eq!(a.rows[0][0].as_deref(), Some("8"));
    assert_eq!(a.rows[0][1].as_deref(), Some("14"));
    let items: serde_json::Value = serde_json::from_str(a.rows[0][2].as_deref().unwrap()).unwrap();
    assert_eq!(items[0]["item"], "month-to-month");
    assert!(a.rows[0][3].is_none() && a.rows[0][4].is_none());
    let t = run(
        &e,
        "SELECT non_null_columns FROM main.ml.churn_inference_profile_metrics \
         WHERE column_name = ':table' LIMIT 1",
    );
    assert!(t.rows[0][0].as_deref().unwrap().contains("tenure_months"));
}

#[test]
fn version_4_quality_falls_after_the_drift() {
    let e = engine();
    let p = [StatementParameter::new("model", "4", "STRING")];
    let a = e
        .run(
            "SELECT window.start AS ws, accuracy_score, f1_score.macro AS f1 \
             FROM main.ml.churn_inference_profile_metrics \
             WHERE column_name = ':table' AND slice_key IS NULL AND model_id = :model \
             ORDER BY ws",
            &p,
            "main",
            "default",
            1000,
        )
        .unwrap();
    assert_eq!(a.rows.len(), 30);
    let mean = |rows: &[Vec<Option<String>>]| {
        rows.iter().map(|r| num(&r[1])).sum::<f64>() / rows.len() as f64
    };
    let (before, after) = (mean(&a.rows[..20]), mean(&a.rows[25..]));
    assert!(before > 0.84 && after < 0.8, "{before} {after}");
    assert!(a.rows.iter().all(|r| num(&r[2]) > 0.0 && num(&r[2]) < 1.0));
}

#[test]
fn parameters_are_bound_not_spliced() {
    let e = engine();
    let evil = "x' OR '1'='1";
    let p = [StatementParameter::new("c", evil, "STRING")];
    let a = e
        .run(
            "SELECT count(*) FROM main.ml.churn_inference_drift_metrics WHERE column_name = :c",
            &p,
            "main",
            "default",
            10,
        )
        .unwrap();
    assert_eq!(a.rows[0][0].as_deref(), Some("0"));
    let f = e
        .run("SELECT :missing", &[], "main", "default", 10)
        .unwrap_err();
    assert_eq!(f.sql_state, "42P02");
    let bad = [StatementParameter::new("n", "ten", "INT")];
    assert_eq!(
        e.run("SELECT :n", &bad, "main", "default", 10)
            .unwrap_err()
            .sql_state,
        "22018"
    );
}

#[test]
fn describe_and_information_schema_answer_from_the_catalog() {
    let e = engine();
    let d = run(&e, "DESCRIBE TABLE main.ml.churn_inference_drift_metrics");
    let names: Vec<&str> = d.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["col_name", "data_type", "comment"]);
    let window = d
        .rows
        .iter()
        .find(|r| r[0].as_deref() == Some("window"))
        .unwrap();
    assert_eq!(
        window[1].as_deref(),
        Some("struct<start:timestamp,end:timestamp>")
    );
    assert!(d.rows.iter().any(|r| r[0].as_deref() == Some("ks_test")));
    let t = run(
        &e,
        "SELECT table_catalog, table_schema, table_name FROM information_schema.tables \
         WHERE table_schema = 'ml' AND table_name LIKE '%_metrics' ORDER BY table_name",
    );
    let tables: Vec<&str> = t.rows.iter().map(|r| r[2].as_deref().unwrap()).collect();
    assert_eq!(
        tables,
        [
            "churn_inference_drift_metrics",
            "churn_inference_profile_metrics"
        ]
    );
    let c = run(
        &e,
        "SELECT column_name, data_type, full_data_type FROM system.information_schema.columns \
         WHERE table_name = 'churn_inference_profile_metrics' AND column_name = 'f1_score'",
    );
    assert_eq!(c.rows[0][1].as_deref(), Some("STRUCT"));
}

#[test]
fn odd_and_unsupported_sql_fails_like_a_warehouse_and_never_panics() {
    let e = engine();
    assert_eq!(fail(&e, "SELEC 1").sql_state, "42601");
    assert_eq!(fail(&e, "SELECT * FROM main.ml.nope").sql_state, "42P01");
    assert_eq!(fail(&e, "SELECT * FROM sqlite_master").sql_state, "42P01");
    assert_eq!(
        fail(&e, "DROP TABLE main.ml.churn_inference").sql_state,
        "0A000"
    );
    assert_eq!(
        fail(&e, "SELECT nope FROM main.ml.churn_inference").sql_state,
        "42703"
    );
    assert_eq!(
        fail(
            &e,
            "SELECT window.nope FROM main.ml.churn_inference_drift_metrics"
        )
        .sql_state,
        "42704"
    );
    assert_eq!(fail(&e, "SELECT 1; SELECT 2").sql_state, "42601");
    let deep = format!("SELECT {}1{}", "(".repeat(5000), ")".repeat(5000));
    let long_chain = format!("SELECT 1{}", "+1".repeat(20_000));
    for sql in [
        "",
        ";",
        "SELECT",
        "SELECT * FROM json_each('[1]')",
        "SELECT * FROM pragma_table_info('x')",
        "SELECT ?",
        "SELECT $1",
        "ATTACH DATABASE 'x' AS y",
        "PRAGMA table_info('x')",
        "SELECT zeroblob(1000000000)",
        "SELECT x FROM (SELECT 1 AS x) t WHERE t.x.y = 1",
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r) SELECT count(*) FROM r",
        "SELECT '\u{0}'",
        deep.as_str(),
        long_chain.as_str(),
    ] {
        let _ = e.run(sql, &[], "main", "default", 10);
    }
}
