//! Run outputs, repairs and the status-first reading of runs and task runs, against answers
//! shaped like the real service's (Jobs API 2.2 docs and the SDK's `jobs.py` dataclasses).

use super::*;
use crate::api::models::jobs::*;

/// A multi-task run that failed in its second task, as `runs/get` answers it on 2.2.
const FAILED_RUN: &str = r#"{
  "job_id": 553311, "run_id": 9001, "number_in_job": 9001, "creator_user_name": "ml-eng@acme.com",
  "run_name": "churn-batch-score", "trigger": "PERIODIC", "run_type": "JOB_RUN",
  "start_time": 1767225600000, "end_time": 1767226500000, "run_duration": 900000,
  "setup_duration": 0, "execution_duration": 0, "cleanup_duration": 0,
  "state": {"life_cycle_state": "TERMINATED", "result_state": "FAILED",
            "state_message": "Task score failed with message: MlflowException: alias not found.",
            "user_cancelled_or_timedout": false},
  "status": {"state": "TERMINATED",
             "termination_details": {"code": "RUN_EXECUTION_ERROR", "type": "CLIENT_ERROR",
                                     "message": "Task score failed with message: MlflowException: alias not found."}},
  "job_parameters": [{"name": "output_table", "default": "main.ml.churn_scores"}],
  "tasks": [
    {"task_key": "load_features", "run_id": 9002, "attempt_number": 0,
     "start_time": 1767225603000, "end_time": 1767225843000,
     "setup_duration": 0, "execution_duration": 240000, "cleanup_duration": 0,
     "state": {"life_cycle_state": "TERMINATED", "result_state": "SUCCESS"},
     "status": {"state": "TERMINATED", "termination_details": {"code": "SUCCESS", "type": "SUCCESS"}},
     "notebook_task": {"notebook_path": "/Repos/churn/04a_load_features"}, "cluster_instance": {"cluster_id": "x"}},
    {"task_key": "score", "run_id": 9003, "attempt_number": 0, "depends_on": [{"task_key": "load_features"}],
     "run_if": "ALL_SUCCESS", "start_time": 1767225843000, "end_time": 1767226203000,
     "state": {"life_cycle_state": "TERMINATED", "result_state": "FAILED",
               "state_message": "MlflowException: alias not found."},
     "status": {"state": "TERMINATED", "termination_details": {"code": "RUN_EXECUTION_ERROR",
                "type": "CLIENT_ERROR", "message": "MlflowException: alias not found."}}},
    {"task_key": "write_predictions", "run_id": 9004, "depends_on": [{"task_key": "score"}],
     "start_time": 0, "end_time": 1767226203000,
     "state": {"life_cycle_state": "TERMINATED", "result_state": "UPSTREAM_FAILED"},
     "status": {"state": "TERMINATED", "termination_details": {"code": "SKIPPED", "type": "SUCCESS",
                "message": "Upstream task(s) failed."}}}
  ],
  "repair_history": [
    {"type": "ORIGINAL", "start_time": 1767225600000, "end_time": 1767226500000, "task_run_ids": [9002, 9003, 9004]},
    {"type": "REPAIR", "id": 734650698524280, "start_time": 1767230000000, "end_time": 1767230100000,
     "task_run_ids": [9005, 9006]},
    {"type": "SOMETHING_NEW", "id": 12}
  ],
  "next_page_token": "CAEQAA"
}"#;

#[test]
fn a_failed_multi_task_run_reads_task_by_task() {
    let run: JobRun = serde_json::from_str(FAILED_RUN).unwrap();
    assert!(run.is_terminal() && run.ended_badly());
    assert_eq!(run.state_label(), "TERMINATED FAILED");
    let ended = run.termination().unwrap();
    assert_eq!(ended.code, Some(TerminationCode::RunExecutionError));
    assert_eq!(ended.kind, Some(TerminationType::ClientError));
    assert!(run.message().starts_with("Task score failed"));
    assert_eq!(run.duration_ms(), Some(900_000));
    assert_eq!(run.trigger, Some(TriggerType::Periodic));
    assert_eq!(run.creator_user_name.as_deref(), Some("ml-eng@acme.com"));

    let keys: Vec<&str> = run.failed_tasks().map(|t| t.task_key.as_str()).collect();
    assert_eq!(keys, ["score", "write_predictions"]);
    let load = run.task("load_features").unwrap();
    assert!(load.succeeded());
    assert_eq!(load.duration_ms(), Some(240_000), "the phases add up");
    assert_eq!(
        load.notebook_task.as_ref().unwrap().notebook_path,
        "/Repos/churn/04a_load_features"
    );
    let score = run.task("score").unwrap();
    assert_eq!(score.message(), "MlflowException: alias not found.");
    assert_eq!(score.depends_on[0].task_key, "load_features");
    assert_eq!(score.run_if.as_deref(), Some("ALL_SUCCESS"));
    assert_eq!(
        score.duration_ms(),
        Some(360_000),
        "end − start without phases"
    );
    let skipped = run.task("write_predictions").unwrap();
    assert_eq!(
        skipped.termination().unwrap().code,
        Some(TerminationCode::Skipped)
    );
    assert_eq!(skipped.duration_ms(), None, "it never started");

    assert_eq!(run.repair_history.len(), 3);
    assert_eq!(run.repair_history[0].kind, Some(RepairType::Original));
    assert_eq!(
        run.repair_history[2].kind,
        Some(RepairType::Other("SOMETHING_NEW".into()))
    );
    assert_eq!(run.latest_repair_id(), Some(734_650_698_524_280));
    assert_eq!(run.next_page_token.as_deref(), Some("CAEQAA"));
}

