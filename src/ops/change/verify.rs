//! Settling a change whose outcome is unknown (a crash before its result, a lost answer): judge
//! it against the object's history, and append a `result` record saying what happened.
//!
//! The object as it is now says little when later changes moved it again: a change that was
//! applied and then undone by the next one reads as "not applied". So the evidence comes in
//! this order:
//! 1. the next journal entry for the same object on the same workspace: its "before" was read
//!    after this change and shows whether it was in place (a roll back of an entry is planned
//!    from the state that entry left);
//! 2. for a serving endpoint, its `config_version`: every accepted `PUT …/config` raises it by
//!    one, so a version still equal to the one this change started from means not applied;
//! 3. otherwise the object as it is now.
//!
//! Only changes whose standing is unknown are judged; a verified outcome is never overwritten.

use crate::api::{ApiResult, Client};
use crate::ops::error::OpError;
use crate::ops::journal::{
    Attempt, Entry, Journal, JournalView, Outcome, Record, ResultRecord, Via,
};
use crate::ops::workspace::Workspace;

use super::readback::read_state;
use super::target::{ObjectState, Target};

/// What the evidence says about one change.
#[derive(Debug, Clone, PartialEq)]
struct Finding {
    outcome: Outcome,
    error: Option<String>,
    verified: Option<ObjectState>,
}

/// How the state `seen` (by a later change, or now) judges `entry`'s change.
fn judge_state(entry: &Entry, seen: &ObjectState, source: &str) -> Finding {
    let a = &entry.attempt;
    let (outcome, error) = if a.after.satisfied_by(seen) {
        (Outcome::Ok, None)
    } else if a.before.satisfied_by(seen) {
        (
            Outcome::Failed,
            Some(format!(
                "not applied: {} read {} {source}",
                a.target.describe(),
                seen.describe()
            )),
        )
    } else {
        (
            Outcome::VerifyFailed,
            Some(format!(
                "{} read {} {source}: neither the state before ({}) nor after ({})",
                a.target.describe(),
                seen.describe(),
                a.before.describe(),
                a.after.describe()
            )),
        )
    };
    Finding {
        outcome,
        error,
        verified: Some(seen.clone()),
    }
}

/// The versions whose stage `entry` moves, when its states carry stages.
fn moved_stages(entry: &Entry) -> Option<Vec<(String, String, String)>> {
    let (before, after) = (
        entry.attempt.before.stages()?,
        entry.attempt.after.stages()?,
    );
    Some(
        after
            .iter()
            .filter_map(|(v, to)| {
                let from = before.get(v)?;
                (!from.eq_ignore_ascii_case(to)).then(|| (v.clone(), from.clone(), to.clone()))
            })
            .collect(),
    )
}

/// What a later change's "before" says about `entry`, or `None` when it does not tell.
fn witness(entry: &Entry, later: &Entry) -> Option<Finding> {
    let a = &entry.attempt;
    let seen = &later.attempt.before;
    let source = format!("when change {} was planned", later.attempt.id);
    if let Some(moved) = moved_stages(entry) {
        // Stages: compare the versions this change moves that the later change also read
        // (its target may differ: a promotion, a decision on a request of the same model).
        let got = seen.stages()?;
        let common: Vec<_> = moved.iter().filter(|(v, ..)| got.contains_key(v)).collect();
        if common.is_empty() {
            return None;
        }
        let shows = |pick: fn(&(String, String, String)) -> &String| {
            common.iter().all(|m| {
                got.get(&m.0)
                    .is_some_and(|g| g.eq_ignore_ascii_case(pick(m)))
            })
        };
        if shows(|m| &m.2) {
            return Some(Finding {
                outcome: Outcome::Ok,
                error: None,
                verified: Some(seen.clone()),
            });
        }
        if shows(|m| &m.1) {
            return Some(judge_state(entry, &a.before, &source));
        }
        return None;
    }
    if later.attempt.target != a.target {
        return None;
    }
    // For endpoints the config version says whether anything else moved it in between: one
    // accepted PUT from ours is ours.
    if let Some((from, at)) = endpoint_versions(&a.before, seen) {
        if at == from {
            return Some(judge_state(
                entry,
                &a.before,
                &format!("{source}, at config version {at}"),
            ));
        }
        if at != from + 1 {
            return None;
        }
    }
    let finding = judge_state(entry, seen, &source);
    (finding.outcome != Outcome::VerifyFailed).then_some(finding)
}

