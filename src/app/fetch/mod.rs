//! The async side of each `Fetch`: which client calls, how pages are walked. Runs inside
//! runtime tasks; knows nothing of state.

use crate::api::models::mlflow::SearchExperimentsRequest;
use crate::api::paging::PageGuard;
use crate::api::{ApiResult, Client};

use super::effect::Fetch;
use super::msg::{ExperimentPage, Payload};
use super::screens::experiments::PAGE_SIZE;
use super::screens::logs::{LogKind, LogSource};
use crate::ops::{inventory, training};

pub(crate) mod canary;
pub(crate) mod registry;
pub(crate) mod serving;
mod tracking;

pub(crate) use registry::Env;

pub(crate) async fn run(env: &Env, fetch: Fetch) -> Payload {
    let client = &env.client;
    match fetch {
        Fetch::Me => Payload::Me(client.me().await),
        Fetch::ExperimentCount { cap, recent } => {
            Payload::ExperimentCount(inventory::experiment_summary(client, cap, recent).await)
        }
        Fetch::UcModelCount { cap } => {
            Payload::UcModelCount(inventory::count_uc_models(client, cap).await)
        }
        Fetch::WorkspaceModelCount { cap } => {
            Payload::WorkspaceModelCount(inventory::count_workspace_models(client, cap).await)
        }
        Fetch::ServingEndpoints => {
            Payload::ServingEndpoints(inventory::endpoints_detailed(client).await)
        }
        Fetch::Experiments {
            page_token,
            min_rows,
        } => Payload::Experiments(experiments(client, page_token, min_rows).await),
        Fetch::Runs {
            experiment_id,
            filter,
            order_by,
            page_token,
            min_rows,
        } => Payload::Runs(
            tracking::runs(
                client,
                experiment_id,
                filter,
                order_by,
                page_token,
                min_rows,
            )
            .await,
        ),
        Fetch::Run { run_id } => Payload::Run(client.get_run(&run_id).await.map(Box::new)),
        Fetch::MetricHistories { run_id, keys } => {
            Payload::MetricHistories(tracking::histories(client, &run_id, keys).await)
        }
        Fetch::Sweep { run_id } => {
            Payload::Sweep(tracking::sweep(client, &run_id).await.map(Box::new))
        }
        Fetch::CompareRuns { run_ids } => {
            Payload::CompareRuns(tracking::runs_by_id(client, &run_ids).await)
        }
        Fetch::CompareHistories { run_ids, key } => {
            Payload::CompareHistories(tracking::compare_histories(client, &run_ids, key).await)
        }
        Fetch::Artifacts { run_id } => {
            Payload::Artifacts(tracking::artifacts(client, &run_id).await)
        }
        Fetch::TrainingJob { job_id } => {
            Payload::TrainingJob(client.get_job(job_id).await.map(Box::new))
        }
        Fetch::JobRun { run_id } => Payload::JobRun(client.get_job_run(run_id).await.map(Box::new)),
        Fetch::ProducedRun {
            experiment_id,
            job_run_id,
        } => Payload::ProducedRun(
            training::mlflow_run_of(client, &experiment_id, job_run_id)
                .await
                .map(|r| r.map(|r| r.info.run_id)),
        ),
        Fetch::Models => Payload::Models(crate::ops::models::list_models(client).await),
        Fetch::ModelDetail { name, source } => Payload::ModelDetail(
            crate::ops::models::model_detail(client, &name, source, &env.approvals)
                .await
                .map(Box::new),
        ),
        Fetch::Approvals => Payload::Approvals(Box::new(
            crate::ops::approvals::list_pending(client, &env.approvals).await,
        )),
        Fetch::ApprovalDetail(item) => Payload::ApprovalDetail(Box::new(
            crate::ops::approvals::detail::read_detail(client, &env.approvals, &item).await,
        )),
        Fetch::Journal => Payload::Journal(registry::journal(env).await),
        Fetch::Prepare(req) => Payload::Prepared(registry::prepare(env, req).await),
        Fetch::Endpoint { name } => {
            Payload::Endpoint(client.get_serving_endpoint(&name).await.map(Box::new))
        }
        Fetch::EndpointMetrics { name } => {
            let snap = serving::scrape(client, &name).await.map(Box::new);
            Payload::EndpointMetrics(name, snap)
        }
        Fetch::EntityLogs { name, entity, kind } => {
            let logs = match kind {
                LogKind::Server => client.served_model_logs(&name, &entity).await,
                LogKind::Build => client.build_logs(&name, &entity).await,
            };
            Payload::EntityLogs(LogSource { name, entity, kind }, logs)
        }
        Fetch::Room(f) => super::screens::fetch_room(env, f).await,
    }
}

/// Experiments newest first: one page after `page_token`, or pages from the start until
/// `min_rows` are loaded.
async fn experiments(
    client: &Client,
    page_token: Option<String>,
    min_rows: usize,
) -> ApiResult<ExperimentPage> {
    let append = page_token.is_some();
    let mut rows = Vec::new();
    let mut token = page_token;
    let mut guard = PageGuard::new("experiments/search");
    loop {
        let req = SearchExperimentsRequest {
            max_results: Some(PAGE_SIZE as i64),
            page_token: token.take(),
            order_by: vec![crate::app::screens::experiments::ORDER_BY.to_string()],
            ..Default::default()
        };
        let r = client.search_experiments(&req).await?;
        rows.extend(r.experiments);
        token = guard.next(r.next_page_token)?;
        if append || rows.len() >= min_rows || token.is_none() {
            break;
        }
    }
    Ok(ExperimentPage {
        experiments: rows,
        next_page_token: token,
        append,
    })
}