#[test]
fn status_wins_over_the_deprecated_state_when_they_disagree() {
    // A service that moved `status` on before `state` (or a stale `state`): `status` is read.
    let run: JobRun = serde_json::from_str(
        r#"{"state": {"life_cycle_state": "RUNNING", "state_message": "old"},
            "status": {"state": "TERMINATED", "termination_details":
                       {"code": "USER_CANCELED", "type": "SUCCESS", "message": "Cancelled by ana"}}}"#,
    )
    .unwrap();
    assert_eq!(run.life_cycle_state(), Some(RunLifeCycleState::Terminated));
    assert!(run.is_terminal() && !run.succeeded());
    assert_eq!(run.message(), "Cancelled by ana");
    assert_eq!(run.state_label(), "TERMINATED USER_CANCELED");
    // The legacy word stays when it refines TERMINATED (what the SDK waiter fails on).
    let internal: JobRun = serde_json::from_str(
        r#"{"state": {"life_cycle_state": "INTERNAL_ERROR", "result_state": "FAILED"},
            "status": {"state": "TERMINATED", "termination_details": {"code": "CLUSTER_ERROR",
                       "type": "CLOUD_FAILURE", "message": "Spot instance termination."}}}"#,
    )
    .unwrap();
    assert_eq!(
        internal.life_cycle_state(),
        Some(RunLifeCycleState::InternalError)
    );
    assert_eq!(
        internal.termination().unwrap().kind,
        Some(TerminationType::CloudFailure)
    );
}

#[test]
fn the_deprecated_state_alone_still_reads() {
    let canceled: JobRun = serde_json::from_str(
        r#"{"state": {"life_cycle_state": "TERMINATED", "result_state": "CANCELED",
                      "state_message": "Run cancelled.", "user_cancelled_or_timedout": true}}"#,
    )
    .unwrap();
    assert!(canceled.is_terminal() && !canceled.succeeded());
    let ended = canceled.termination().unwrap();
    assert_eq!(ended.code, Some(TerminationCode::UserCanceled));
    assert_eq!(ended.message, "Run cancelled.");
    let ok: JobRun = serde_json::from_str(
        r#"{"state": {"life_cycle_state": "TERMINATED", "result_state": "SUCCESS"}}"#,
    )
    .unwrap();
    assert!(ok.succeeded());
    let running: JobRun =
        serde_json::from_str(r#"{"state": {"life_cycle_state": "PENDING"}, "start_time": 5}"#)
            .unwrap();
    assert_eq!(running.termination(), None);
    assert_eq!(running.duration_ms(), None);
    assert_eq!(running.latest_repair_id(), None);
}

#[test]
fn run_output_of_a_task_with_its_result_or_error() {
    let ok: RunOutput = serde_json::from_str(
        r#"{"metadata": {"run_id": 9004, "job_id": 553311, "job_run_id": 9001,
                         "state": {"life_cycle_state": "TERMINATED", "result_state": "SUCCESS"}},
            "notebook_output": {"result": "{\"rows_scored\": 48213, \"output_table\": \"main.ml.churn_scores\", \"ok\": true}",
                                "truncated": false},
            "logs_truncated": false}"#,
    )
    .unwrap();
    let meta = ok.metadata.as_ref().unwrap();
    assert_eq!((meta.run_id, meta.job_run_id), (9004, Some(9001)));
    let mut reported = ok.reported();
    reported.sort();
    assert_eq!(
        reported,
        vec![
            ("ok".to_string(), "true".to_string()),
            (
                "output_table".to_string(),
                "main.ml.churn_scores".to_string()
            ),
            ("rows_scored".to_string(), "48213".to_string()),
        ]
    );
    let failed: RunOutput = serde_json::from_str(
        r#"{"metadata": {"run_id": 9003}, "error": "ValueError: bad",
            "error_trace": "Traceback (most recent call last):\n ...\nValueError: bad",
            "logs": null, "sql_output": {"query_output": {}}}"#,
    )
    .unwrap();
    assert_eq!(failed.error.as_deref(), Some("ValueError: bad"));
    assert!(
        failed
            .error_trace
            .as_deref()
            .unwrap()
            .starts_with("Traceback")
    );
    assert!(failed.reported().is_empty());
    let text: RunOutput =
        serde_json::from_str(r#"{"notebook_output": {"result": "done"}}"#).unwrap();
    assert!(text.reported().is_empty(), "a plain-text exit value");
    let empty: RunOutput = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, RunOutput::default());
}

#[test]
fn repair_request_and_answer_shapes() {
    let first = RepairRunRequest {
        run_id: 9001,
        rerun_all_failed_tasks: Some(true),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_string(&first).unwrap(),
        r#"{"run_id":9001,"rerun_all_failed_tasks":true}"#
    );
    let again = RepairRunRequest {
        run_id: 9001,
        rerun_tasks: vec!["score".into()],
        latest_repair_id: Some(7),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_string(&again).unwrap(),
        r#"{"run_id":9001,"rerun_tasks":["score"],"latest_repair_id":7}"#
    );
    let answer: RepairRunResponse =
        serde_json::from_str(r#"{"repair_id": "734650698524280"}"#).unwrap();
    assert_eq!(answer.repair_id, Some(734_650_698_524_280));
}
