//! The README's exit-code table, command by command: every headless command against the
//! simulator when all is well, when the thing is missing, with a wrong token, when the server
//! keeps failing (5xx), when nothing listens on the port, with a token the workspace lets read
//! but not change, and when a get is answered `200 {}`. A failure is one `error:` line on stderr
//! that names the problem, and its documented code.

mod headless_support;

use std::path::Path;
use std::time::Duration;

use mlops_console::api::models::jobs::ListRunsRequest;
use mlops_console::api::models::mlflow::SearchRunsRequest;
use mlops_console::sim::{self, ScriptedFault, SimHandle, SimOptions};

use headless_support::{
    AUTH, CHURN, CONFLICT_OR_PERMISSION, FAILURE, NOT_FOUND, OK, Out, Sandbox, client,
};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Cond {
    /// The owner's token, everything answers.
    Ok,
    /// The owner's token, a name that does not exist.
    NotFound,
    /// A token the workspace does not know: 401.
    WrongToken,
    /// Every request answers 500 (more than the client's retries).
    ServerError,
    /// Nothing listens on the port.
    Unreachable,
    /// A token of another user, who may read but not change.
    NonOwner,
    /// The first request is answered `200 {}`: no object where one was asked for.
    EmptyAnswer,
}

/// Runs the binary with `--host`/`--token` under `cond` in a fresh sandbox (a short request
/// timeout keeps the retried 500s short); what it printed, and the `--host` given.
async fn run(sim: &SimHandle, cond: Cond, args: &[String]) -> (Out, String) {
    let (host, token) = match cond {
        Cond::WrongToken => (sim.base_url.clone(), "wrong".to_string()),
        Cond::NonOwner => (sim.base_url.clone(), sim.nonowner_token.clone()),
        Cond::Unreachable => (closed_port(), sim.token.clone()),
        _ => (sim.base_url.clone(), sim.token.clone()),
    };
    match cond {
        Cond::ServerError => sim.script_faults(vec![ScriptedFault::Status(500); 400]),
        Cond::EmptyAnswer => sim.script_faults(empty_answer_script(sim, args).await),
        _ => {}
    }
    let sandbox = Sandbox::new();
    sandbox.write_config("[defaults]\nrequest_timeout_secs = 1\n");
    let argv: Vec<&str> = ["--host", &host, "--token", &token]
        .into_iter()
        .chain(args.iter().map(String::as_str))
        .collect();
    (sandbox.run(&argv).await, host)
}

/// The get that a row's `{}` answer goes to, by the row's command.
fn empty_answer_target(args: &[String]) -> &'static str {
    match args.first().map(String::as_str) {
        Some("run") => "/api/2.0/mlflow/runs/get",
        Some("endpoint") => "/api/2.0/serving-endpoints/churn-prod",
        Some("job") => "/api/2.2/jobs/get",
        Some("job-run") => "/api/2.2/jobs/runs/get",
        _ => "/api/2.0/mlflow/experiments/get-by-name",
    }
}

/// Faults that let every request before the first get of the row's object pass and answer that
/// one `200 {}`: the row runs once unfaulted to learn where the get comes.
async fn empty_answer_script(sim: &SimHandle, args: &[String]) -> Vec<ScriptedFault> {
    let before = sim.request_log().len();
    let (dry, _) = Box::pin(run(sim, Cond::Ok, args)).await;
    assert_eq!(dry.code, OK, "{args:?} unfaulted: {}", dry.stderr);
    let target = empty_answer_target(args);
    let authed: Vec<_> = sim.request_log()[before..]
        .iter()
        .filter(|r| r.principal.is_some())
        .map(|r| r.path.clone())
        .collect();
    let at = authed
        .iter()
        .position(|p| p == target)
        .unwrap_or_else(|| panic!("{args:?} does not read {target}: {authed:?}"));
    let mut script = vec![ScriptedFault::Pass; at];
    script.push(ScriptedFault::Json {
        status: 200,
        body: "{}".to_string(),
    });
    script
}

