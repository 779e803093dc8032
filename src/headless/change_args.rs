//! Command-line arguments of the headless changes (`promote`, `rollback`, `approve`, `reject`)
//! and of `approvals` and `audit`.

use clap::Args;

/// What stands in for the confirm dialog.
#[derive(Debug, Clone, Args)]
pub struct ConfirmArgs {
    /// Apply the change. Without it the plan (and blast radius) is printed and nothing is sent.
    #[arg(long)]
    pub yes: bool,
    /// Production profiles: the model's (or endpoint's) name, typed out to confirm.
    #[arg(long, value_name = "NAME")]
    pub confirm: Option<String>,
    /// Machine-readable JSON (the plan, and the outcome when applied).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct PromoteArgs {
    /// `catalog.schema.model` (Unity Catalog) or a workspace-registry model name.
    pub model: String,
    /// Version to promote (`5` or `v5`).
    pub version: String,
    /// UC: the alias to move (default champion). Registry: set this MLflow alias instead of
    /// transitioning to Production.
    #[arg(long)]
    pub alias: Option<String>,
    /// Comment recorded with the change (and with the stage transition).
    #[arg(long)]
    pub comment: Option<String>,
    /// Production profiles: promote even though the version's approval is pending or
    /// rejected (without it such a promotion is refused and nothing is sent).
    #[arg(long)]
    pub allow_unapproved: bool,
    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

#[derive(Debug, Clone, Args)]
pub struct RollbackArgs {
    /// The model to roll back (or use --endpoint for a serving endpoint).
    #[arg(required_unless_present = "endpoint")]
    pub model: Option<String>,
    /// Roll back a serving endpoint instead: its whole config (served entities and routes) as
    /// it was before the last change in the journal.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["model", "alias", "to"])]
    pub endpoint: Option<String>,
    /// UC: which alias (default champion). Registry: an MLflow alias instead of the stages.
    #[arg(long)]
    pub alias: Option<String>,
    /// Roll back to this version, chosen by hand (when the journal has nothing to go back to).
    #[arg(long, value_name = "VERSION")]
    pub to: Option<String>,
    #[arg(long)]
    pub comment: Option<String>,
    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

#[derive(Debug, Clone, Args)]
pub struct DecisionArgs {
    pub model: String,
    pub version: String,
    /// Recorded with the decision (workspace: on the request; UC: as the comment tag).
    #[arg(long)]
    pub comment: Option<String>,
    /// Workspace: which open request, when the version has several (e.g. Production).
    #[arg(long)]
    pub stage: Option<String>,
    /// Workspace approve: keep the versions already in the target stage instead of archiving.
    #[arg(long)]
    pub no_archive: bool,
    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ApprovalsArgs {
    /// With VERSION: that request (or UC version) in full: comments, who asked when, the
    /// source run's metrics beside the champion's, and the versions' lineage.
    #[arg(requires = "version")]
    pub model: Option<String>,
    pub version: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    #[arg(long)]
    pub json: bool,
    /// Only entries mentioning this text (model, alias, action, profile, user, result…).
    #[arg(long)]
    pub filter: Option<String>,
    /// Re-read the object of every change with an unknown outcome and record what is there
    /// (needs a connection to the workspace).
    #[arg(long)]
    pub verify: bool,
}
