//! `mlops-console features publish TABLE --store S [--mode M] [--name N] [--wait]`: publishes a
//! feature table to an online store (`ops::feature_changes::publish`). Same rules as every
//! change (PRODUCT §4, §8): read-only refuses before anything is sent, the plan is printed,
//! `--yes` applies, production profiles also need `--confirm TABLE`; journaled as
//! `publish_feature_table`, read back (the answer may name no pipeline), never sent twice.
//! `--wait` follows the online table until its first sync has finished, its UC state and its
//! sync state printed apart (progress on stderr).
//!
//! Exit codes: 0 published (with `--wait`: first sync done) or already published; 4 refused
//! (store not AVAILABLE, no Change Data Feed, name taken, read-only); 3 no such table or store;
//! 6 not verified; 1 the first sync failed or could not be followed.

use clap::{Args, ValueEnum};
use serde_json::json;

use crate::api::Client;
use crate::api::models::feature_store::PublishMode;
use crate::api::models::online_sync::OnlineSync;
use crate::ops::change::execute::ChangeContext;
use crate::ops::feature_changes::follow::failed;
use crate::ops::feature_changes::publish::publish as run_publish;
use crate::ops::feature_changes::{
    PublishPlan, PublishRequest, SyncPoll, follow_first_sync, plan_publish, states_line,
};
use crate::ops::journal::Outcome;

use super::change::{self, ChangeProfile};
use super::change_args::ConfirmArgs;
use super::{exit, output};

/// How an online table follows its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// Every change of the source, continuously (needs Change Data Feed).
    Continuous,
    /// When a sync is started (`features sync`; needs Change Data Feed).
    Triggered,
    /// A full copy on each sync.
    Snapshot,
}

impl ModeArg {
    pub fn mode(self) -> PublishMode {
        match self {
            ModeArg::Continuous => PublishMode::Continuous,
            ModeArg::Triggered => PublishMode::Triggered,
            ModeArg::Snapshot => PublishMode::Snapshot,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct FeaturesPublishArgs {
    /// The feature table (`catalog.schema.table`).
    pub table: String,
    /// The online store to publish to (it must be AVAILABLE).
    #[arg(long, value_name = "S")]
    pub store: String,
    /// How the online table follows its source.
    #[arg(long, value_enum, default_value = "triggered", value_name = "M")]
    pub mode: ModeArg,
    /// The online table's name (default `<catalog>.<schema>_online.<table>`).
    #[arg(long, value_name = "N")]
    pub name: Option<String>,
    /// Follow the online table until its first sync has finished (progress on stderr).
    #[arg(long)]
    pub wait: bool,
    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

fn lines(plan: &PublishPlan, host: &str, session: &ChangeProfile) -> String {
    let mut text = format!(
        "publish {} to online store {} as {} ({}) on {host} (profile {})\n",
        plan.source,
        plan.store,
        plan.online_table,
        plan.mode.as_str(),
        session.profile
    );
    text.push_str(&format!("  sends: {}\n", plan.request_line()));
    if session.production {
        text.push_str("  production profile\n");
    }
    text
}

/// `features publish …`, following with `poll` when `--wait`.
pub async fn publish(
    client: &Client,
    session: &ChangeProfile,
    args: &FeaturesPublishArgs,
    poll: SyncPoll<'_>,
) -> i32 {
    if let Some(code) = change::refuse_read_only(client, session, "features publish") {
        return code;
    }
    let json_out = args.confirm.json;
    let req = PublishRequest {
        source: args.table.clone(),
        store: args.store.clone(),
        mode: args.mode.mode(),
        name: args.name.clone(),
    };
    let plan = match plan_publish(client, &req).await {
        Ok(p) => p,
        Err(e) => return change::not_started(&e, json_out),
    };
    let held = change::confirmation(&plan.source, "table", session, &args.confirm);
    if json_out {
        if held.is_err() {
            output::json(&json!({ "plan": plan, "executed": false }));
        }
    } else {
        output::print(&lines(&plan, client.host(), session));
    }
    if let Err(hold) = held {
        return hold.report();
    }
    let ctx = ChangeContext {
        profile: session.profile.clone(),
        actor: change::actor(client).await,
        production: session.production,
    };
    let done = match run_publish(client, &session.journal(), &ctx, &plan).await {
        Ok(d) => d,
        Err(e) => return change::not_started(&e, json_out),
    };
    if let Some(w) = &done.change.journal_warning {
        crate::eprintln_escaped!("warning: {w}");
    }
    if done.change.outcome != Outcome::Ok {
        if json_out {
            output::json(&json!({ "plan": plan, "executed": true, "outcome": done }));
        }
        crate::eprintln_escaped!(
            "error: {} (journal {})",
            done.change.message,
            done.change.id
        );
        return change::code_for_outcome(&done.change);
    }
    let mut synced: Option<OnlineSync> = None;
    let mut unfollowed = None;
    if args.wait {
        let mut last = String::new();
        let mut poll = poll.on_progress(move |o: &OnlineSync| {
            let line = states_line(o);
            if line != last {
                crate::eprintln_escaped!("{}: {line}", o.name);
                last = line;
            }
        });
        match follow_first_sync(client, &plan.online_table, &mut poll).await {
            Ok(o) => synced = Some(o),
            Err(e) => unfollowed = Some(e.to_string()),
        }
    }
    if json_out {
        output::json(&json!({
            "plan": plan, "executed": true, "outcome": done, "synced": synced,
            "unfollowed": unfollowed,
        }));
    } else {
        output::println(&format!(
            "ok: {} (journal {})",
            done.change.message, done.change.id
        ));
        if let Some(o) = &synced {
            output::println(&format!("{}: {}", o.name, states_line(o)));
        }
    }
    if let Some(why) = unfollowed {
        crate::eprintln_escaped!(
            "error: {} was published, but its first sync could not be followed: {why}",
            plan.online_table
        );
        return exit::FAILURE;
    }
    match synced {
        Some(o) if failed(&o) => {
            crate::eprintln_escaped!(
                "error: the first sync of {} failed: {}",
                o.name,
                o.message.as_deref().unwrap_or("(no message)")
            );
            exit::FAILURE
        }
        _ => exit::OK,
    }
}