/// A loopback address nothing listens on: a port the OS gave out and got back.
fn closed_port() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("http://127.0.0.1:{port}")
}

async fn a_run_id(sim: &SimHandle) -> String {
    let client = client(sim);
    let exp = client.get_experiment_by_name(CHURN).await.unwrap();
    let req = SearchRunsRequest {
        experiment_ids: vec![exp.experiment_id],
        max_results: Some(1),
        ..Default::default()
    };
    let runs = client.search_runs(&req).await.unwrap();
    runs.runs[0].info.run_id.clone()
}

/// A run of churn-batch-score (ended) and the nightly retrain's run in progress.
async fn job_runs(sim: &SimHandle) -> (String, String) {
    let client = client(sim);
    let jobs = client.list_all_jobs(&Default::default()).await.unwrap();
    let id = |name: &str| {
        jobs.iter()
            .find(|j| j.settings.name == name)
            .unwrap()
            .job_id
    };
    let runs = |job_id, active_only| ListRunsRequest {
        job_id: Some(job_id),
        active_only,
        limit: Some(1),
        ..Default::default()
    };
    let scored = client
        .list_job_runs(&runs(id("churn-batch-score"), false))
        .await;
    let active = client.list_job_runs(&runs(id("churn-retrain"), true)).await;
    (
        scored.unwrap().runs[0].run_id.to_string(),
        active.unwrap().runs[0].run_id.to_string(),
    )
}

/// `{run}` in a row's arguments stands for a real run id, `{plan}` for a canary plan file,
/// `{jobrun}` for an ended job run, `{active}` for a job run in progress.
const RUN: &str = "{run}";
const PLAN: &str = "{plan}";
const JOB_RUN: &str = "{jobrun}";
const ACTIVE: &str = "{active}";

const CANARY_PLAN: &str = r#"endpoint = "churn-prod"
stable = "churn_model-4"
canary = "churn_model-5"
steps = [5, 25, 50, 100]
hold = "2m"
interval = "15s"
[guards]
min_requests = 200
max_error_rate_delta = 0.01
max_p99_ms = 100
max_p99_ratio = 1.2
confidence = 0.95
"#;

