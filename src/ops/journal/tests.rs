//! Journal files: durable appends, lenient reading (torn and corrupt lines), pairing, and
//! appends from several threads at once.

use std::collections::BTreeMap;

use super::*;
use crate::ops::change::target::{ChangeAction, ObjectState, Target};

const T0: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

fn journal(dir: &tempfile::TempDir) -> Journal {
    Journal::in_dir(&dir.path().join("data")).with_clock(|| T0)
}

fn attempt(j: &Journal, id: &str) -> Record {
    let (ts_ms, time) = j.now();
    Record::Attempt(Box::new(Attempt {
        id: id.to_string(),
        time,
        ts_ms,
        profile: "prod".into(),
        host: "https://dbc-1.cloud.databricks.com".into(),
        workspace_id: None,
        actor: Some("ml-eng@acme.com".into()),
        action: ChangeAction::Promote,
        target: Target::UcAlias {
            model: "main.ml.churn_model".into(),
            alias: "champion".into(),
        },
        before: ObjectState::Alias {
            version: Some("4".into()),
        },
        after: ObjectState::Alias {
            version: Some("5".into()),
        },
        comment: None,
        reverts: None,
        requests: vec![
            "PUT /api/2.1/unity-catalog/models/main.ml.churn_model/aliases/champion".into(),
        ],
    }))
}

fn result(j: &Journal, id: &str, outcome: Outcome) -> Record {
    let (ts_ms, time) = j.now();
    Record::Result(ResultRecord {
        id: id.to_string(),
        time,
        ts_ms,
        outcome,
        error: None,
        verified: Some(ObjectState::Tags {
            tags: BTreeMap::new(),
        }),
        via: Via::Execute,
        answer_lost: false,
        sent: Vec::new(),
    })
}

#[test]
fn records_round_trip_and_pair() {
    let dir = tempfile::tempdir().unwrap();
    let j = journal(&dir);
    assert_eq!(j.read().unwrap(), JournalView::default(), "no file yet");
    j.append(&attempt(&j, "a")).unwrap();
    j.append(&result(&j, "a", Outcome::Ok)).unwrap();
    j.append(&attempt(&j, "b")).unwrap();
    let view = j.read().unwrap();
    assert!(view.problems.is_empty(), "{:?}", view.problems);
    assert_eq!(view.entries.len(), 2);
    assert_eq!(view.entries[0].standing(), Standing::Ok);
    assert_eq!(view.entries[1].standing(), Standing::NoResult);
    assert_eq!(view.entries[1].standing().label(), "unknown — verify");
    let ids: Vec<&str> = view
        .needing_verify()
        .map(|e| e.attempt.id.as_str())
        .collect();
    assert_eq!(ids, ["b"]);
    let text = std::fs::read_to_string(j.path()).unwrap();
    assert!(text.ends_with('\n'));
    assert!(
        text.lines()
            .next()
            .unwrap()
            .starts_with(r#"{"type":"attempt","id":"a","time":"2026-01-01T00:00:00.000Z""#)
    );
}

#[cfg(unix)]
#[test]
fn the_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let j = journal(&dir);
    j.append(&attempt(&j, "a")).unwrap();
    let mode = std::fs::metadata(j.path()).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn a_torn_last_line_is_reported_and_the_next_record_stays_whole() {
    let dir = tempfile::tempdir().unwrap();
    let j = journal(&dir);
    j.append(&attempt(&j, "a")).unwrap();
    // A crash in the middle of writing the result.
    let full = serde_json::to_string(&result(&j, "a", Outcome::Ok)).unwrap();
    let mut text = std::fs::read_to_string(j.path()).unwrap();
    text.push_str(&full[..full.len() / 2]);
    std::fs::write(j.path(), &text).unwrap();

    let view = j.read().unwrap();
    assert_eq!(view.problems, vec![Problem::TornTail { line: 2 }]);
    assert_eq!(view.entries.len(), 1);
    assert_eq!(view.entries[0].standing(), Standing::NoResult);

    // The next append starts on a new line; the torn one becomes a corrupt middle line.
    j.append(&result(&j, "a", Outcome::Unknown)).unwrap();
    let view = j.read().unwrap();
    assert!(
        matches!(view.problems[..], [Problem::Corrupt { line: 2, .. }]),
        "{:?}",
        view.problems
    );
    assert_eq!(view.entries[0].standing(), Standing::Unknown);
}

#[test]
fn garbage_and_orphans_are_skipped_not_fatal() {
    let bytes = b"not json\n\n{\"type\":\"result\",\"id\":\"zz\",\"time\":\"t\",\"ts_ms\":1,\"outcome\":\"ok\",\"via\":\"verify\"}\n\xff\xfe\n";
    let view = parse(bytes);
    assert!(view.entries.is_empty());
    assert_eq!(view.problems.len(), 3, "{:?}", view.problems);
    assert!(matches!(view.problems[0], Problem::Corrupt { line: 1, .. }));
    assert_eq!(
        view.problems[1],
        Problem::OrphanResult {
            line: 3,
            id: "zz".into()
        }
    );
    assert!(
        view.problems[2]
            .to_string()
            .starts_with("line 4: not a journal record")
    );
}

#[test]
fn later_results_decide_the_standing() {
    let dir = tempfile::tempdir().unwrap();
    let j = journal(&dir);
    j.append(&attempt(&j, "a")).unwrap();
    j.append(&result(&j, "a", Outcome::Unknown)).unwrap();
    let mut verified = result(&j, "a", Outcome::Ok);
    if let Record::Result(r) = &mut verified {
        r.via = Via::Verify;
    }
    j.append(&verified).unwrap();
    let view = j.read().unwrap();
    let e = &view.entries[0];
    assert_eq!(e.results.len(), 2);
    assert_eq!(e.standing(), Standing::Ok);
    assert!(e.matches("CHURN_model") && e.matches("v5") && !e.matches("fraud"));
}

#[test]
fn concurrent_appends_never_interleave() {
    let dir = tempfile::tempdir().unwrap();
    let j = journal(&dir);
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let j = j.clone();
            std::thread::spawn(move || {
                for i in 0..50 {
                    j.append(&attempt(&j, &format!("t{t}-{i}"))).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let view = j.read().unwrap();
    assert!(view.problems.is_empty(), "{:?}", view.problems);
    assert_eq!(view.entries.len(), 200);
}

#[test]
fn ids_are_unique_and_sortable_by_time() {
    let dir = tempfile::tempdir().unwrap();
    let j = journal(&dir);
    let a = j.new_id();
    let b = j.new_id();
    assert_ne!(a, b);
    assert!(a.starts_with(&format!("{T0:011x}-")), "{a}");
}
