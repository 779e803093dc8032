//! `mlops-console monitor refresh TABLE`: the headless twin of running a monitor refresh. Same
//! rules as every change (PRODUCT §4, §8): read-only refuses before anything is sent, the plan
//! is printed, `--yes` applies, production profiles also need `--confirm TABLE`. It goes
//! through the one change pipeline (`ops::monitors::run_refresh`): journaled before and after,
//! read back, never sent twice. `--wait` follows the refresh to its end (progress on stderr).

use serde::Serialize;
use serde_json::json;

use crate::api::Client;
use crate::api::models::monitors::{MonitorApi, Refresh, RefreshState};
use crate::ops::change::execute::ChangeContext;
use crate::ops::error::OpError;
use crate::ops::journal::Outcome;
use crate::ops::monitors::{self, RefreshPoll, follow_refresh, run_refresh};

use super::change::{self, ChangeProfile};
use super::monitors::memory;
use super::monitors_args::MonitorRefreshArgs;
use super::{exit, output};

/// What `monitor refresh` would start.
#[derive(Debug, Clone, Serialize)]
pub struct RefreshPlan {
    pub table: String,
    pub api: MonitorApi,
    /// The newest refresh before this one.
    pub last: Option<Refresh>,
}

fn lines(plan: &RefreshPlan, host: &str, session: &ChangeProfile) -> String {
    let mut text = format!(
        "refresh the monitor of {} on {host} (profile {}, {} API)\n",
        plan.table,
        session.profile,
        plan.api.as_str()
    );
    if let Some(r) = &plan.last {
        text.push_str(&format!("  last refresh: {} {}\n", r.refresh_id, r.state));
    }
    if session.production {
        text.push_str("  production profile\n");
    }
    text
}

/// `monitor refresh TABLE [--wait] [--yes] [--confirm TABLE] [--json]`, following with `poll`.
pub async fn refresh(
    client: &Client,
    session: &ChangeProfile,
    args: &MonitorRefreshArgs,
    poll: RefreshPoll<'_>,
) -> i32 {
    if let Some(code) = change::refuse_read_only(client, session, "monitor refresh") {
        return code;
    }
    let json_out = args.confirm.json;
    let prefer = memory(client, &session.data_dir)
        .await
        .load()
        .ok()
        .and_then(|r| r.api);
    let detail = match monitors::read_detail(client, &args.table, prefer).await {
        Ok(Some(d)) => d,
        Ok(None) => {
            crate::eprintln_escaped!("error: {} has no monitor; nothing was sent", args.table);
            return exit::NOT_FOUND;
        }
        Err(e) => {
            crate::eprintln_escaped!("error: {e}");
            return exit::for_api_error(&e);
        }
    };
    let m = detail.monitor.reference();
    let plan = RefreshPlan {
        table: m.table.clone(),
        api: m.api,
        last: detail.refreshes.first().cloned(),
    };
    let held = change::confirmation(&plan.table, "table", session, &args.confirm);
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
    let started = match run_refresh(client, &session.journal(), &ctx, &m).await {
        Ok(s) => s,
        Err(e) => {
            if json_out {
                output::json(&json!({ "plan": plan, "executed": false, "error": e.to_string() }));
            }
            match &e {
                OpError::Refused(why) => crate::eprintln_escaped!("error: {why}; nothing was sent"),
                other => crate::eprintln_escaped!("error: {other}"),
            }
            return change::code_for(&e);
        }
    };
    if let Some(w) = &started.change.journal_warning {
        crate::eprintln_escaped!("warning: {w}");
    }
    let (Outcome::Ok, Some(id)) = (started.change.outcome, started.refresh_id) else {
        if json_out {
            output::json(&json!({ "plan": plan, "executed": true, "outcome": started }));
        }
        crate::eprintln_escaped!(
            "error: {} (journal {})",
            started.change.message,
            started.change.id
        );
        return change::code_for_outcome(&started.change);
    };
    crate::eprintln_escaped!("Started refresh {id} of the monitor of {}", plan.table);
    let mut ended: Option<Refresh> = None;
    let mut unfollowed = None;
    if args.wait {
        let mut last = String::new();
        let mut poll = poll.on_progress(move |r: &Refresh| {
            let label = r.state.to_string();
            if label != last {
                crate::eprintln_escaped!("refresh {}: {label}", r.refresh_id);
                last = label;
            }
        });
        match follow_refresh(client, &m, id, &mut poll).await {
            Ok(r) => ended = Some(r),
            Err(e) => unfollowed = Some(e.to_string()),
        }
    }
    if json_out {
        output::json(&json!({
            "plan": plan, "executed": true, "outcome": started, "ended": ended,
            "unfollowed": unfollowed,
        }));
    } else {
        output::println(&format!(
            "ok: {} (journal {})",
            started.change.message, started.change.id
        ));
        if let Some(r) = &ended {
            let msg = r.message.as_deref().unwrap_or("");
            let line = format!("refresh {id} ended {} {msg}", r.state);
            output::println(line.trim_end());
        }
    }
    if let Some(why) = unfollowed {
        crate::eprintln_escaped!(
            "error: refresh {id} was started, but it could not be followed to its end: {why}"
        );
        return exit::FAILURE;
    }
    match ended {
        Some(r) if r.state != RefreshState::Success => {
            crate::eprintln_escaped!("error: refresh {id} ended {}", r.state);
            exit::FAILURE
        }
        _ => exit::OK,
    }
}
