//! The rules every headless change follows (PRODUCT §4, §8), in one place:
//! read-only profiles refuse; the plan (with its blast radius) is always printed; `--yes` is
//! required to apply; production profiles also need `--confirm NAME` with the model's name;
//! the outcome is journaled and mapped to a distinct exit code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::api::Client;
use crate::config::resolve::Resolved;
use crate::config::{AppConfig, ApprovalSettings, ConfigError};
use crate::ops::change::execute::FailureKind;
use crate::ops::journal::Outcome;
use crate::ops::{ChangeContext, ChangeOutcome, Journal, OpError, Plan, execute};

use super::change_args::ConfirmArgs;
use super::{exit, output};

/// The profile a change runs under.
#[derive(Debug, Clone)]
pub struct ChangeProfile {
    /// Profile label as shown and journaled.
    pub profile: String,
    pub production: bool,
    pub readonly: bool,
    pub data_dir: PathBuf,
    pub approvals: ApprovalSettings,
    /// `[training_jobs]` of config.toml (as resolved): experiment → the job training into it.
    pub training_jobs: BTreeMap<String, i64>,
}

impl ChangeProfile {
    /// The change profile of a resolved profile; `config_file` holds `[approvals]`.
    pub fn for_profile(
        resolved: &Resolved,
        config_file: &Path,
        data_dir: &Path,
    ) -> Result<ChangeProfile, ConfigError> {
        Ok(ChangeProfile {
            profile: resolved
                .profile
                .clone()
                .unwrap_or_else(|| "(environment)".to_string()),
            production: resolved.settings.production,
            readonly: resolved.settings.readonly,
            data_dir: data_dir.to_path_buf(),
            approvals: AppConfig::load(config_file)?.approvals,
            training_jobs: resolved.training_jobs.clone(),
        })
    }

    pub fn journal(&self) -> Journal {
        Journal::in_dir(&self.data_dir)
    }
}

/// The exit code for an operation that could not start.
/// Reports a change that could not start (nothing to do, refused before sending, or an error
/// before anything was sent) on stdout/stderr, or as `{"executed": false, …}` with `--json`;
/// its exit code.
pub fn not_started(e: &OpError, json_out: bool) -> i32 {
    if json_out {
        output::json(&json!({ "executed": false, "error": e.to_string() }));
    }
    match e {
        OpError::NothingToDo(why) => output::println(&format!("nothing to do: {why}")),
        OpError::Refused(why) => crate::eprintln_escaped!("error: {why}; nothing was sent"),
        other => crate::eprintln_escaped!("error: {other}"),
    }
    code_for(e)
}

pub fn code_for(e: &OpError) -> i32 {
    match e {
        OpError::Api(e) => exit::for_api_error(e),
        OpError::Invalid(_) => exit::USAGE,
        OpError::NotFound(_) => exit::NOT_FOUND,
        OpError::ReadOnly(_) | OpError::Stale(_) | OpError::Refused(_) => {
            exit::CONFLICT_OR_PERMISSION
        }
        OpError::NothingToDo(_) => exit::OK,
        OpError::Journal { .. } => exit::FAILURE,
    }
}

/// The exit code for an executed change.
pub fn code_for_outcome(o: &ChangeOutcome) -> i32 {
    match o.outcome {
        Outcome::Ok => exit::OK,
        Outcome::Unknown | Outcome::VerifyFailed | Outcome::Partial => exit::VERIFY_FAILED,
        Outcome::Failed => match o.failure {
            Some(FailureKind::PermissionDenied | FailureKind::Conflict) => {
                exit::CONFLICT_OR_PERMISSION
            }
            Some(FailureKind::NotFound) => exit::NOT_FOUND,
            Some(FailureKind::Auth) => exit::AUTH,
            Some(FailureKind::BadRequest) => exit::USAGE,
            _ => exit::FAILURE,
        },
    }
}

/// Refuses on read-only profiles; prints why. `what` names the command.
pub fn refuse_read_only(client: &Client, session: &ChangeProfile, what: &str) -> Option<i32> {
    if !(session.readonly || client.readonly()) {
        return None;
    }
    crate::eprintln_escaped!(
        "error: profile '{}' is read-only: `{what}` changes the workspace and is refused \
         (no request was sent)",
        session.profile
    );
    Some(exit::CONFLICT_OR_PERMISSION)
}

/// The current user, when the server can say (Databricks SCIM); used as the journal's actor and
/// the UC approver.
pub async fn actor(client: &Client) -> Option<String> {
    client.me().await.ok().map(|me| me.user_name)
}