/// A decision on a transition request, judged by the next change on requests of the same
/// version and stage: if it found the same request (same creation time) still open, this
/// decision did not land; if that request was gone, this decision closed it.
fn request_witness(entry: &Entry, later: &Entry) -> Option<Finding> {
    let a = &entry.attempt;
    let (
        ObjectState::Request {
            opened: Some(ours), ..
        },
        ObjectState::Request { open, opened, .. },
    ) = (&a.before, &later.attempt.before)
    else {
        return None;
    };
    let source = format!("when change {} was planned", later.attempt.id);
    if *open && *opened == Some(*ours) {
        return Some(judge_state(
            entry,
            &a.before,
            &format!("{source} (the same request)"),
        ));
    }
    let closed = match &a.after {
        ObjectState::Request { stages, .. } => ObjectState::Request {
            open: false,
            stages: stages.clone(),
            opened: Some(*ours),
        },
        other => other.clone(),
    };
    Some(Finding {
        outcome: Outcome::Ok,
        error: None,
        verified: Some(closed),
    })
}

/// For an endpoint: the config version the change started from, and the one seen later.
fn endpoint_versions(before: &ObjectState, seen: &ObjectState) -> Option<(i64, i64)> {
    match (before, seen) {
        (ObjectState::Endpoint(b), ObjectState::Endpoint(s)) => {
            Some((b.config_version?, s.config_version?))
        }
        _ => None,
    }
}

/// Judges `entry` from the journal alone: the first later change of the same model (or
/// endpoint) on the same workspace whose "before" tells.
fn from_history(view: &JournalView, entry: &Entry) -> Option<Finding> {
    let a = &entry.attempt;
    let at = view.entries.iter().position(|e| e.attempt.id == a.id)?;
    let mut later = view.entries[at + 1..]
        .iter()
        .filter(|e| same_workspace(&e.attempt, a) && e.attempt.target.model() == a.target.model());
    if let Some(found) = view.entries[at + 1..]
        .iter()
        .find(|e| same_workspace(&e.attempt, a) && e.attempt.target == a.target)
        .and_then(|e| request_witness(entry, e))
    {
        return Some(found);
    }
    if moved_stages(entry).is_some() {
        // The first later change that read one of the versions this one moves.
        later.find_map(|e| witness(entry, e))
    } else {
        // Only the very next change of the object saw the state this one left.
        later
            .find(|e| e.attempt.target == a.target)
            .and_then(|e| witness(entry, e))
    }
}

/// Pages of job runs (25 each) a launch's verification reads at most.
const MAX_RUN_PAGES: usize = 8;

/// Runs of the job that some journal entry already accounts for.
fn claimed_runs(view: &JournalView, job_id: i64) -> Vec<i64> {
    let run_of = |s: &ObjectState| match s {
        ObjectState::JobRun {
            run_id: Some(id), ..
        } => Some(*id),
        _ => None,
    };
    view.entries
        .iter()
        .filter(|e| matches!(e.attempt.target, Target::JobRun { job_id: j, .. } if j == job_id))
        .flat_map(|e| {
            e.results
                .iter()
                .filter_map(|r| r.verified.as_ref().and_then(run_of))
        })
        .collect()
}

/// A launch whose answer was lost: the run it started, if any, is the first run of the job
/// that started after the attempt (with the attempt's clock slack), before the next launch of
/// the same job from this workspace, and that no other journal entry accounts for. Newer runs
/// started by later launches do not count for this one.
pub async fn launched_run(
    client: &Client,
    view: &JournalView,
    entry: &Entry,
    job_id: i64,
    since_ms: i64,
) -> ApiResult<ObjectState> {
    let a = &entry.attempt;
    let at = view.entries.iter().position(|e| e.attempt.id == a.id);
    let until = at.and_then(|at| {
        view.entries[at + 1..]
            .iter()
            .find(|e| {
                same_workspace(&e.attempt, a)
                    && matches!(e.attempt.target, Target::JobRun { job_id: j, .. } if j == job_id)
            })
            .map(|e| e.attempt.ts_ms)
    });
    let claimed = claimed_runs(view, job_id);
    let mut found: Option<(i64, i64, String)> = None;
    let mut token = None;
    // A verification looks at the newest few pages only: the runs it looks for started after
    // the attempt, and runs come newest first.
    for _ in 0..MAX_RUN_PAGES {
        let req = crate::api::models::job_runs::ListRunsRequest {
            job_id: Some(job_id),
            limit: Some(25),
            page_token: token.take(),
            ..Default::default()
        };
        let page = client.list_job_runs(&req).await?;
        let mut older = false;
        for r in &page.runs {
            let start = r.start_time.unwrap_or(0);
            older |= start < since_ms;
            let in_window = start >= since_ms && until.is_none_or(|u| start < u);
            if in_window
                && !claimed.contains(&r.run_id)
                && found.as_ref().is_none_or(|(s, _, _)| start < *s)
            {
                found = Some((start, r.run_id, r.state_label()));
            }
        }
        // Runs come newest first: once a page reaches before the attempt, stop.
        match page.next_page_token.filter(|t| !t.is_empty()) {
            Some(t) if !older && page.has_more => token = Some(t),
            _ => break,
        }
    }
    Ok(match found {
        Some((_, run_id, state)) => ObjectState::JobRun {
            started: true,
            run_id: Some(run_id),
            state: Some(state),
        },
        None => ObjectState::JobRun {
            started: false,
            run_id: None,
            state: None,
        },
    })
}

