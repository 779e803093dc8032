//! What `churn-retrain`'s notebook does, step by step: open an MLflow run with the job's
//! parameters, log `loss` and `val_auc` each epoch, close the run, register the model.
//!
//! The numbers follow the same response surface as the seeded Hyperopt sweep (best near depth 6,
//! rate 0.06, 350 trees), so a retrain with the sweep's best parameters scores like its best
//! trial. A parameter that is not a number fails the run on its first epoch, the way the real
//! notebook's `int(dbutils.widgets.get(...))` would.

use crate::api::models::mlflow::RunStatus;
use crate::api::models::uc_models::{ModelVersionInfo, UcModelVersionStatus};
use crate::sim::story::rng::Gen;
use crate::sim::story::runs::{RunSpec, curve};
use crate::sim::story::tracking::{loss_curve, trial_auc};
use crate::sim::world::World;

/// Epochs per training run; with one epoch a second this is most of the run's ~20 s.
pub(crate) const EPOCHS: usize = 15;

/// A training run decided at `run-now`: its parameters, the curve it will log, and whether it
/// fails.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TrainingPlan {
    /// Experiment name (looked up when the run starts: it may have been renamed meanwhile).
    pub experiment: String,
    /// UC model full name to register into.
    pub model: String,
    /// The job parameters in effect, logged as MLflow params.
    pub params: Vec<(String, String)>,
    pub mlflow_run_id: String,
    pub run_name: String,
    pub commit: String,
    pub val_auc: Vec<f64>,
    pub loss: Vec<f64>,
    /// Why the notebook fails on its first epoch, if it does.
    pub failure: Option<String>,
}

/// Who and what the MLflow run is attributed to.
pub(crate) struct Origin<'a> {
    pub job_id: i64,
    pub job_run_id: i64,
    pub user: &'a str,
    pub notebook: &'a str,
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Parameter `name` as a number, its default when absent; text that is not a number records the
/// notebook's error (the first one wins) and reads as the default.
fn number<T: std::str::FromStr>(
    params: &[(String, String)],
    name: &str,
    default: T,
    failure: &mut Option<String>,
    error: impl Fn(&str) -> String,
) -> T {
    let Some(raw) = param(params, name) else {
        return default;
    };
    raw.trim().parse().unwrap_or_else(|_| {
        failure.get_or_insert_with(|| error(raw));
        default
    })
}

/// Plans a run from the effective parameters; `seed` and the job run id make it reproducible.
pub(crate) fn plan(
    seed: u64,
    job_run_id: i64,
    experiment: &str,
    model: &str,
    params: Vec<(String, String)>,
) -> TrainingPlan {
    let mut g = Gen::new(seed, 0x7E7A_0000 ^ job_run_id as u64);
    let mut failure = None;
    let int_error =
        |raw: &str| format!("ValueError: invalid literal for int() with base 10: '{raw}'");
    let float_error = |raw: &str| format!("ValueError: could not convert string to float: '{raw}'");
    let depth = number(&params, "max_depth", 6, &mut failure, int_error);
    let trees = number(&params, "n_estimators", 350, &mut failure, int_error);
    let rate = number(
        &params,
        "learning_rate",
        0.06_f64,
        &mut failure,
        float_error,
    )
    .clamp(1e-4, 1.0);
    let subsample =
        number(&params, "subsample", 0.9_f64, &mut failure, float_error).clamp(0.1, 1.0);
    let auc = trial_auc(&mut g, depth, rate, trees, subsample);
    let val_auc = curve(&mut g, 0.62, auc, EPOCHS, 2.0 + 0.15 / rate.sqrt(), 0.002);
    let loss = loss_curve(&mut g, &val_auc);
    TrainingPlan {
        experiment: experiment.to_string(),
        model: model.to_string(),
        params,
        mlflow_run_id: g.hex(32),
        run_name: g.run_name(),
        commit: g.hex(40),
        val_auc,
        loss,
        failure,
    }
}

