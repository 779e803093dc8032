use super::*;
use crate::ops::canary::plan::CanaryPlan;

const A: &str = "http://127.0.0.1:5000";
const B: &str = "http://127.0.0.1:5001";

fn ws(host: &str) -> Workspace {
    Workspace::new(host, None)
}

fn state(endpoint: &str) -> CanaryState {
    let plan = CanaryPlan::parse(&format!(
        "endpoint = \"{endpoint}\"\nstable = \"a\"\ncanary = \"b\"\nsteps = [50, 100]\n\
         hold = \"1m\"\ninterval = \"15s\"\n"
    ))
    .unwrap();
    CanaryState::new(plan, 7)
}

fn owned(endpoint: &str, host: &str) -> CanaryState {
    let mut s = state(endpoint);
    s.host = Some(host.to_string());
    s
}

fn endpoints(listing: &SavedPlans) -> Vec<&str> {
    listing
        .plans
        .iter()
        .map(|s| s.plan.endpoint.as_str())
        .collect()
}

#[test]
fn saves_atomically_reads_back_lists_and_removes() {
    let dir = tempfile::tempdir().unwrap();
    let store = CanaryStore::for_workspace(dir.path(), &ws(A));
    assert_eq!(store.load("churn-prod").unwrap(), None);
    let mut s = state("churn-prod");
    store.save(&s).unwrap();
    s.step = 1;
    store.save(&s).unwrap();
    s.host = Some(A.to_string());
    assert_eq!(store.load("churn-prod").unwrap(), Some(s.clone()));
    let slug = workspace_slug(A);
    assert!(
        store
            .path("churn-prod")
            .ends_with(format!("canaries/{slug}/churn-prod.json"))
    );
    assert!(!store.path("churn-prod").with_extension("json.tmp").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(store.path("churn-prod"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "only the user reads plan state");
    }
    store.save(&state("fraud-scoring")).unwrap();
    fs::write(store.path("broken"), "{").unwrap();
    let listing = store.list();
    assert_eq!(endpoints(&listing), ["churn-prod", "fraud-scoring"]);
    assert_eq!(listing.unreadable.len(), 1);
    assert!(store.load("broken").is_err());
    assert_eq!(store.path("../x").file_name().unwrap(), "___x.json");
    store.remove("churn-prod").unwrap();
    store.remove("churn-prod").unwrap();
    assert_eq!(store.load("churn-prod").unwrap(), None);
}

#[test]
fn a_corrupt_or_non_utf8_file_is_named_and_the_others_still_list() {
    let dir = tempfile::tempdir().unwrap();
    let store = CanaryStore::for_workspace(dir.path(), &ws(A));
    store.save(&state("fraud-scoring")).unwrap();
    fs::write(store.path("churn-prod"), b"{\"version\": 1, \xff\xfe}").unwrap();
    let err = store.load("churn-prod").unwrap_err().to_string();
    assert!(
        err.contains("churn-prod.json") && err.contains("UTF-8"),
        "{err}"
    );
    let mut odd = owned("odd", A);
    odd.step = 7;
    fs::write(store.path("odd"), serde_json::to_string(&odd).unwrap()).unwrap();
    let err = store.load("odd").unwrap_err().to_string();
    assert!(err.contains("odd.json") && err.contains("step"), "{err}");
    let listing = store.list();
    assert_eq!(endpoints(&listing), ["fraud-scoring"]);
    assert_eq!(listing.unreadable.len(), 2, "{:?}", listing.unreadable);
    assert!(
        listing.unreadable[0].contains("churn-prod.json")
            && listing.unreadable[1].contains("odd.json"),
        "{:?}",
        listing.unreadable
    );
}

#[test]
fn a_plan_of_one_workspace_is_never_another_workspaces_with_the_same_endpoint_name() {
    let dir = tempfile::tempdir().unwrap();
    let a = CanaryStore::for_workspace(dir.path(), &ws(A));
    let b = CanaryStore::for_workspace(dir.path(), &ws(B));
    let mut done = state("churn-prod");
    done.step = 1;
    a.save(&done).unwrap();
    assert_ne!(a.path("churn-prod"), b.path("churn-prod"));
    assert_eq!(b.load("churn-prod").unwrap(), None);
    assert!(b.list().plans.is_empty(), "{:?}", b.list());
    // B's own plan on the same endpoint name leaves A's alone.
    b.save(&state("churn-prod")).unwrap();
    assert_eq!(b.load("churn-prod").unwrap().unwrap().step, 0);
    assert_eq!(a.load("churn-prod").unwrap().unwrap().step, 1);
    b.remove("churn-prod").unwrap();
    assert_eq!(a.load("churn-prod").unwrap().unwrap().step, 1);
    // A file copied into the wrong workspace's directory is not taken for that workspace's.
    fs::copy(a.path("churn-prod"), b.path("churn-prod")).unwrap();
    assert_eq!(b.load("churn-prod").unwrap(), None);
    assert!(b.list().plans.is_empty());
}

#[test]
fn a_legacy_file_naming_its_host_loads_for_that_host_only_and_moves_on_save() {
    let dir = tempfile::tempdir().unwrap();
    let a = CanaryStore::for_workspace(dir.path(), &ws(A));
    let b = CanaryStore::for_workspace(dir.path(), &ws(B));
    fs::create_dir_all(dir.path().join("canaries")).unwrap();
    let legacy = dir.path().join("canaries/churn-prod.json");
    fs::write(
        &legacy,
        serde_json::to_string(&owned("churn-prod", A)).unwrap(),
    )
    .unwrap();
    assert_eq!(a.legacy_path("churn-prod"), legacy);
    assert_eq!(a.load("churn-prod").unwrap(), Some(owned("churn-prod", A)));
    assert_eq!(endpoints(&a.list()), ["churn-prod"]);
    assert_eq!(b.load("churn-prod").unwrap(), None);
    assert!(b.list().plans.is_empty() && b.list().legacy.is_empty());
    b.remove("churn-prod").unwrap();
    assert!(legacy.exists(), "another workspace never removes it");
    let mut s = a.load("churn-prod").unwrap().unwrap();
    s.step = 1;
    a.save(&s).unwrap();
    assert!(!legacy.exists() && a.path("churn-prod").exists());
    assert_eq!(a.load("churn-prod").unwrap(), Some(s));
}

#[test]
fn a_legacy_file_naming_no_host_is_only_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let a = CanaryStore::for_workspace(dir.path(), &ws(A));
    fs::create_dir_all(dir.path().join("canaries")).unwrap();
    let legacy = dir.path().join("canaries/churn-prod.json");
    let text = serde_json::to_string(&state("churn-prod")).unwrap();
    assert!(!text.contains("\"host\""), "{text}");
    fs::write(&legacy, text).unwrap();
    assert_eq!(a.load("churn-prod").unwrap(), None);
    let listing = a.list();
    assert!(listing.plans.is_empty());
    assert_eq!(listing.legacy.len(), 1);
    assert!(listing.legacy[0].contains("churn-prod.json"), "{listing:?}");
    let note = a.legacy_note("churn-prod").unwrap();
    assert!(note.contains("names no workspace"), "{note}");
    // A new plan goes to the workspace's directory; the old file stays as it was.
    a.save(&state("churn-prod")).unwrap();
    assert!(legacy.exists());
    a.remove("churn-prod").unwrap();
    assert!(legacy.exists());
    assert_eq!(a.legacy_note("fraud-scoring"), None);
}