/// Judges `entry` from the object as the server shows it now.
async fn from_server(
    client: &Client,
    view: &JournalView,
    entry: &Entry,
) -> Result<Finding, OpError> {
    let a = &entry.attempt;
    if a.action == crate::ops::change::target::ChangeAction::LoadTest {
        // Nothing on the workspace records a load test's requests: one cut short stays unknown.
        return Err(OpError::Invalid(format!(
            "change {} is a load test that ended without a summary (the console stopped while \
             it ran); nothing on the workspace can tell how far it went",
            a.id
        )));
    }
    if let (
        Target::JobRun {
            job_id, since_ms, ..
        },
        ObjectState::JobRun { run_id: None, .. },
    ) = (&a.target, &a.after)
    {
        let seen = launched_run(client, view, entry, *job_id, *since_ms).await?;
        return Ok(judge_state(entry, &seen, "among the job's runs"));
    }
    if let (
        Target::MonitorRefreshes {
            table,
            table_id,
            api,
            since_ms,
        },
        ObjectState::MonitorRefresh {
            refresh_id: None, ..
        },
    ) = (&a.target, &a.after)
    {
        let m = crate::api::models::monitors::MonitorRef {
            table: table.clone(),
            table_id: table_id.clone(),
            api: *api,
        };
        let claimed = crate::ops::monitors::refresh::claimed_refreshes(view, entry);
        let seen =
            crate::ops::monitors::refresh::read_started(client, &m, None, *since_ms, &claimed)
                .await?;
        return Ok(judge_state(entry, &seen, "among the monitor's refreshes"));
    }
    let mut now = read_state(client, &a.target, &a.after).await?;
    if let (
        Target::TransitionRequest {
            model,
            version,
            stage,
        },
        ObjectState::Request { open, .. },
    ) = (&a.target, &mut now)
    {
        // The request this change decided on: the one opened when the change was planned
        // (or, for older journal lines, any opened before it). A later request to the same
        // stage is another one.
        let ours = match &a.before {
            ObjectState::Request { opened, .. } => *opened,
            _ => None,
        };
        let requests = client.list_transition_requests(model, version).await?;
        *open = requests.iter().any(|r| {
            let made = r.creation_timestamp;
            r.to_stage
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(stage))
                && match ours {
                    Some(t) => made == Some(t),
                    None => made.is_none_or(|t| t <= a.ts_ms),
                }
        });
    }
    if let Some((from, current)) = endpoint_versions(&a.before, &now)
        && current == from
    {
        // No PUT was accepted since this change was planned.
        return Ok(judge_state(
            entry,
            &a.before,
            &format!("at config version {current}"),
        ));
    }
    if now.stages().is_some() {
        // Stages that later changes of the model moved say nothing about this one: judge by
        // the rest (and, for a request, by whether it is still open).
        let touched = touched_later(view, entry);
        let keep = |st: &ObjectState| without_stages(st, &touched);
        let (before, after, seen) = (keep(&a.before), keep(&a.after), keep(&now));
        if before == after {
            return Ok(Finding {
                outcome: Outcome::Unknown,
                error: Some(format!(
                    "cannot tell: later changes moved the same versions of {}",
                    a.target.model()
                )),
                verified: Some(now),
            });
        }
        let reduced = Entry {
            attempt: crate::ops::journal::Attempt {
                before,
                after,
                ..a.clone()
            },
            results: Vec::new(),
        };
        let mut finding = judge_state(&reduced, &seen, "now");
        finding.verified = Some(now);
        return Ok(finding);
    }
    Ok(judge_state(entry, &now, "now"))
}