/// (arguments, condition, expected code) for every row of the table.
fn table() -> Vec<(String, Cond, i32)> {
    use Cond::*;
    // (as asked, a missing object): read-only commands.
    let reads: &[(&str, Option<&str>)] = &[
        ("status", None),
        ("experiments", None),
        ("runs /Shared/churn/training", Some("runs /Shared/no/such")),
        ("run {run}", Some("run 0123456789abcdef")),
        (
            "metrics {run} val_auc",
            Some("metrics 0123456789abcdef val_auc"),
        ),
        ("approvals", None),
        ("endpoints", None),
        ("endpoint churn-prod", Some("endpoint no-such-endpoint")),
        ("query churn-prod", Some("query no-such-endpoint")),
        ("jobs", None),
        ("job churn-batch-score", Some("job no-such-job")),
        ("job-run {jobrun}", Some("job-run 42")),
    ];
    // (the change, the change of a missing object): without --yes the plan is printed.
    let changes: &[(&str, &str)] = &[
        (
            "promote main.ml.churn_model 5",
            "promote main.ml.no_such_model 1",
        ),
        ("approve fraud_model 4", "approve no_such_model 1"),
        ("reject fraud_model 4", "reject no_such_model 1"),
        (
            "rollback main.ml.churn_model --to 3",
            "rollback main.ml.no_such_model --to 1",
        ),
        (
            "traffic churn-prod --set churn_model-4=80,churn_model-5=20",
            "traffic no-such-endpoint --set a=100",
        ),
        (
            "canary churn-prod --plan {plan}",
            "canary no-such-endpoint --status",
        ),
    ];
    let mut rows: Vec<(String, Cond, i32)> = Vec::new();
    let mut row = |args: &str, cond, code| rows.push((args.to_string(), cond, code));
    for (ok, missing) in reads {
        row(ok, Ok, OK);
        if let Some(m) = missing {
            row(m, NotFound, NOT_FOUND);
        }
        row(ok, WrongToken, AUTH);
        row(ok, ServerError, FAILURE);
        row(ok, Unreachable, FAILURE);
        // Reading needs no more than a read permission.
        row(ok, NonOwner, OK);
    }
    for (cmd, missing) in changes {
        let yes = format!("{cmd} --yes");
        // Printing the plan without --yes is a success.
        row(cmd, Ok, OK);
        row(&yes, Ok, OK);
        row(missing, NotFound, NOT_FOUND);
        row(&yes, WrongToken, AUTH);
        row(&yes, ServerError, FAILURE);
        row(&yes, Unreachable, FAILURE);
        row(&yes, NonOwner, CONFLICT_OR_PERMISSION);
    }
    for (args, cond, code) in [
        // With no change in the journal there is nothing to go back to.
        ("rollback main.ml.churn_model", NotFound, NOT_FOUND),
        ("rollback --endpoint churn-prod", NotFound, NOT_FOUND),
        ("train /Shared/churn/training", Ok, OK),
        ("train /Shared/no/such", NotFound, NOT_FOUND),
        ("train /Shared/churn/training", WrongToken, AUTH),
        ("train /Shared/churn/training", ServerError, FAILURE),
        ("train /Shared/churn/training", Unreachable, FAILURE),
        // The workspace lets every user run this job.
        ("train /Shared/churn/training", NonOwner, OK),
        ("jobs run churn-batch-score", Ok, OK),
        ("jobs run churn-batch-score --yes", Ok, OK),
        ("jobs run no-such-job --yes", NotFound, NOT_FOUND),
        ("jobs run churn-batch-score --yes", WrongToken, AUTH),
        ("jobs run churn-batch-score --yes", ServerError, FAILURE),
        ("jobs run churn-batch-score --yes", Unreachable, FAILURE),
        ("jobs cancel {active}", Ok, OK),
        ("jobs cancel {active} --yes", Ok, OK),
        ("jobs cancel 42 --yes", NotFound, NOT_FOUND),
        ("jobs cancel {active} --yes", WrongToken, AUTH),
        ("jobs cancel {active} --yes", ServerError, FAILURE),
        ("jobs cancel {active} --yes", Unreachable, FAILURE),
        // The workspace lets every user run and cancel these jobs.
        ("jobs run churn-batch-score --yes", NonOwner, OK),
        ("jobs cancel {active} --yes", NonOwner, OK),
        // Local commands: the journal and the profiles file.
        ("audit", Ok, OK),
        ("audit --verify", Ok, OK),
        ("profiles", Ok, OK),
        // A get answered `{}`: not an object with no runs, no routes, no versions.
        ("runs /Shared/churn/training", EmptyAnswer, FAILURE),
        ("run {run}", EmptyAnswer, FAILURE),
        ("endpoint churn-prod", EmptyAnswer, FAILURE),
        ("train /Shared/churn/training", EmptyAnswer, FAILURE),
        ("job churn-batch-score", EmptyAnswer, FAILURE),
        ("job-run {jobrun}", EmptyAnswer, FAILURE),
    ] {
        row(args, cond, code);
    }
    rows
}

/// Whether an error line names the problem of `cond`; `object` is the row's first argument
/// (the experiment, run, model or endpoint).
fn names_problem(line: &str, cond: Cond, object: &str, host: &str) -> bool {
    match cond {
        Cond::Unreachable => line.contains(host) && line.contains("reach"),
        Cond::WrongToken => line.contains("401") && line.contains("token"),
        Cond::ServerError => line.contains("500"),
        Cond::NotFound => line.contains(object),
        Cond::NonOwner => line.contains("PERMISSION_DENIED") || line.contains("403"),
        Cond::EmptyAnswer => line.contains("unexpected answer") && line.contains("holds no"),
        Cond::Ok => true,
    }
}

