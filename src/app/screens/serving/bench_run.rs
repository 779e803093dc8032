//! The async side of a confirmed load test (runs in a runtime task, never aborted): the canary
//! check again (a plan may have started since the dialog), the payload as `bench` reads it
//! (`ops::bench::payload`), the invocations target, then `ops::bench::change::LoadTest` through
//! the change pipeline — the same journal entries as the headless twin. The engine's live view
//! is handed to `started` as soon as it runs.

use tokio::sync::oneshot;

use crate::app::fetch::Env;
use crate::ops::ChangeContext;
use crate::ops::bench::BenchMonitor;
use crate::ops::bench::change::{LoadTest, canary_judging};
use crate::ops::bench::payload::{self, Bodies};
use crate::ops::change::pipeline;
use crate::ops::query::PayloadSource;

use super::bench::{Change, Done, Loaded};

fn not_sent(message: String) -> Loaded {
    Loaded::Finished(Box::new(Done {
        outcome: None,
        message,
        journal_id: None,
        result: None,
        warnings: Vec::new(),
    }))
}

pub(crate) async fn run(
    env: &Env,
    change: Change,
    started: impl FnOnce(BenchMonitor) + Send + 'static,
) -> Loaded {
    let plan = change.plan;
    if let Some(phase) = canary_judging(&env.client, &env.data_dir, &plan.endpoint).await {
        return not_sent(format!(
            "a canary plan on {} is {} and judging: a load test would skew its verdict; \
             nothing was sent",
            plan.endpoint,
            phase.as_str()
        ));
    }
    let source = match change.data {
        Some(file) => PayloadSource::File(file),
        None => PayloadSource::EndpointExample,
    };
    let payloads = match payload::load(&env.client, &plan.endpoint, &Bodies::One(source)).await {
        Ok(p) => p,
        Err(e) => return not_sent(format!("{e}; nothing was sent")),
    };
    let mut warnings: Vec<String> = payloads
        .warnings
        .iter()
        .map(|w| format!("{}: {w}", payloads.source))
        .collect();
    let target = match env.client.load_target(&plan.endpoint, plan.timeout).await {
        Ok(t) => t,
        Err(e) => return not_sent(format!("{e}; nothing was sent")),
    };
    let (tx, rx) = oneshot::channel();
    let forward = tokio::spawn(async move {
        if let Ok(monitor) = rx.await {
            started(monitor);
        }
    });
    let mut test = LoadTest::new(plan, target, payloads.bodies).on_start(tx);
    let ctx = ChangeContext {
        profile: env.profile.clone(),
        actor: env.client.me().await.ok().map(|me| me.user_name),
        production: env.production,
    };
    let finished = pipeline::run(&env.client, &env.journal(), &ctx, &mut test).await;
    // The live view is delivered before the end; a test refused or not journaled never
    // started, and dropping it closes the channel the forwarder waits on.
    drop(test);
    let _ = forward.await;
    let finished = match finished {
        Ok(f) => f,
        Err(e) => return not_sent(e.to_string()),
    };
    warnings.extend(finished.journal_warning.clone());
    let result = finished.detail.map(|mut r| {
        r.profile = Some(env.profile.clone());
        r.host = Some(env.client.host().to_string());
        r.journal_id = Some(finished.id.clone());
        Box::new(r)
    });
    Loaded::Finished(Box::new(Done {
        outcome: Some(finished.verdict.outcome),
        message: finished.verdict.message,
        journal_id: Some(finished.id),
        result,
        warnings,
    }))
}
