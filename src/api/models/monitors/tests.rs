use serde_json::json;

use super::data_quality::{DqMonitor, DqRefresh};
use super::legacy::{MonitorInfo, MonitorRefreshInfo};
use super::*;

fn dq(v: serde_json::Value) -> Monitor {
    let m: DqMonitor = serde_json::from_value(v).unwrap();
    Monitor::from_data_quality("main.ml.t", &m)
}

fn legacy(v: serde_json::Value) -> Monitor {
    let m: MonitorInfo = serde_json::from_value(v).unwrap();
    Monitor::from_legacy("main.ml.t", Some("id-1".into()), &m)
}

#[test]
fn both_apis_read_into_the_same_monitor() {
    let new = dq(json!({
        "object_type": "table", "object_id": "id-1",
        "data_profiling_config": {
            "output_schema_id": "schema-uuid",
            "monitored_table_name": "main.ml.t",
            "status": "DATA_PROFILING_STATUS_ACTIVE",
            "profile_metrics_table_name": "main.ml.t_profile_metrics",
            "drift_metrics_table_name": "main.ml.t_drift_metrics",
            "baseline_table_name": "main.ml.base",
            "slicing_exprs": ["contract_type"],
            "monitor_version": "3",
            "schedule": {"quartz_cron_expression": "0 0 6 * * ?", "timezone_id": "UTC",
                         "pause_status": "CRON_SCHEDULE_PAUSE_STATUS_UNPAUSED"},
            "inference_log": {"problem_type": "INFERENCE_PROBLEM_TYPE_CLASSIFICATION",
                "prediction_column": "prediction", "label_column": "label",
                "model_id_column": "model_id", "timestamp_column": "timestamp",
                "granularities": ["AGGREGATION_GRANULARITY_1_DAY"]}
        }
    }));
    let old = legacy(json!({
        "table_name": "main.ml.t",
        "status": "MONITOR_STATUS_ACTIVE",
        "output_schema_name": "schema-uuid",
        "profile_metrics_table_name": "main.ml.t_profile_metrics",
        "drift_metrics_table_name": "main.ml.t_drift_metrics",
        "baseline_table_name": "main.ml.base",
        "slicing_exprs": ["contract_type"],
        "monitor_version": 3,
        "schedule": {"quartz_cron_expression": "0 0 6 * * ?", "timezone_id": "UTC",
                     "pause_status": "UNPAUSED"},
        "inference_log": {"problem_type": "PROBLEM_TYPE_CLASSIFICATION",
            "prediction_col": "prediction", "label_col": "label",
            "model_id_col": "model_id", "timestamp_col": "timestamp",
            "granularities": ["1 day"]}
    }));
    assert_eq!(new.api, MonitorApi::DataQuality);
    assert_eq!(old.api, MonitorApi::Legacy);
    assert_eq!(
        Monitor {
            api: MonitorApi::Legacy,
            ..new.clone()
        },
        old
    );
    assert_eq!(new.status, Some(MonitorStatus::Active));
    assert_eq!(new.monitor_version, Some(3));
    assert!(new.metric_tables_ready());
    match &new.kind {
        MonitorKind::InferenceLog {
            problem_type,
            model_id_column,
            granularities,
            ..
        } => {
            assert_eq!(problem_type, &Some(ProblemType::Classification));
            assert_eq!(model_id_column.as_deref(), Some("model_id"));
            assert_eq!(granularities, &["1 day"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        new.schedule.as_ref().unwrap().pause_status.as_deref(),
        Some("UNPAUSED")
    );
}

#[test]
fn unknown_enum_values_are_kept_as_sent() {
    let m = dq(json!({
        "object_type": "table", "object_id": "id-1",
        "data_profiling_config": {
            "status": "DATA_PROFILING_STATUS_HIBERNATING",
            "time_series": {"timestamp_column": "ts",
                "granularities": ["AGGREGATION_GRANULARITY_1_HOUR", "AGGREGATION_GRANULARITY_2_DAYS"]}
        }
    }));
    assert_eq!(
        m.status,
        Some(MonitorStatus::Other(
            "DATA_PROFILING_STATUS_HIBERNATING".into()
        ))
    );
    assert_eq!(
        m.kind,
        MonitorKind::TimeSeries {
            timestamp_column: Some("ts".into()),
            granularities: vec!["1 hour".into(), "AGGREGATION_GRANULARITY_2_DAYS".into()],
        }
    );
    let l = legacy(json!({"table_name": "main.ml.t", "status": 7,
        "inference_log": {"problem_type": "PROBLEM_TYPE_RANKING"}}));
    assert_eq!(l.status, Some(MonitorStatus::Other("7".into())));
    assert!(matches!(
        l.kind,
        MonitorKind::InferenceLog { problem_type: Some(ProblemType::Other(ref p)), .. }
            if p == "PROBLEM_TYPE_RANKING"
    ));
    let r: DqRefresh = serde_json::from_value(json!({
        "refresh_id": "12", "state": "MONITOR_REFRESH_STATE_QUEUED",
        "trigger": "MONITOR_REFRESH_TRIGGER_DATA_CHANGE"
    }))
    .unwrap();
    let r = Refresh::from_data_quality(&r).unwrap();
    assert_eq!(r.refresh_id, 12);
    assert_eq!(
        r.state,
        RefreshState::Other("MONITOR_REFRESH_STATE_QUEUED".into())
    );
    assert!(
        !r.state.is_active(),
        "an unknown state is shown, not followed"
    );
    assert_eq!(r.trigger, Some(RefreshTrigger::DataChange));
    let l: MonitorRefreshInfo = serde_json::from_value(
        json!({"refresh_id": 3, "state": "RUNNING", "trigger": "UNKNOWN_TRIGGER"}),
    )
    .unwrap();
    let l = Refresh::from_legacy(&l).unwrap();
    assert!(l.state.is_active());
    assert_eq!(l.trigger, Some(RefreshTrigger::Unknown));
}

#[test]
fn missing_fields_read_as_absent_not_as_errors() {
    let m = dq(json!({"object_type": "table", "object_id": "id-1",
        "data_profiling_config": {"status": "DATA_PROFILING_STATUS_PENDING",
            "snapshot": {}, "profile_metrics_table_name": ""}}));
    assert_eq!(
        m.table, "main.ml.t",
        "the name asked for when the answer has none"
    );
    assert_eq!(m.kind, MonitorKind::Snapshot);
    assert_eq!(m.schedule, None, "no schedule is shown as such");
    assert_eq!(m.profile_metrics_table, None);
    assert!(!m.metric_tables_ready());
    let bare = dq(json!({}));
    assert_eq!(bare.kind, MonitorKind::Unknown);
    assert_eq!(bare.status, None);
    assert_eq!(bare.table_id, None);
    let l = legacy(json!({"slicing_exprs": null, "schedule": null}));
    assert!(l.slicing_exprs.is_empty() && l.schedule.is_none());
    let r: DqRefresh =
        serde_json::from_value(json!({"state": "MONITOR_REFRESH_STATE_SUCCESS"})).unwrap();
    assert_eq!(Refresh::from_data_quality(&r), None, "no id: no refresh");
    let r: MonitorRefreshInfo = serde_json::from_value(json!({"refresh_id": 4})).unwrap();
    let r = Refresh::from_legacy(&r).unwrap();
    assert_eq!(r.state, RefreshState::Unknown);
    assert_eq!(
        (r.start_time_ms, r.end_time_ms, r.trigger),
        (None, None, None)
    );
}
