//! `mlops-console approvals`, `approve` and `reject`: the Approvals screen, headless.

use chrono::Utc;

use crate::api::Client;
use crate::ops::approvals::detail::read_detail;
use crate::ops::approvals::{
    ApprovalSource, Decision, DecisionRequest, PendingApproval, list_pending, prepare_decision,
};

use super::change::{self, ChangeProfile};
use super::change_args::{ApprovalsArgs, DecisionArgs};
use super::{exit, output, report, table};

pub async fn decide(
    client: &Client,
    session: &ChangeProfile,
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

/// `approvals MODEL VERSION`: one waiting request or version in full.
async fn show(client: &Client, session: &ChangeProfile, args: &ApprovalsArgs, model: &str) -> i32 {
    let version = args.version.as_deref().unwrap_or_default();
    let version = version.trim().trim_start_matches(['v', 'V']);
    let pending = list_pending(client, &session.approvals).await;
    let Some(item) = pending
        .items
        .iter()
        .find(|i| i.model == model && i.version == version)
    else {
        crate::eprintln_escaped!("{model} v{version} is not waiting for approval");
        for n in &pending.notes {
            crate::eprintln_escaped!("note: {n}");
        }
        return exit::NOT_FOUND;
    };
    let d = read_detail(client, &session.approvals, item).await;
    if args.json {
        output::json(&d);
        return exit::OK;
    }
    let now = Utc::now().timestamp_millis();
    let request = row(item, now);
    let mut text = format!(
        "{model} v{version} ({}, {})\nasked by {} {} ago\n\ncomments:\n",
        request[0], request[3], request[4], request[5]
    );
    for c in &d.comments {
        text.push_str(&format!("  {c}\n"));
    }
    let champion = d.champion.as_deref().unwrap_or("-");
    let rows: Vec<Vec<String>> = d
        .metrics
        .iter()
        .map(|m| {
            let v = |x: Option<f64>| x.map_or_else(|| "-".to_string(), |x| format!("{x:.4}"));
            vec![m.key.clone(), v(m.candidate), v(m.champion)]
        })
        .collect();
    let candidate_head = format!("V{version}");
    let champion_head = format!("V{champion} (CHAMPION)");
    text.push_str(&format!(
        "\n{}\nlineage:\n",
        table::render(&["METRIC", &candidate_head, &champion_head], &rows)
    ));
    for l in &d.lineage {
        text.push_str(&format!(
            "  v{} <- run {} ({}) in experiment {}{}; registered by {}\n",
            l.version,
            l.run_name.as_deref().unwrap_or("?"),
            l.run_id.as_deref().unwrap_or("?"),
            l.experiment_id.as_deref().unwrap_or("?"),
            l.parent_run_id
                .as_deref()
                .map(|p| format!(", child of run {p}"))
                .unwrap_or_default(),
            l.registered_by.as_deref().unwrap_or("?")
        ));
    }
    output::print(&text);
    for n in &d.notes {
        crate::eprintln_escaped!("note: {n}");
    }
    exit::OK
}

pub async fn list(client: &Client, session: &ChangeProfile, args: &ApprovalsArgs) -> i32 {
    if let Some(model) = &args.model {
        return show(client, session, args, model).await;
    }
    let pending = list_pending(client, &session.approvals).await;
    // A list that could not be read at all is not an empty list: only the error is shown.
    let unread = pending.items.is_empty() && pending.incomplete.is_some();
    if args.json {
        output::json(&pending);
    } else if !unread {
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
