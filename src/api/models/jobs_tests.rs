//! Jobs shapes against answers shaped like the real service's (Jobs API 2.2 docs and the SDK's
//! `jobs.py` dataclasses), including values this build does not know.

use super::*;

const JOB: &str = r#"{
  "job_id": 907245117743512,
  "creator_user_name": "ml-eng@acme.com",
  "run_as_user_name": "ml-eng@acme.com",
  "created_time": 1767225600000,
  "settings": {
    "name": "churn-retrain",
    "tags": {"team": "churn", "cost-center": 42},
    "tasks": [
      {"task_key": "train", "notebook_task": {"notebook_path": "/Repos/churn/03_retrain",
        "base_parameters": {"x": "1"}, "source": "WORKSPACE"},
       "existing_cluster_id": "0101-abc", "libraries": [{"pypi": {"package": "xgboost"}}]},
      {"task_key": "register", "depends_on": [{"task_key": "train"}], "spark_python_task": {}}
    ],
    "parameters": [{"name": "max_depth", "default": "6"}, {"name": "learning_rate", "default": "0.06"}],
    "schedule": {"quartz_cron_expression": "0 0 2 * * ?", "timezone_id": "UTC", "pause_status": "SOMETIMES"},
    "max_concurrent_runs": 1,
    "timeout_seconds": 0,
    "queue": {"enabled": true},
    "format": "MULTI_TASK",
    "email_notifications": {},
    "webhook_notifications": {}
  },
  "has_more": false
}"#;

#[test]
fn job_parses_with_settings_parameters_and_unknown_fields() {
    let job: Job = serde_json::from_str(JOB).unwrap();
    assert_eq!(job.job_id, 907_245_117_743_512);
    assert_eq!(job.display_name(), "churn-retrain");
    let s = &job.settings;
    assert_eq!(s.tags["team"], "churn");
    assert_eq!(
        s.tags["cost-center"], "42",
        "non-string values keep their text"
    );
    assert_eq!(s.tasks.len(), 2);
    assert_eq!(s.tasks[1].depends_on[0].task_key, "train");
    assert_eq!(
        s.tasks[0].notebook_task.as_ref().unwrap().notebook_path,
        "/Repos/churn/03_retrain"
    );
    assert_eq!(s.parameter_default("max_depth"), Some("6"));
    assert_eq!(s.parameter_default("nope"), None);
    let schedule = s.schedule.as_ref().unwrap();
    assert_eq!(
        schedule.pause_status,
        Some(PauseStatus::Other("SOMETIMES".into()))
    );
    assert_eq!(s.queue, Some(QueueSettings { enabled: true }));
}

#[test]
fn job_list_pages_and_empty_answers() {
    let page: ListJobsResponse = serde_json::from_str(&format!(
        r#"{{"jobs": [{JOB}], "has_more": true, "next_page_token": "CAEQ", "prev_page_token": "CAAQ"}}"#
    ))
    .unwrap();
    assert_eq!(page.jobs.len(), 1);
    assert!(page.has_more);
    assert_eq!(page.next_page_token.as_deref(), Some("CAEQ"));
    // No jobs at all: the service answers `{"has_more": false}` or even `{}`.
    let empty: ListJobsResponse = serde_json::from_str("{}").unwrap();
    assert!(empty.jobs.is_empty() && !empty.has_more);
    let nulls: ListJobsResponse = serde_json::from_str(r#"{"jobs": null}"#).unwrap();
    assert!(nulls.jobs.is_empty());
}

const RUN: &str = r#"{
  "job_id": "907245117743512",
  "run_id": 455644833,
  "number_in_job": 455644833,
  "original_attempt_run_id": 455644833,
  "creator_user_name": "ml-eng@acme.com",
  "run_name": "churn-retrain",
  "run_page_url": "https://dbc.cloud.databricks.com/?o=123#job/907245117743512/run/455644833",
  "run_type": "JOB_RUN",
  "trigger": "MODEL_REGISTRY_EVENT",
  "attempt_number": 0,
  "start_time": 1767225600000,
  "end_time": 1767225620000,
  "setup_duration": 3000, "execution_duration": 15000, "cleanup_duration": 2000,
  "run_duration": 20000, "queue_duration": 0,
  "state": {"life_cycle_state": "TERMINATED", "result_state": "SUCCESS",
            "state_message": "", "user_cancelled_or_timedout": false},
  "status": {"state": "TERMINATED",
             "termination_details": {"code": "SUCCESS", "type": "SUCCESS", "message": ""}},
  "job_parameters": [{"name": "max_depth", "default": "6", "value": "7"},
                     {"name": "learning_rate", "default": "0.06"}],
  "tasks": [{"task_key": "train", "run_id": 455644834, "attempt_number": 0,
             "state": {"life_cycle_state": "TERMINATED", "result_state": "SUCCESS"},
             "start_time": 1767225600000, "end_time": 1767225620000}],
  "format": "MULTI_TASK",
  "cluster_spec": {"existing_cluster_id": "0101-abc"}
}"#;

