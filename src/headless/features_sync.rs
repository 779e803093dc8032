//! `mlops-console features sync TABLE [--wait]`: starts a sync of a TRIGGERED (or SNAPSHOT)
//! online table, an update of its pipeline (`ops::feature_changes::sync`). Same rules as every
//! change: read-only refuses before anything is sent, the plan is printed, `--yes` applies,
//! production profiles also need `--confirm TABLE`; journaled as `sync_online_table`, read
//! back, never sent twice. A CONTINUOUS table is refused (it follows its source on its own). A
//! sync already on its way is not the console's error: "a sync is already running", exit 0
//! when seen before sending, 4 when the workspace answers 409. `--wait` follows the update to
//! its end (progress on stderr).

use clap::Args;
use serde_json::json;

use crate::api::Client;
use crate::api::models::online_sync::OnlineSync;
use crate::ops::change::execute::ChangeContext;
use crate::ops::error::OpError;
use crate::ops::feature_changes::follow::failed;
use crate::ops::feature_changes::{SyncPoll, follow_update, states_line, sync_online_table};
use crate::ops::journal::Outcome;

use super::change::{self, ChangeProfile};
use super::change_args::ConfirmArgs;
use super::{exit, output};

#[derive(Debug, Clone, Args)]
pub struct FeaturesSyncArgs {
    /// The online table (`catalog.schema.table`).
    pub table: String,
    /// Follow the update until it has ended (progress on stderr).
    #[arg(long)]
    pub wait: bool,
    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

/// `features sync TABLE …`, following with `poll` when `--wait`.
pub async fn sync(
    client: &Client,
    session: &ChangeProfile,
    args: &FeaturesSyncArgs,
    poll: SyncPoll<'_>,
) -> i32 {
    if let Some(code) = change::refuse_read_only(client, session, "features sync") {
        return code;
    }
    let json_out = args.confirm.json;
    let table = match client.read_online_table(&args.table).await {
        Ok(t) => t,
        Err(e) => {
            let e = OpError::from_read(e, "online tables", || {
                format!("online table '{}' not found", args.table)
            });
            return change::not_started(&e, json_out);
        }
    };
    let held = change::confirmation(&args.table, "table", session, &args.confirm);
    if json_out {
        if held.is_err() {
            output::json(&json!({ "table": table, "executed": false }));
        }
    } else {
        output::println(&format!(
            "sync online table {} on {} (profile {}): {}",
            args.table,
            client.host(),
            session.profile,
            states_line(&table)
        ));
    }
    if let Err(hold) = held {
        return hold.report();
    }
    let ctx = ChangeContext {
        profile: session.profile.clone(),
        actor: change::actor(client).await,
        production: session.production,
    };
    let started = match sync_online_table(client, &session.journal(), &ctx, &args.table).await {
        Ok(s) => s,
        Err(e) => return change::not_started(&e, json_out),
    };
    if let Some(w) = &started.change.journal_warning {
        crate::eprintln_escaped!("warning: {w}");
    }
    if started.change.outcome != Outcome::Ok {
        if json_out {
            output::json(&json!({ "executed": true, "outcome": started }));
        }
        crate::eprintln_escaped!(
            "{}{} (journal {})",
            if started.already_running() {
                ""
            } else {
                "error: "
            },
            started.change.message,
            started.change.id
        );
        return change::code_for_outcome(&started.change);
    }
    let mut ended: Option<OnlineSync> = None;
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
        let before = started.last_sync_before.as_deref();
        match follow_update(client, &args.table, before, &mut poll).await {
            Ok(o) => ended = Some(o),
            Err(e) => unfollowed = Some(e.to_string()),
        }
    }
    if json_out {
        output::json(&json!({
            "executed": true, "outcome": started, "ended": ended, "unfollowed": unfollowed,
        }));
    } else {
        output::println(&format!(
            "ok: {} (journal {})",
            started.change.message, started.change.id
        ));
        if let Some(o) = &ended {
            let version = o
                .last_synced_version
                .map(|v| format!(", source version {v}"))
                .unwrap_or_default();
            output::println(&format!("{}: {}{version}", o.name, states_line(o)));
        }
    }
    if let Some(why) = unfollowed {
        crate::eprintln_escaped!(
            "error: the sync of {} was started, but it could not be followed: {why}",
            args.table
        );
        return exit::FAILURE;
    }
    match ended {
        Some(o) if failed(&o) => {
            crate::eprintln_escaped!(
                "error: the sync of {} failed: {}",
                o.name,
                o.message.as_deref().unwrap_or("(no message)")
            );
            exit::FAILURE
        }
        _ => exit::OK,
    }
}