/// Runs one row on a fresh simulator; what is wrong with it, if anything.
async fn check_row(args: &str, cond: Cond, want: i32, plan: &Path) -> Option<String> {
    let sim = sim::start(SimOptions {
        // Endpoint updates finish quickly, so changes that wait for them stay short.
        serving_update_delay: Duration::from_millis(200),
        ..SimOptions::default()
    })
    .await
    .unwrap();
    let run_id = if args.contains(RUN) {
        a_run_id(&sim).await
    } else {
        String::new()
    };
    let (job_run, active) = if args.contains(JOB_RUN) || args.contains(ACTIVE) {
        job_runs(&sim).await
    } else {
        Default::default()
    };
    let argv: Vec<String> = args
        .split_whitespace()
        .map(|a| {
            a.replace(RUN, &run_id)
                .replace(PLAN, &plan.display().to_string())
                .replace(JOB_RUN, &job_run)
                .replace(ACTIVE, &active)
        })
        .collect();
    let (out, host) = run(&sim, cond, &argv).await;
    if cond == Cond::EmptyAnswer {
        let target = empty_answer_target(&argv);
        assert!(
            sim.request_log()
                .iter()
                .any(|r| r.path == target && r.fault.as_deref() == Some("json 200")),
            "{args}: the empty answer did not go to {target}"
        );
    }
    let token = sim.token.clone();
    sim.shutdown().await;
    let errors: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    let mut problems = Vec::new();
    if out.code != want {
        problems.push(format!("exit {} (want {want})", out.code));
    }
    let want_errors = usize::from(want != OK);
    if errors.len() != want_errors {
        problems.push(format!("{} error lines (want {want_errors})", errors.len()));
    }
    // A failure is not also an empty listing: "no pending approvals found" beside the error
    // reads as if the list had been read.
    if want != OK
        && out
            .stderr
            .lines()
            .any(|l| l.starts_with("no ") && l.contains(" found"))
    {
        problems.push("an empty listing is shown as well as the failure".to_string());
    }
    // `jobs run JOB`, `jobs cancel RUN_ID`: the object follows the subcommand.
    let subcommand = usize::from(argv[0] == "jobs" && argv.len() > 2);
    let object = argv[1 + subcommand..]
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(String::as_str)
        .unwrap_or_default();
    if let Some(line) = errors.first()
        && !names_problem(line, cond, object, &host)
    {
        problems.push("the error line does not name the problem".to_string());
    }
    if out.stderr.contains(&token) || out.stdout.contains(&token) {
        problems.push("the token was printed".to_string());
    }
    (!problems.is_empty()).then(|| {
        format!(
            "`{args}` {cond:?}: {}\n  stdout: {}\n  stderr: {}",
            problems.join(", "),
            out.stdout.lines().take(3).collect::<Vec<_>>().join(" | "),
            out.stderr.trim_end().replace('\n', "\n          ")
        )
    })
}

/// Runs the rows of the table under `conds` and reports every row that does not match, with
/// what it printed.
async fn check(conds: &[Cond]) {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("canary.toml");
    std::fs::write(&plan, CANARY_PLAN).unwrap();
    let rows: Vec<_> = table()
        .into_iter()
        .filter(|(_, cond, _)| conds.contains(cond))
        .collect();
    assert!(!rows.is_empty());
    let mut wrong = Vec::new();
    for (args, cond, want) in &rows {
        wrong.extend(check_row(args, *cond, *want, &plan).await);
    }
    assert!(
        wrong.is_empty(),
        "{} of {} rows differ from the README's table:\n{}",
        wrong.len(),
        rows.len(),
        wrong.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_that_succeed_exit_0_and_missing_things_exit_3() {
    check(&[Cond::Ok, Cond::NotFound]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_exits_5_with_one_line() {
    check(&[Cond::WrongToken]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_server_exits_1_with_one_line() {
    check(&[Cond::ServerError]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_host_exits_1_with_one_line_naming_it() {
    check(&[Cond::Unreachable]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_the_workspace_refuses_exits_4_and_reads_succeed() {
    check(&[Cond::NonOwner]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_answer_to_a_get_is_a_failure_not_an_empty_object() {
    check(&[Cond::EmptyAnswer]).await;
}
