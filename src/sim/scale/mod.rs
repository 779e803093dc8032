//! `--scale large` (PRODUCT §9): about 2,000 more experiments and `/Shared/scale/100k-runs`
//! with 100,000 runs, for performance work on big workspaces, and the job `scale-fanout-backfill`
//! with 150 tasks (more than Jobs 2.2 answers at once: its `jobs/get` and `runs/get` come in
//! pages). The story itself is unchanged, so every landmark of the small workspace is still there.

mod table;

pub(crate) use table::ScaleRuns;

use crate::api::models::jobs::{Job, JobSettings, JobTask, TaskDependency};
use crate::sim::jobs::{Report, Script, SimJob, StepScript};
use crate::sim::story::rng::Gen;
use crate::sim::story::tracking::experiment;
use crate::sim::world::{DAY, SECOND, World};

/// How big the simulated workspace is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scale {
    /// The story alone (a few dozen experiments).
    #[default]
    Small,
    /// The story plus ~2,000 experiments and one experiment with 100,000 runs.
    Large,
}

/// Name of the experiment holding the 100,000 runs.
pub const BIG_EXPERIMENT: &str = "/Shared/scale/100k-runs";
/// The job whose 150 tasks are more than one answer holds.
pub const FANOUT_JOB: &str = "scale-fanout-backfill";
const FANOUT_TASKS: usize = 150;
/// Extra (run-less) experiments added by [`Scale::Large`].
pub(crate) const EXTRA_EXPERIMENTS: usize = 2_000;

const TEAMS: &[&str] = &[
    "churn",
    "fraud",
    "recsys",
    "forecasting",
    "pricing",
    "support",
];

/// Adds the large-scale data to a built story.
pub(crate) fn add_large(world: &mut World) {
    let anchor = world.anchor_ms;
    let mut g = Gen::new(world.seed, 0x5CA1E);
    world.experiments.reserve(EXTRA_EXPERIMENTS + 1);
    for k in 0..EXTRA_EXPERIMENTS {
        let team = TEAMS[k % TEAMS.len()];
        let user = format!("user{:03}@acme.com", k % 400);
        let created = anchor - g.int(1, 700) * DAY - g.int(0, 86_399) * SECOND;
        let updated = (created + g.int(0, 30) * DAY).min(anchor);
        world.experiments.push(experiment(
            &g.digits(16),
            &format!("/Users/{user}/scale/{team}-exp-{k:04}"),
            created,
            updated,
            &[
                ("mlflow.ownerEmail", user.as_str()),
                ("mlflow.experimentType", "MLFLOW_EXPERIMENT"),
                ("team", team),
            ],
        ));
    }
    let id = g.digits(16);
    world.experiments.push(experiment(
        &id,
        BIG_EXPERIMENT,
        anchor - 32 * DAY,
        anchor - DAY,
        &[
            ("mlflow.ownerEmail", "ml-eng@acme.com"),
            ("mlflow.experimentType", "MLFLOW_EXPERIMENT"),
            ("team", "platform"),
        ],
    ));
    world.scale = Some(ScaleRuns::build(world.seed, anchor, &id));
    world.jobs.jobs.push(fanout_job(&mut g, anchor));
}

/// `scale-fanout-backfill`: one backfill task per day, each after the one before, 20 ms each.
fn fanout_job(g: &mut Gen, anchor: i64) -> SimJob {
    let tasks = (0..FANOUT_TASKS)
        .map(|day| JobTask {
            task_key: format!("backfill_day_{day:03}"),
            depends_on: day
                .checked_sub(1)
                .map(|before| TaskDependency {
                    task_key: format!("backfill_day_{before:03}"),
                })
                .into_iter()
                .collect(),
            ..Default::default()
        })
        .collect();
    let steps = (0..FANOUT_TASKS)
        .map(|_| StepScript {
            running_ms: 20,
            report: Report::Refreshed {
                table: "main.features.txn_daily".to_string(),
            },
        })
        .collect();
    SimJob {
        job: Job {
            job_id: g.digits(15).parse().unwrap_or(3),
            creator_user_name: Some("ml-eng@acme.com".to_string()),
            created_time: Some(anchor - 10 * DAY),
            settings: JobSettings {
                name: FANOUT_JOB.to_string(),
                tasks,
                format: Some("MULTI_TASK".to_string()),
                ..Default::default()
            },
            ..Default::default()
        },
        script: Script::Tasks(steps),
    }
}
