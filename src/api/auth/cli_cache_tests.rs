use std::time::{Duration, UNIX_EPOCH};

use super::*;

const CACHE: &str = r#"{
  "version": 1,
  "tokens": {
    "prod": {
      "access_token": "at-prod-SECRET",
      "token_type": "Bearer",
      "refresh_token": "rt-1-SECRET",
      "expiry": "2024-05-01T12:00:00Z"
    },
    "https://adb-1.2.azuredatabricks.net": {
      "access_token": "at-prod-SECRET",
      "token_type": "Bearer",
      "refresh_token": "rt-1-SECRET",
      "expiry": "2024-05-01T12:00:00Z",
      "expires_in": 3600
    },
    "other": {
      "access_token": "at-other-SECRET",
      "refresh_token": "rt-other-SECRET",
      "expiry": "2024-05-01T12:00:00Z"
    }
  }
}"#;

fn cache_file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token-cache.json");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

#[test]
fn keys_try_the_profile_then_the_host() {
    assert_eq!(
        keys(Some("prod"), "adb-1.2.azuredatabricks.net/"),
        ["prod", "https://adb-1.2.azuredatabricks.net"]
    );
    assert_eq!(
        keys(None, "http://127.0.0.1:8080"),
        ["http://127.0.0.1:8080"]
    );
    assert_eq!(keys(Some(" "), "https://h"), ["https://h"]);
}

#[test]
fn lookup_finds_the_first_key_and_reads_the_entry() {
    let (_dir, path) = cache_file(CACHE);
    let host = "https://adb-1.2.azuredatabricks.net";
    let found = lookup(&path, &keys(Some("prod"), host)).unwrap().unwrap();
    assert_eq!(found.key, "prod");
    assert_eq!(found.access.expose(), "at-prod-SECRET");
    assert_eq!(found.refresh.as_ref().unwrap().expose(), "rt-1-SECRET");
    assert_eq!(
        found.expiry,
        Some(UNIX_EPOCH + Duration::from_secs(1_714_564_800))
    );
    let by_host = lookup(&path, &keys(Some("absent"), host)).unwrap().unwrap();
    assert_eq!(by_host.key, host);
    assert!(
        lookup(&path, &keys(None, "https://elsewhere"))
            .unwrap()
            .is_none()
    );
    assert!(!format!("{found:?}").contains("SECRET"));
}

#[test]
fn missing_broken_and_newer_caches() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        lookup(&dir.path().join("none.json"), &["k".into()])
            .unwrap()
            .is_none()
    );
    let (_d, path) = cache_file("not json");
    assert!(
        lookup(&path, &["k".into()])
            .unwrap_err()
            .contains("not JSON")
    );
    let (_d, path) = cache_file(r#"{"version": 2, "tokens": {}}"#);
    let e = lookup(&path, &["k".into()]).unwrap_err();
    assert!(e.contains("version 2"), "{e}");
    assert!(!has_sign_in(&path, &["k".into()]));
}

#[test]
fn store_rewrites_every_key_holding_the_old_refresh_token_only() {
    let (_dir, path) = cache_file(CACHE);
    let host = "https://adb-1.2.azuredatabricks.net";
    let expiry = UNIX_EPOCH + Duration::from_secs(1_714_568_400);
    let new = Refreshed {
        access: &Secret::new("at-new"),
        token_type: "Bearer",
        refresh: &Secret::new("rt-2"),
        expiry,
    };
    let all = keys(Some("prod"), host);
    store(&path, &all, &Secret::new("rt-1-SECRET"), &new).unwrap();
    for key in &all {
        let e = lookup(&path, std::slice::from_ref(key)).unwrap().unwrap();
        assert_eq!(e.access.expose(), "at-new");
        assert_eq!(e.refresh.unwrap().expose(), "rt-2");
        assert_eq!(e.expiry, Some(expiry));
    }
    let root: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert!(root["tokens"][host].get("expires_in").is_none());
    assert_eq!(root["tokens"]["other"]["access_token"], "at-other-SECRET");
    // A refresh token already rotated by someone else is left alone.
    let newer = Refreshed {
        refresh: &Secret::new("rt-3"),
        ..new
    };
    store(&path, &all, &Secret::new("rt-1-SECRET"), &newer).unwrap();
    let e = lookup(&path, &all).unwrap().unwrap();
    assert_eq!(e.refresh.unwrap().expose(), "rt-2");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn the_lock_is_exclusive_until_dropped() {
    let (_dir, path) = cache_file(CACHE);
    let held = try_lock(&path).unwrap().expect("free");
    assert!(try_lock(&path).unwrap().is_none());
    drop(held);
    assert!(try_lock(&path).unwrap().is_some());
}