#[test]
fn terminated_run_parses_with_state_status_and_parameters() {
    let run: JobRun = serde_json::from_str(RUN).unwrap();
    assert_eq!(run.job_id, 907_245_117_743_512, "a string id is tolerated");
    assert_eq!(run.run_id, 455_644_833);
    assert_eq!(
        run.trigger,
        Some(TriggerType::Other("MODEL_REGISTRY_EVENT".into()))
    );
    assert_eq!(run.run_type, Some(RunType::JobRun));
    assert_eq!(run.life_cycle_state(), Some(RunLifeCycleState::Terminated));
    assert!(run.is_terminal() && run.succeeded());
    assert_eq!(run.state_label(), "TERMINATED SUCCESS");
    let details = run
        .status
        .as_ref()
        .unwrap()
        .termination_details
        .as_ref()
        .unwrap();
    assert_eq!(details.kind, Some(TerminationType::Success));
    assert_eq!(run.parameter("max_depth"), Some("7"));
    assert_eq!(
        run.parameter("learning_rate"),
        Some("0.06"),
        "default applies"
    );
    assert_eq!(run.tasks[0].run_id, 455_644_834);
}

#[test]
fn unknown_states_are_kept_and_not_terminal() {
    let run: JobRun = serde_json::from_str(
        r#"{"run_id": 1, "job_id": 2,
            "state": {"life_cycle_state": "HIBERNATING", "state_message": "zzz"},
            "status": {"state": "HIBERNATING", "queue_details": {"code": "NEW_REASON", "message": "m"}}}"#,
    )
    .unwrap();
    assert_eq!(
        run.life_cycle_state(),
        Some(RunLifeCycleState::Other("HIBERNATING".into()))
    );
    assert!(!run.is_terminal() && !run.succeeded());
    assert_eq!(run.message(), "zzz");
    assert_eq!(run.state_label(), "HIBERNATING");
}

#[test]
fn the_newer_status_alone_is_enough() {
    let run: JobRun = serde_json::from_str(
        r#"{"run_id": 1, "job_id": 2, "status": {"state": "TERMINATED",
            "termination_details": {"code": "RUN_EXECUTION_ERROR", "type": "CLIENT_ERROR",
                                    "message": "Task train failed"}}}"#,
    )
    .unwrap();
    assert_eq!(run.life_cycle_state(), Some(RunLifeCycleState::Terminated));
    assert!(run.is_terminal() && !run.succeeded());
    assert_eq!(run.message(), "Task train failed");
    let ok: JobRun = serde_json::from_str(
        r#"{"status": {"state": "TERMINATED", "termination_details": {"code": "SUCCESS"}}}"#,
    )
    .unwrap();
    assert!(ok.succeeded());
    let waiting: JobRun = serde_json::from_str(r#"{"status": {"state": "WAITING"}}"#).unwrap();
    assert_eq!(
        waiting.life_cycle_state(),
        Some(RunLifeCycleState::WaitingForRetry)
    );
    let bare: JobRun = serde_json::from_str("{}").unwrap();
    assert_eq!(bare.life_cycle_state(), None);
    assert!(!bare.is_terminal());
    assert_eq!(bare.state_label(), "UNKNOWN");
}

#[test]
fn terminal_states_are_exactly_those_the_sdk_waits_for() {
    use RunLifeCycleState as S;
    for s in [S::Terminated, S::Skipped, S::InternalError] {
        assert!(s.is_terminal(), "{s}");
    }
    for s in [
        S::Queued,
        S::Pending,
        S::Running,
        S::Terminating,
        S::Blocked,
        S::WaitingForRetry,
    ] {
        assert!(!s.is_terminal(), "{s}");
    }
}

#[test]
fn run_list_and_run_now_shapes() {
    let list: ListRunsResponse = serde_json::from_str(&format!(
        r#"{{"runs": [{RUN}, {RUN}], "has_more": true, "next_page_token": "t2"}}"#
    ))
    .unwrap();
    assert_eq!(list.runs.len(), 2);
    assert!(list.has_more);
    let empty: ListRunsResponse = serde_json::from_str(r#"{"has_more": false}"#).unwrap();
    assert!(empty.runs.is_empty());

    let answer: RunNowResponse =
        serde_json::from_str(r#"{"run_id": 455644833, "number_in_job": 455644833}"#).unwrap();
    assert_eq!(answer.run_id, 455_644_833);

    // The request leaves out what is not set, and numbers in hand-written bodies read as text.
    let req = RunNowRequest {
        job_id: 7,
        ..Default::default()
    };
    assert_eq!(serde_json::to_string(&req).unwrap(), r#"{"job_id":7}"#);
    let req: RunNowRequest = serde_json::from_str(
        r#"{"job_id": 7, "job_parameters": {"max_depth": 7, "name": "x", "gone": null},
            "idempotency_token": "abc"}"#,
    )
    .unwrap();
    assert_eq!(req.job_parameters["max_depth"], "7");
    assert!(!req.job_parameters.contains_key("gone"));
    assert_eq!(req.idempotency_token.as_deref(), Some("abc"));
}
