//! `mlops-console bench ENDPOINT (--concurrency N | --rate R) (--duration T | --requests N)`:
//! the load test (`L`'s twin, PRODUCT §7). A change like any other (§4, §8): refused on a
//! read-only profile and while a canary plan on the endpoint is judging (unless `--force`),
//! capped by `[bench]`, printed as a plan (profile, host, endpoint, rate × duration =
//! requests), applied with `--yes` (production profiles also `--confirm ENDPOINT`), journaled
//! before and after. Progress goes to stderr once a second, the summary table to stdout;
//! `--json` prints the result (`schemas/bench.schema.json`). Ctrl-C stops the test and still
//! reports what was measured.
//!
//! Exit codes: 0 the SLO was met (or none given); 7 a guard was crossed; 1 the test could not
//! run (nothing answered, the payload missing); 2 bad arguments or a refused confirmation;
//! 4 refused (read-only, canary judging); 3 no such endpoint.

use serde_json::json;

use crate::api::Client;
use crate::config::bench::BenchSettings;
use crate::ops::bench::change::{LoadTest, canary_judging, confirm_lines};
use crate::ops::bench::payload::{self, Bodies};
use crate::ops::bench::result::BenchResult;
use crate::ops::bench::{BenchPlan, Status};
use crate::ops::change::pipeline;
use crate::ops::query::{PayloadError, PayloadSource};
use crate::ops::{ChangeContext, journal::Outcome};

use super::bench_args::BenchArgs;
use super::change::{self, ChangeProfile};
use super::{exit, output, table};

fn bodies_of(args: &BenchArgs) -> Bodies {
    match (&args.data, &args.data_lines) {
        (_, Some(lines)) => Bodies::Lines(lines.clone()),
        (Some(file), None) => Bodies::One(PayloadSource::File(file.clone())),
        (None, None) => Bodies::One(PayloadSource::EndpointExample),
    }
}

fn payload_code(e: &PayloadError) -> i32 {
    match e {
        PayloadError::File(_) => exit::USAGE,
        PayloadError::Schema(api) => exit::for_api_error(api),
        PayloadError::NoExample(_) => exit::FAILURE,
    }
}

/// The exit code of a finished test.
pub fn code_for(r: &BenchResult) -> i32 {
    match r.verdict.status {
        Status::Met => exit::OK,
        Status::Failed => exit::GATE_FAILED,
        Status::Inconclusive => exit::FAILURE,
    }
}

fn ms(v: f64) -> String {
    format!("{v:.1}")
}

/// The summary table.
pub fn summary(r: &BenchResult) -> String {
    let mut text = String::new();
    let target = match r.rps.target {
        Some(t) => format!(" (target {t}, {:.1}%)", r.rps.achieved / t * 100.0),
        None => String::new(),
    };
    text.push_str(&format!(
        "{} requests in {:.1} s: {:.1} req/s{target}, {} ok, {} errors ({:.2}%)\n",
        r.requests.completed,
        r.measured_secs,
        r.rps.achieved,
        r.requests.ok,
        r.requests.errors,
        r.errors.rate * 100.0
    ));
    let (c, raw) = (&r.latency_ms.corrected, &r.latency_ms.raw);
    let mut rows = vec![vec![
        if r.rps.target.is_some() {
            "corrected".to_string()
        } else {
            "latency".to_string()
        },
        ms(c.p50),
        ms(c.p90),
        ms(c.p99),
        ms(c.p99_9),
        ms(c.max),
    ]];
    if r.rps.target.is_some() {
        rows.push(vec![
            "raw".into(),
            ms(raw.p50),
            ms(raw.p90),
            ms(raw.p99),
            ms(raw.p99_9),
            ms(raw.max),
        ]);
    }
    for e in &r.entities {
        let l = &e.latency_ms;
        rows.push(vec![
            format!("{} ({:.0}%, {} err)", e.name, e.share * 100.0, e.errors),
            ms(l.p50),
            ms(l.p90),
            ms(l.p99),
            ms(l.p99_9),
            ms(l.max),
        ]);
    }
    text.push_str(&table::render(
        &["ms", "p50", "p90", "p99", "p99.9", "max"],
        &rows,
    ));
    let mut errs: Vec<String> = r
        .errors
        .by_status
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    errs.extend(r.errors.by_kind.iter().map(|(k, v)| format!("{k}: {v}")));
    if !errs.is_empty() {
        text.push_str(&format!("errors: {}\n", errs.join(", ")));
    }
    if r.schedule.late_sends > 0 {
        text.push_str(&format!(
            "client behind schedule: {} requests sent late (at most {:.1} ms)\n",
            r.schedule.late_sends, r.schedule.max_lag_ms
        ));
    }
    let verdict = match r.verdict.status {
        Status::Met => "SLO met".to_string(),
        Status::Failed => "SLO FAILED".to_string(),
        Status::Inconclusive => "inconclusive: nothing was measured".to_string(),
    };
    let why = r
        .verdict
        .reason
        .as_deref()
        .map(|w| format!(": {w}"))
        .unwrap_or_default();
    let early = if r.verdict.stopped_early {
        " (stopped early)"
    } else {
        ""
    };
    text.push_str(&format!("{verdict}{early}{why}\n"));
    text
}