/// Opens the MLflow run (RUNNING, params and job tags set); `Err` when the experiment is gone.
pub(crate) fn begin(
    world: &mut World,
    plan: &TrainingPlan,
    origin: &Origin<'_>,
    at: i64,
) -> Result<(), String> {
    let experiment_id = world
        .experiment_by_name(&plan.experiment)
        .map(|e| e.experiment_id.clone())
        .ok_or_else(|| {
            format!(
                "RESOURCE_DOES_NOT_EXIST: Could not find experiment with name '{}'",
                plan.experiment
            )
        })?;
    let mut spec = RunSpec::new(
        &experiment_id,
        &plan.run_name,
        origin.user,
        origin.notebook,
        &plan.commit,
    )
    .timing(at, 0)
    .status(RunStatus::Running)
    .tag("mlflow.databricks.jobID", origin.job_id)
    .tag("mlflow.databricks.jobRunID", origin.job_run_id)
    .tag("mlflow.databricks.jobType", "NORMAL");
    for (k, v) in &plan.params {
        spec = spec.param(k, v);
    }
    let mut record = spec.build(plan.mlflow_run_id.clone());
    // A notebook run by a job, not interactively.
    record.set_tag("mlflow.source.type", "JOB");
    world.runs.push(record);
    Ok(())
}

/// Logs epoch `epoch` (0-based) at `at`.
pub(crate) fn log_epoch(world: &mut World, plan: &TrainingPlan, epoch: usize, at: i64) {
    if let Some(record) = world.run_mut(&plan.mlflow_run_id) {
        let step = epoch as i64;
        record.log_metric("loss", plan.loss[epoch], at, step);
        record.log_metric("val_auc", plan.val_auc[epoch], at, step);
    }
}

/// Closes the MLflow run with `status` at `at`.
pub(crate) fn finish(world: &mut World, mlflow_run_id: &str, status: RunStatus, at: i64) {
    if let Some(record) = world.run_mut(mlflow_run_id) {
        record.run.info.status = Some(status);
        record.run.info.end_time = Some(at);
    }
}

/// Registers the run's model as the next version of `plan.model` (PENDING_REGISTRATION, as UC
/// does while it copies the files); the version number, if the model exists.
pub(crate) fn register(
    world: &mut World,
    plan: &TrainingPlan,
    origin: &Origin<'_>,
    at: i64,
) -> Option<i64> {
    let source = world.run(&plan.mlflow_run_id).map(|r| {
        let info = &r.run.info;
        format!(
            "dbfs:/databricks/mlflow-tracking/{}/{}/artifacts/model",
            info.experiment_id, info.run_id
        )
    });
    let workspace_id = world.workspace_id.parse().ok();
    let mut g = Gen::new(world.seed, 0x5E61_0000 ^ origin.job_run_id as u64);
    let model = world.uc_model_mut(&plan.model)?;
    let version = model.versions.iter().map(|v| v.version).max().unwrap_or(0) + 1;
    let template = model.versions.last().cloned().unwrap_or_default();
    let storage = model.info.storage_location.clone().unwrap_or_default();
    model.versions.push(ModelVersionInfo {
        id: Some(g.uuid()),
        version,
        source,
        run_id: Some(plan.mlflow_run_id.clone()),
        run_workspace_id: workspace_id,
        comment: Some(format!(
            "Retrained by job {} run {}",
            origin.job_id, origin.job_run_id
        )),
        status: Some(UcModelVersionStatus::PendingRegistration),
        storage_location: Some(format!("{storage}/versions/{}", g.uuid())),
        created_at: Some(at),
        created_by: Some(origin.user.to_string()),
        updated_at: Some(at),
        updated_by: Some(origin.user.to_string()),
        aliases: Vec::new(),
        // A new version waits for a reviewer (the default `[approvals]` tag and value).
        tags: vec![crate::api::models::mlflow::KeyValue::new(
            "approval", "pending",
        )],
        ..template
    });
    model.info.updated_at = Some(at);
    Some(version)
}

/// Ends a registration: READY (remembered in `jobs.registered`, which the SQL service reads to
/// add the version's quality rows), or FAILED_REGISTRATION when the run was cancelled meanwhile.
pub(crate) fn settle_version(world: &mut World, model: &str, version: i64, ready: bool, at: i64) {
    let Some(uc) = world.uc_model_mut(model) else {
        return;
    };
    if let Some(v) = uc.versions.iter_mut().find(|v| v.version == version) {
        v.status = Some(if ready {
            UcModelVersionStatus::Ready
        } else {
            UcModelVersionStatus::FailedRegistration
        });
        v.updated_at = Some(at);
    }
    if ready {
        world.jobs.registered.push(super::Registered {
            model: model.to_string(),
            version,
            at,
        });
    }
}
