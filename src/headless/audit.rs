//! `mlops-console audit`: the journal of changes this console made, as a table or JSON;
//! `--verify` re-reads the object of every change whose outcome is unknown and records what
//! is actually there.

use serde_json::json;

use crate::api::Client;
use crate::ops::change::verify::verify_unknown;
use crate::ops::journal::{Entry, Journal, JournalView};

use super::change_args::AuditArgs;
use super::{change, exit, output, table};

fn read(journal: &Journal) -> Result<JournalView, i32> {
    journal.read().map_err(|e| {
        crate::eprintln_escaped!(
            "error: cannot read the audit journal {}: {e}",
            journal.path().display()
        );
        exit::FAILURE
    })
}

/// Settles unknown outcomes of this workspace's changes; prints one line per change.
pub async fn verify(client: &Client, journal: &Journal) -> i32 {
    let settled = match verify_unknown(client, journal).await {
        Ok(s) => s,
        Err(e) => return change::report(&e),
    };
    let mut code = exit::OK;
    for (id, r) in &settled {
        match r {
            Ok(result) => crate::eprintln_escaped!(
                "verified {id}: {}{}",
                result.outcome.as_str(),
                result
                    .error
                    .as_deref()
                    .map(|e| format!(" ({e})"))
                    .unwrap_or_default()
            ),
            Err(e) => {
                crate::eprintln_escaped!("could not verify {id}: {e}");
                code = exit::VERIFY_FAILED;
            }
        }
    }
    if settled.is_empty() {
        crate::eprintln_escaped!(
            "nothing to verify: no change of this workspace has an unknown outcome"
        );
    }
    code
}

fn render(entries: &[&Entry]) -> String {
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let a = &e.attempt;
            let mut result = e.standing().label().to_string();
            if let Some(err) = e.latest().and_then(|r| r.error.as_deref()) {
                result.push_str(&format!(": {err}"));
            }
            vec![
                table::timestamp(Some(a.ts_ms)),
                a.profile.clone(),
                a.action.to_string(),
                a.target.describe(),
                format!("{} → {}", a.before.describe(), a.after.describe()),
                a.id.clone(),
                result,
            ]
        })
        .collect();
    table::render(
        &[
            "TIME (UTC)",
            "PROFILE",
            "ACTION",
            "OBJECT",
            "CHANGE",
            "ID",
            "RESULT",
        ],
        &rows,
    )
}

/// Prints the journal (after verifying, when a client is given).
pub async fn run(journal: &Journal, verify_with: Option<&Client>, args: &AuditArgs) -> i32 {
    let mut code = exit::OK;
    if let Some(client) = verify_with {
        code = verify(client, journal).await;
    }
    let view = match read(journal) {
        Ok(v) => v,
        Err(c) => return c,
    };
    let shown: Vec<&Entry> = view
        .entries
        .iter()
        .filter(|e| args.filter.as_deref().is_none_or(|f| e.matches(f)))
        .collect();
    if args.json {
        let entries: Vec<_> = shown
            .iter()
            .map(
                |e| json!({ "standing": e.standing(), "attempt": e.attempt, "results": e.results }),
            )
            .collect();
        output::json(&json!({
            "path": journal.path(),
            "entries": entries,
            "problems": view.problems,
        }));
    } else {
        output::listing("recorded changes", shown.len(), || render(&shown));
    }
    for p in &view.problems {
        crate::eprintln_escaped!("warning: {}: {p}", journal.path().display());
    }
    let unknown = shown.iter().filter(|e| e.standing().needs_verify()).count();
    if unknown > 0 && verify_with.is_none() {
        crate::eprintln_escaped!(
            "{unknown} change(s) with an unknown outcome: run `mlops-console audit --verify` to \
             re-read them"
        );
    }
    code
}
