//! The screen registry: one row per numbered screen (PRODUCT.md §3), and the routes of the
//! back-stack.
//!
//! A new screen is added by flipping `is_available`, adding its routes here, its room (module
//! under `app::screens`, registered in `screens::room`), its state field in `State` and its view
//! arm in `ui::render`; the loop, runtime, keymap, hints, help and palette pick it up from
//! there (the Jobs screen was added that way, editing those four files).

/// The numbered top-level screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScreenId {
    Overview,
    Experiments,
    Models,
    Approvals,
    Serving,
    Monitoring,
    Features,
    Jobs,
    Audit,
}

impl ScreenId {
    pub const ALL: [ScreenId; 9] = [
        ScreenId::Overview,
        ScreenId::Experiments,
        ScreenId::Models,
        ScreenId::Approvals,
        ScreenId::Serving,
        ScreenId::Monitoring,
        ScreenId::Features,
        ScreenId::Jobs,
        ScreenId::Audit,
    ];

    /// The number key that jumps here by default.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    pub fn title(self) -> &'static str {
        match self {
            ScreenId::Overview => "Overview",
            ScreenId::Experiments => "Experiments",
            ScreenId::Models => "Models",
            ScreenId::Approvals => "Approvals",
            ScreenId::Serving => "Serving",
            ScreenId::Monitoring => "Monitoring",
            ScreenId::Features => "Features",
            ScreenId::Jobs => "Jobs",
            ScreenId::Audit => "Audit",
        }
    }

    /// The palette command (`:experiments`); also the CLI/screenshot name.
    pub fn command(self) -> &'static str {
        match self {
            ScreenId::Overview => "overview",
            ScreenId::Experiments => "experiments",
            ScreenId::Models => "models",
            ScreenId::Approvals => "approvals",
            ScreenId::Serving => "serving",
            ScreenId::Monitoring => "monitoring",
            ScreenId::Features => "features",
            ScreenId::Jobs => "jobs",
            ScreenId::Audit => "audit",
        }
    }

    /// Short palette aliases (k9s style).
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            ScreenId::Overview => &["ov", "home"],
            ScreenId::Experiments => &["exp"],
            ScreenId::Models => &["model"],
            ScreenId::Approvals => &["approval"],
            ScreenId::Serving => &["ep", "endpoints"],
            ScreenId::Monitoring => &["mon"],
            ScreenId::Features => &["feat", "ft"],
            ScreenId::Jobs => &["job"],
            ScreenId::Audit => &[],
        }
    }

    /// Whether this build has the screen. Unavailable screens answer "not in this version yet"
    /// and are left out of hints and help, so no key there is dead.
    pub fn is_available(self) -> bool {
        matches!(
            self,
            ScreenId::Overview
                | ScreenId::Experiments
                | ScreenId::Models
                | ScreenId::Approvals
                | ScreenId::Serving
                | ScreenId::Monitoring
                | ScreenId::Features
                | ScreenId::Jobs
                | ScreenId::Audit
        )
    }

    /// Looks a screen up by command or alias (case-insensitive).
    pub fn from_command(s: &str) -> Option<ScreenId> {
        let s = s.to_ascii_lowercase();
        ScreenId::ALL
            .into_iter()
            .find(|id| id.command() == s || id.aliases().contains(&s.as_str()))
    }
}

impl std::fmt::Display for ScreenId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.command())
    }
}

impl std::str::FromStr for ScreenId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ScreenId::from_command(s).ok_or_else(|| format!("unknown screen \"{s}\""))
    }
}

/// One entry of the back-stack: a screen, or a drill-down inside one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScreenRoute {
    Screen(ScreenId),
    ExperimentDetail {
        experiment_id: String,
    },
    /// The runs table of one experiment.
    Runs {
        experiment_id: String,
    },
    RunDetail {
        run_id: String,
    },
    /// A parent run's child trials (a Hyperopt sweep).
    Sweep {
        run_id: String,
    },
    /// Marked runs side by side.
    Compare {
        run_ids: Vec<String>,
    },
    /// A model and its versions.
    ModelDetail {
        name: String,
        source: crate::ops::models::Source,
    },
    /// A training job run launched from an experiment, watched until it ends.
    Training {
        experiment_id: String,
    },
    /// One serving endpoint: entities, routes, live charts, traffic keys.
    Endpoint {
        name: String,
    },
    /// Server and build logs of one served entity of an endpoint.
    EndpointLogs {
        name: String,
        entity: String,
    },
    /// Two served entities of an endpoint side by side.
    AbView {
        name: String,
    },
    /// The canary panel of an endpoint: its plan, step, verdicts and history.
    Canary {
        name: String,
    },
    /// One job's runs.
    Job {
        job_id: i64,
    },
    /// One job run: its tasks, the output of failed ones, its MLflow run.
    JobRun {
        run_id: i64,
    },
    /// One monitored table: its drift heatmap and model quality.
    Monitor {
        table: String,
    },
    /// The console's alerts: firing, not judged, and the workspace's SQL alerts.
    Alerts,
    /// One feature table: columns, Delta versions, online tables, producing job, lineage.
    FeatureTable {
        name: String,
    },
}

impl ScreenRoute {
    /// The top-level screen this route belongs to (tab highlight, refresh policy).
    pub fn screen(&self) -> ScreenId {
        match self {
            ScreenRoute::Screen(id) => *id,
            ScreenRoute::ExperimentDetail { .. }
            | ScreenRoute::Runs { .. }
            | ScreenRoute::RunDetail { .. }
            | ScreenRoute::Sweep { .. }
            | ScreenRoute::Compare { .. }
            | ScreenRoute::Training { .. } => ScreenId::Experiments,
            ScreenRoute::ModelDetail { .. } => ScreenId::Models,
            ScreenRoute::Endpoint { .. } | ScreenRoute::Canary { .. } => ScreenId::Serving,
            ScreenRoute::EndpointLogs { .. } | ScreenRoute::AbView { .. } => ScreenId::Serving,
            ScreenRoute::Job { .. } | ScreenRoute::JobRun { .. } => ScreenId::Jobs,
            ScreenRoute::Monitor { .. } | ScreenRoute::Alerts => ScreenId::Monitoring,
            ScreenRoute::FeatureTable { .. } => ScreenId::Features,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_product_table() {
        let numbers: Vec<u8> = ScreenId::ALL.iter().map(|s| s.number()).collect();
        assert_eq!(numbers, (1..=9).collect::<Vec<u8>>());
        assert_eq!(ScreenId::Serving.number(), 5);
    }

    #[test]
    fn commands_and_aliases_resolve() {
        assert_eq!(ScreenId::from_command("exp"), Some(ScreenId::Experiments));
        assert_eq!(ScreenId::from_command("Overview"), Some(ScreenId::Overview));
        assert_eq!(ScreenId::from_command("ep"), Some(ScreenId::Serving));
        assert_eq!(ScreenId::from_command("nope"), None);
        assert_eq!("jobs".parse::<ScreenId>(), Ok(ScreenId::Jobs));
    }
}