fn print_plan(plan: &BenchPlan, client: &Client, session: &ChangeProfile, json_out: bool) {
    if json_out {
        return;
    }
    let mut text = String::new();
    for line in confirm_lines(plan, &session.profile, client.host(), session.production) {
        text.push_str(&format!("  {line}\n"));
    }
    output::print(&text);
}

pub async fn run(
    client: &Client,
    session: &ChangeProfile,
    caps: &BenchSettings,
    args: &BenchArgs,
) -> i32 {
    let json_out = args.confirm.json;
    if let Some(code) = change::refuse_read_only(client, session, "bench") {
        return code;
    }
    let plan = args.plan();
    if let Err(why) = plan.check(caps) {
        crate::eprintln_escaped!("error: {why}; nothing was sent");
        return exit::USAGE;
    }
    if !args.force
        && let Some(phase) = canary_judging(client, &session.data_dir, &plan.endpoint).await
    {
        crate::eprintln_escaped!(
            "error: a canary plan on {} is {} and judging: a load test would skew its verdict \
             (add --force to run it anyway); nothing was sent",
            plan.endpoint,
            phase.as_str()
        );
        return exit::CONFLICT_OR_PERMISSION;
    }
    let payloads = match payload::load(client, &plan.endpoint, &bodies_of(args)).await {
        Ok(p) => p,
        Err(e) => {
            crate::eprintln_escaped!("error: {e}");
            return payload_code(&e);
        }
    };
    for w in &payloads.warnings {
        crate::eprintln_escaped!("warning: {}: {w}", payloads.source);
    }
    print_plan(&plan, client, session, json_out);
    if let Err(hold) = change::confirmation(&plan.endpoint, "endpoint", session, &args.confirm) {
        if json_out {
            output::json(&json!({ "plan": plan, "executed": false }));
        }
        return hold.report();
    }
    let target = match client.load_target(&plan.endpoint, plan.timeout).await {
        Ok(t) => t,
        Err(e) => {
            crate::eprintln_escaped!("error: {e}");
            return exit::for_api_error(&e);
        }
    };
    let (tx, rx) = tokio::sync::oneshot::channel::<crate::ops::bench::BenchMonitor>();
    // Ctrl-C stops the test; what was measured is still reported and journaled.
    let interrupt = tokio::spawn(async move {
        if let Ok(monitor) = rx.await
            && tokio::signal::ctrl_c().await.is_ok()
        {
            crate::eprintln_escaped!("stopping…");
            monitor.stop();
        }
    });
    let mut test = LoadTest::new(plan.clone(), target, payloads.bodies)
        .on_start(tx)
        .on_progress(|s| output::eprint_line(&s.line()));
    let ctx = ChangeContext {
        profile: session.profile.clone(),
        actor: change::actor(client).await,
        production: session.production,
    };
    let finished = pipeline::run(client, &session.journal(), &ctx, &mut test).await;
    interrupt.abort();
    let finished = match finished {
        Ok(f) => f,
        Err(e) => return change::not_started(&e, json_out),
    };
    if let Some(w) = &finished.journal_warning {
        crate::eprintln_escaped!("warning: {w}");
    }
    let Some(mut result) = finished.detail else {
        crate::eprintln_escaped!("error: the load test did not run (journal {})", finished.id);
        return exit::FAILURE;
    };
    result.profile = Some(session.profile.clone());
    result.host = Some(client.host().to_string());
    result.journal_id = Some(finished.id.clone());
    if json_out {
        output::json(&result);
    } else {
        output::print(&summary(&result));
    }
    if finished.verdict.outcome != Outcome::Ok {
        crate::eprintln_escaped!(
            "error: {} (journal {})",
            finished.verdict.message,
            finished.id
        );
        return exit::FAILURE;
    }
    code_for(&result)
}