/// Versions whose stage a later change of the same model (on the same workspace) read or set.
fn touched_later(view: &JournalView, entry: &Entry) -> Vec<String> {
    let a = &entry.attempt;
    let Some(at) = view.entries.iter().position(|e| e.attempt.id == a.id) else {
        return Vec::new();
    };
    view.entries[at + 1..]
        .iter()
        .filter(|e| same_workspace(&e.attempt, a) && e.attempt.target.model() == a.target.model())
        .flat_map(|e| [e.attempt.before.stages(), e.attempt.after.stages()])
        .flatten()
        .flat_map(|st| st.keys().cloned())
        .collect()
}

/// `state` without the stages of `versions`.
fn without_stages(state: &ObjectState, versions: &[String]) -> ObjectState {
    let strip = |st: &std::collections::BTreeMap<String, String>| {
        st.iter()
            .filter(|(v, _)| !versions.contains(v))
            .map(|(v, s)| (v.clone(), s.clone()))
            .collect()
    };
    match state {
        ObjectState::Stages { stages } => ObjectState::Stages {
            stages: strip(stages),
        },
        ObjectState::Request {
            open,
            stages,
            opened,
        } => ObjectState::Request {
            open: *open,
            stages: strip(stages),
            opened: *opened,
        },
        other => other.clone(),
    }
}

/// Judges `entry` (see the module comment) and records what it finds. The client must talk to
/// the workspace the change was made on. An entry whose outcome is already known is left as it
/// is (`Err(OpError::Invalid)`).
pub async fn verify(
    client: &Client,
    journal: &Journal,
    view: &JournalView,
    entry: &Entry,
) -> Result<ResultRecord, OpError> {
    let a = &entry.attempt;
    if !Workspace::of(client).await.made(a) {
        return Err(OpError::Invalid(format!(
            "change {} was made on {}; connect to that workspace to verify it (this is {})",
            a.id,
            a.host,
            client.host()
        )));
    }
    if a.target == Target::Unknown {
        return Err(OpError::Invalid(format!(
            "change {} was written by a newer mlops-console; verify it with that version",
            a.id
        )));
    }
    if !entry.standing().needs_verify() {
        return Err(OpError::Invalid(format!(
            "change {} is already settled ({}); a known outcome is never rewritten",
            a.id,
            entry.standing().label()
        )));
    }
    let finding = match from_history(view, entry) {
        Some(f) => f,
        None => from_server(client, view, entry).await?,
    };
    let (ts_ms, time) = journal.now();
    let result = ResultRecord {
        id: a.id.clone(),
        time,
        ts_ms,
        outcome: finding.outcome,
        error: finding.error,
        verified: finding.verified,
        via: Via::Verify,
        answer_lost: false,
        sent: Vec::new(),
    };
    journal
        .append_async(Record::Result(result.clone()))
        .await
        .map_err(|e| OpError::Journal {
            path: journal.path().to_path_buf(),
            message: e.to_string(),
        })?;
    Ok(result)
}

/// Verifies every change of this workspace whose outcome is unknown, oldest first. Changes
/// made on other workspaces are left alone.
pub async fn verify_unknown(
    client: &Client,
    journal: &Journal,
) -> Result<Vec<(String, Result<ResultRecord, OpError>)>, OpError> {
    let read = || {
        journal.read().map_err(|e| OpError::Journal {
            path: journal.path().to_path_buf(),
            message: e.to_string(),
        })
    };
    let ws = Workspace::of(client).await;
    let ids: Vec<String> = read()?
        .needing_verify()
        .filter(|e| ws.made(&e.attempt))
        .map(|e| e.attempt.id.clone())
        .collect();
    let mut done = Vec::new();
    for id in ids {
        // Read again each time: an earlier settlement is evidence for the later ones (a job
        // run it accounts for is not counted twice).
        let view = read()?;
        let Some(entry) = view.entry(&id) else {
            continue;
        };
        done.push((id.clone(), verify(client, journal, &view, entry).await));
    }
    Ok(done)
}

/// Whether two journal entries were made on the same workspace.
fn same_workspace(a: &Attempt, b: &Attempt) -> bool {
    Workspace::new(&a.host, a.workspace_id.clone()).made(b)
}