#[test]
fn workspace_slugs_are_safe_readable_and_distinct() {
    let slug = workspace_slug("http://127.0.0.1:5000");
    assert!(slug.starts_with("http_127.0.0.1_5000-"), "{slug}");
    for host in [
        "https://adb-1.azuredatabricks.net",
        "https://x.cloud.databricks.com/some/path",
        "http://[::1]:80",
        "https://../..",
    ] {
        let slug = workspace_slug(host);
        assert!(
            slug.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
                && !slug.starts_with('.')
                && slug.len() <= 64 + 13,
            "{host}: {slug}"
        );
    }
    assert_ne!(
        workspace_slug("https://a.com/x_y"),
        workspace_slug("https://a.com/x/y")
    );
    assert_eq!(workspace_slug(A), workspace_slug(A));
    assert_ne!(workspace_slug(A), workspace_slug(B));
}

fn journaled(id: &str, host: &str, endpoint: &str, ts_ms: i64) -> crate::ops::journal::Entry {
    use crate::ops::change::target::{ChangeAction, ObjectState, Target};
    crate::ops::journal::Entry {
        attempt: crate::ops::journal::Attempt {
            id: id.into(),
            time: "t".into(),
            ts_ms,
            profile: "p".into(),
            host: host.into(),
            workspace_id: None,
            actor: None,
            action: ChangeAction::Traffic,
            target: Target::Endpoint {
                name: endpoint.into(),
            },
            before: ObjectState::Alias { version: None },
            after: ObjectState::Alias { version: None },
            comment: None,
            reverts: None,
            requests: Vec::new(),
        },
        results: Vec::new(),
    }
}

#[test]
fn a_legacy_plan_moves_to_the_workspace_the_journal_places_it_on() {
    let dir = tempfile::tempdir().unwrap();
    let a = CanaryStore::for_workspace(dir.path(), &ws(A));
    let b = CanaryStore::for_workspace(dir.path(), &ws(B));
    fs::create_dir_all(dir.path().join("canaries")).unwrap();
    let write = |endpoint: &str| {
        let path = dir.path().join(format!("canaries/{endpoint}.json"));
        fs::write(&path, serde_json::to_string(&state(endpoint)).unwrap()).unwrap();
        path
    };
    let (churn, fraud, mixed) = (write("churn-prod"), write("fraud-scoring"), write("recsys"));
    let view = crate::ops::journal::JournalView {
        entries: vec![
            journaled("1", A, "churn-prod", 7),
            journaled("2", "HTTP://127.0.0.1:5001/", "fraud-scoring", 8),
            journaled("3", A, "recsys", 7),
            journaled("4", B, "recsys", 7),
            // Long after the plan: not its change.
            journaled("5", B, "churn-prod", 10_000_000),
        ],
        problems: Vec::new(),
    };
    let notes = a.adopt_legacy(&view);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains("churn-prod"), "{notes:?}");
    assert!(!churn.exists() && fraud.exists() && mixed.exists());
    assert_eq!(endpoints(&a.list()), ["churn-prod"]);
    assert_eq!(
        a.load("churn-prod").unwrap().unwrap().host.as_deref(),
        Some(A)
    );
    assert_eq!(b.adopt_legacy(&view).len(), 1);
    assert_eq!(endpoints(&b.list()), ["fraud-scoring"]);
    assert!(!fraud.exists());
    // Changes on two workspaces: it stays a note for both.
    assert!(mixed.exists());
    assert_eq!(a.list().legacy.len(), 1);
    assert_eq!(a.load("recsys").unwrap(), None);
    assert_eq!(b.load("recsys").unwrap(), None);
}
