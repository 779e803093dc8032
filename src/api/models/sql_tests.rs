//! Warehouse and statement answers shaped like the real service's (reference §8, the SDK's
//! `sql.py` dataclasses), including what it may add later.

use super::*;

#[test]
fn a_succeeded_statement_decodes_with_schema_chunks_and_null_cells() {
    let body = r#"{"statement_id":"01ef-a","status":{"state":"SUCCEEDED"},
      "manifest":{"format":"JSON_ARRAY","schema":{"column_count":2,"columns":[
        {"name":"window","position":0,"type_name":"STRUCT","type_text":"STRUCT<start: TIMESTAMP, end: TIMESTAMP>"},
        {"name":"js_distance","position":1,"type_name":"DOUBLE","type_text":"DOUBLE"}]},
        "total_chunk_count":2,"total_row_count":3,"truncated":false,
        "chunks":[{"chunk_index":0,"row_offset":0,"row_count":2},{"chunk_index":1,"row_offset":2,"row_count":1}]},
      "result":{"chunk_index":0,"row_offset":0,"row_count":2,
        "data_array":[["{\"start\":\"2025-08-22T11:00:00.000Z\"}","0.013"],[null,"0.2"]],
        "next_chunk_index":1,"next_chunk_internal_link":"/api/2.0/sql/statements/01ef-a/result/chunks/1"}}"#;
    let r: StatementResponse = serde_json::from_str(body).unwrap();
    assert_eq!(r.status.state, StatementState::Succeeded);
    let m = r.manifest.unwrap();
    assert_eq!(m.schema.columns[0].type_name, Some(ColumnTypeName::Struct));
    assert_eq!(m.schema.columns[1].position, 1);
    assert_eq!(m.total_chunk_count, Some(2));
    assert_eq!(m.chunks[1].row_offset, 2);
    let data = r.result.unwrap();
    assert_eq!(data.data_array[1], vec![None, Some("0.2".to_string())]);
    assert_eq!(data.next_chunk_index, Some(1));
}

#[test]
fn unknown_fields_states_and_types_are_kept_not_fatal() {
    let body = r#"{"statement_id":"s","status":{"state":"QUEUED_SOMEWHERE","extra":1},
      "manifest":{"schema":{"columns":[{"name":"g","position":"0","type_name":"GEOGRAPHY"}]},"new":true},
      "result":{"data_array":[[1, true, {"a":1}, "x"]]}, "query_tags":[]}"#;
    let r: StatementResponse = serde_json::from_str(body).unwrap();
    assert_eq!(
        r.status.state,
        StatementState::Other("QUEUED_SOMEWHERE".into())
    );
    assert!(!r.status.state.is_active());
    let col = &r.manifest.unwrap().schema.columns[0];
    assert_eq!(
        col.type_name,
        Some(ColumnTypeName::Other("GEOGRAPHY".into()))
    );
    assert_eq!(
        r.result.unwrap().data_array[0],
        vec![
            Some("1".to_string()),
            Some("true".to_string()),
            Some(r#"{"a":1}"#.to_string()),
            Some("x".to_string())
        ]
    );
}

#[test]
fn a_failed_statement_carries_the_warehouse_error_and_no_result() {
    let body = r#"{"statement_id":"s","status":{"state":"FAILED","sql_state":"42P01",
      "error":{"error_code":"BAD_REQUEST","message":"[TABLE_OR_VIEW_NOT_FOUND] nope"}}}"#;
    let r: StatementResponse = serde_json::from_str(body).unwrap();
    assert_eq!(r.status.state, StatementState::Failed);
    assert_eq!(r.status.sql_state.as_deref(), Some("42P01"));
    let e = r.status.error.unwrap();
    assert_eq!(e.error_code.as_deref(), Some("BAD_REQUEST"));
    assert!(r.manifest.is_none() && r.result.is_none());
}

#[test]
fn a_pending_answer_without_manifest_or_result_decodes() {
    let r: StatementResponse =
        serde_json::from_str(r#"{"statement_id":"s","status":{"state":"PENDING"}}"#).unwrap();
    assert!(r.status.state.is_active());
    assert!(r.result.is_none());
    let empty: StatementResponse = serde_json::from_str("{}").unwrap();
    assert!(empty.statement_id.is_empty());
}

#[test]
fn malformed_rows_are_an_error_not_a_panic() {
    for body in [
        r#"{"data_array":"rows"}"#,
        r#"{"data_array":[1,2]}"#,
        "<html><body>502 Bad Gateway</body></html>",
    ] {
        assert!(serde_json::from_str::<ResultData>(body).is_err(), "{body}");
    }
    let r: ResultData = serde_json::from_str(r#"{"data_array":null}"#).unwrap();
    assert!(r.data_array.is_empty());
}

#[test]
fn warehouses_decode_with_unknown_states() {
    let body = r#"{"warehouses":[
      {"id":"a1","name":"Shared serverless","state":"RUNNING","cluster_size":"Small","num_clusters":1},
      {"id":"b2","name":"Old","state":"HIBERNATING","health":{"status":"HEALTHY"}},
      {"id":"c3","name":"No state"}]}"#;
    let r: ListWarehousesResponse = serde_json::from_str(body).unwrap();
    assert!(r.warehouses[0].is_running());
    assert_eq!(
        r.warehouses[1].state,
        Some(WarehouseState::Other("HIBERNATING".into()))
    );
    assert!(!r.warehouses[1].is_running() && r.warehouses[2].state.is_none());
    let none: ListWarehousesResponse = serde_json::from_str("{}").unwrap();
    assert!(none.warehouses.is_empty());
}

#[test]
fn the_execute_request_sends_parameters_with_their_type_field() {
    let req = ExecuteStatementRequest {
        statement: "SELECT :x".into(),
        warehouse_id: "w".into(),
        parameters: vec![
            StatementParameter::new("x", "it's", "STRING"),
            StatementParameter {
                name: "n".into(),
                value: None,
                type_: None,
            },
        ],
        wait_timeout: Some("0s".into()),
        ..Default::default()
    };
    let v = serde_json::to_value(&req).unwrap();
    assert_eq!(
        v["parameters"],
        serde_json::json!([{"name":"x","value":"it's","type":"STRING"},{"name":"n"}])
    );
    assert_eq!(v["wait_timeout"], "0s");
    assert!(v.get("catalog").is_none());
}