fn print_plan(
    plan: &Plan,
    client: &Client,
    session: &ChangeProfile,
    json_out: bool,
    applied: bool,
) {
    if json_out && !applied {
        output::json(&json!({ "plan": plan, "executed": false }));
    } else if !json_out {
        let mut text = format!("{}\n", plan.summary());
        for line in plan.dialog_lines(&session.profile, client.host(), session.production) {
            text.push_str(&format!("  {line}\n"));
        }
        output::print(&text);
    }
}

/// Why a planned change was not applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hold {
    /// No `--yes`: the plan was printed, which is what was asked for.
    DryRun,
    /// `--confirm` is missing on a production profile, or names another object.
    Refused(String),
}

impl Hold {
    /// Says why nothing was sent and returns the exit code: a dry run succeeds (`0`), a refused
    /// confirmation is a usage error (`2`).
    pub fn report(&self) -> i32 {
        match self {
            Hold::DryRun => {
                crate::eprintln_escaped!("not applied: add --yes to apply this change");
                exit::OK
            }
            Hold::Refused(why) => {
                crate::eprintln_escaped!("error: {why}");
                exit::USAGE
            }
        }
    }
}

/// Whether `--yes` and (on production) `--confirm NAME` allow applying a change to the object
/// named `name` (a model or an endpoint; `what` says which); why not otherwise.
pub fn confirmation(
    name: &str,
    what: &str,
    session: &ChangeProfile,
    args: &ConfirmArgs,
) -> Result<(), Hold> {
    if let Some(typed) = &args.confirm
        && typed != name
    {
        return Err(Hold::Refused(format!(
            "--confirm '{typed}' does not match the {what} '{name}'; nothing was sent"
        )));
    }
    if !args.yes {
        return Err(Hold::DryRun);
    }
    if session.production && args.confirm.is_none() {
        return Err(Hold::Refused(format!(
            "profile '{}' is a production profile: add --confirm {name} to apply",
            session.profile
        )));
    }
    Ok(())
}

/// Prints `plan` and why it is not applied (nothing is sent); returns `code`.
pub fn hold(
    client: &Client,
    session: &ChangeProfile,
    args: &ConfirmArgs,
    plan: &Plan,
    why: &str,
    code: i32,
) -> i32 {
    if args.json {
        output::json(&json!({ "plan": plan, "executed": false, "error": why }));
    } else {
        print_plan(plan, client, session, false, false);
    }
    crate::eprintln_escaped!("{why}");
    code
}

/// Prints `plan`, and applies it when the confirmation rules allow. Returns the exit code.
pub async fn apply(
    client: &Client,
    session: &ChangeProfile,
    args: &ConfirmArgs,
    actor: Option<String>,
    plan: &Plan,
) -> i32 {
    if plan.is_noop() {
        print_plan(plan, client, session, args.json, false);
        crate::eprintln_escaped!(
            "nothing to do: {} is already {}",
            plan.target.describe(),
            plan.after.describe()
        );
        return exit::OK;
    }
    if let Err(hold) = confirmation(&plan.confirm_name, "model", session, args) {
        print_plan(plan, client, session, args.json, false);
        return hold.report();
    }
    print_plan(plan, client, session, args.json, true);
    let ctx = ChangeContext {
        profile: session.profile.clone(),
        actor,
        production: session.production,
    };
    let outcome = match execute(client, &session.journal(), &ctx, plan).await {
        Ok(o) => o,
        Err(e) => {
            if args.json {
                output::json(&json!({ "plan": plan, "executed": false, "error": e.to_string() }));
            }
            crate::eprintln_escaped!("error: {e}");
            return code_for(&e);
        }
    };
    if args.json {
        output::json(&json!({ "plan": plan, "executed": true, "outcome": outcome }));
    } else if outcome.outcome == Outcome::Ok {
        output::println(&format!("ok: {} (journal {})", outcome.message, outcome.id));
    }
    if outcome.outcome != Outcome::Ok {
        crate::eprintln_escaped!("error: {} (journal {})", outcome.message, outcome.id);
    }
    if let Some(w) = &outcome.journal_warning {
        crate::eprintln_escaped!("warning: {w}");
    }
    code_for_outcome(&outcome)
}

/// Prints why an operation could not be planned and returns its exit code.
pub fn report(e: &OpError) -> i32 {
    match e {
        OpError::NothingToDo(m) => crate::eprintln_escaped!("nothing to do: {m}"),
        other => crate::eprintln_escaped!("error: {other}"),
    }
    code_for(e)
}
