//! `--scale large` (PRODUCT §9): about 2,000 more experiments and `/Shared/scale/100k-runs`
//! with 100,000 runs, for performance work on big workspaces. The story itself is unchanged, so
//! every landmark of the small workspace is still there.

mod table;

pub(crate) use table::ScaleRuns;

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
}
