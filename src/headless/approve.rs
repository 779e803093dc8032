//! `mlops-console approvals`, `approve` and `reject`: the Approvals screen, headless.

use chrono::Utc;

use crate::api::Client;
use crate::ops::approvals::{
    ApprovalSource, Decision, DecisionRequest, PendingApproval, list_pending, prepare_decision,
};

use super::change::{self, Session};
use super::change_args::{ApprovalsArgs, DecisionArgs};
use super::{exit, output, report, table};

pub async fn decide(
    client: &Client,
    session: &Session,
    args: &DecisionArgs,
    decision: Decision,
) -> i32 {
    let what = match decision {
        Decision::Approve => "approve",
        Decision::Reject => "reject",
    };
    if let Some(code) = change::refuse_read_only(client, session, what) {
        return code;
    }
    let req = DecisionRequest {
        model: args.model.clone(),
        version: args.version.clone(),
        decision,
        comment: args.comment.clone(),
        stage: args.stage.clone(),
        archive_existing: !args.no_archive,
    };
    let actor = change::actor(client).await;
    match prepare_decision(client, &session.approvals, actor.as_deref(), &req).await {
        Ok(plan) => change::apply(client, session, &args.confirm, actor, &plan).await,
        Err(e) => change::report(&e),
    }
}

/// `3d 4h`, `5h 12m`, `7m`: how long something has waited.
pub fn age(since_ms: Option<i64>, now_ms: i64) -> String {
    let Some(since) = since_ms else {
        return "-".to_string();
    };
    let mins = (now_ms - since).max(0) / 60_000;
    let (d, h, m) = (mins / 1440, mins / 60 % 24, mins % 60);
    match (d, h) {
        (0, 0) => format!("{m}m"),
        (0, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h"),
    }
}

fn row(p: &PendingApproval, now: i64) -> Vec<String> {
    let (source, request) = match p.source {
        ApprovalSource::Workspace => (
            "workspace",
            format!("→ {}", p.to_stage.as_deref().unwrap_or("?")),
        ),
        ApprovalSource::UnityCatalog => ("unity catalog", "approval tag pending".to_string()),
    };
    vec![
        source.to_string(),
        p.model.clone(),
        p.version.clone(),
        request,
        p.requested_by.clone().unwrap_or_default(),
        age(p.since_ms, now),
        p.comment.clone().unwrap_or_default(),
    ]
}

pub async fn list(client: &Client, session: &Session, args: &ApprovalsArgs) -> i32 {
    let pending = list_pending(client, &session.approvals).await;
    if args.json {
        output::json(&pending);
    } else {
        let now = Utc::now().timestamp_millis();
        let rows: Vec<Vec<String>> = pending.items.iter().map(|p| row(p, now)).collect();
        output::listing("pending approvals", rows.len(), || {
            table::render(
                &[
                    "SOURCE", "MODEL", "VERSION", "REQUEST", "BY", "AGE", "COMMENT",
                ],
                &rows,
            )
        });
    }
    // A source that could not be read makes the list incomplete: a failure, not an empty
    // list a CI gate would pass. One error line says why (the notes, unless one cause
    // failed everything).
    match &pending.incomplete {
        Some(f) => report::incomplete(
            &format!(
                "the approvals list is incomplete: {}",
                pending.notes.join("; ")
            ),
            &f.0,
        ),
        None => {
            for n in &pending.notes {
                crate::eprintln_escaped!("note: {n}");
            }
            exit::OK
        }
    }
}

#[cfg(test)]
mod tests {
    use super::age;

    #[test]
    fn ages_read_like_people_say_them() {
        let now = 10 * 86_400_000;
        assert_eq!(age(Some(now - 7 * 60_000), now), "7m");
        assert_eq!(age(Some(now - (5 * 60 + 12) * 60_000), now), "5h 12m");
        assert_eq!(age(Some(now - (3 * 1440 + 4 * 60) * 60_000), now), "3d 4h");
        assert_eq!(age(None, now), "-");
        assert_eq!(age(Some(now + 1), now), "0m");
    }
}
