//! Keymap: key strings, the embedded defaults, and user overrides (public API only).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use mlops_console::app::Action;
use mlops_console::app::keymap::{Context, KeyChord, Keymap, USER_KEYMAP_FILE};

fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, mods)
}

#[test]
fn key_strings_parse_and_print_back() {
    for s in [
        "q",
        "ctrl-c",
        "shift-tab",
        "pgup",
        "pgdn",
        "esc",
        "?",
        "/",
        ":",
        "1",
        "G",
        "-",
        "ctrl--",
        "enter",
        "f5",
        "alt-x",
        "space",
        "home",
    ] {
        let k = KeyChord::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(k.to_string(), s, "round trip of {s}");
    }
    assert_eq!(KeyChord::parse("shift-g").unwrap().to_string(), "G");
    assert_eq!(KeyChord::parse("Ctrl-C").unwrap().to_string(), "ctrl-c");
    assert_eq!(KeyChord::parse("backtab").unwrap().to_string(), "shift-tab");
    assert!(KeyChord::parse("hyper-x").is_err());
    assert!(KeyChord::parse("nosuchkey").is_err());
    assert!(KeyChord::parse("f99").is_err());
}

#[test]
fn terminal_events_match_file_keys() {
    let g = KeyChord::parse("G").unwrap();
    assert_eq!(
        KeyChord::from_event(&key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
        g
    );
    assert_eq!(
        KeyChord::from_event(&key(KeyCode::BackTab, KeyModifiers::SHIFT)),
        KeyChord::parse("shift-tab").unwrap()
    );
}

#[test]
fn defaults_parse_cleanly_without_conflicts() {
    // `Keymap::default()` debug-asserts that the embedded file has no warnings.
    let km = Keymap::default();
    for ctx in Context::all() {
        let mut seen = Vec::new();
        for (action, keys) in km.bindings(ctx) {
            for k in keys {
                assert!(!seen.contains(k), "{k} bound twice in {ctx:?} ({action:?})");
                seen.push(*k);
            }
        }
    }
    let ctx = [Context::List, Context::Global];
    assert_eq!(
        km.resolve(&ctx, &key(KeyCode::Char('q'), KeyModifiers::NONE)),
        Some(Action::Quit)
    );
    assert_eq!(
        km.resolve(&ctx, &key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        Some(Action::Quit)
    );
    assert_eq!(
        km.resolve(&ctx, &key(KeyCode::Char('2'), KeyModifiers::NONE)),
        Some(Action::GotoExperiments)
    );
    assert_eq!(
        km.resolve(
            &[Context::Input],
            &key(KeyCode::Char('q'), KeyModifiers::NONE)
        ),
        None,
        "q must type a q in inputs"
    );
}

#[test]
fn user_file_overrides_per_action_and_steals_keys() {
    let (km, warnings) = Keymap::with_overrides(
        "user",
        r#"
[global]
quit = ["ctrl-q"]
refresh = "q"     # q moves from quit to refresh
[list]
first = []
"#,
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    let g = [Context::Global];
    let press = |c| key(KeyCode::Char(c), KeyModifiers::NONE);
    assert_eq!(
        km.resolve(&g, &key(KeyCode::Char('q'), KeyModifiers::CONTROL)),
        Some(Action::Quit)
    );
    assert_eq!(km.resolve(&g, &press('q')), Some(Action::Refresh));
    assert_eq!(km.resolve(&g, &press('r')), None);
    assert_eq!(km.resolve(&[Context::List], &press('g')), None);
    assert_eq!(km.keys_for(&g, Action::Quit)[0].to_string(), "ctrl-q");
    // untouched defaults stay
    assert_eq!(km.resolve(&g, &press('?')), Some(Action::Help));
}

#[test]
fn invalid_entries_are_reported_and_defaults_kept() {
    let (km, warnings) = Keymap::with_overrides(
        "user",
        r#"
[global]
quit = "hyper-q"
frobnicate = "z"
help = 42
refresh = ["r", "r"]
palette = "r"
[nowhere]
quit = "x"
"#,
    );
    assert_eq!(warnings.len(), 6, "{warnings:?}");
    assert!(warnings.iter().any(|w| w.contains("Refresh loses it")));
    assert!(warnings.iter().any(|w| w.contains("unknown action")));
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("unknown context [nowhere]"))
    );
    assert!(warnings.iter().any(|w| w.contains("unknown modifier")));
    assert!(warnings.iter().any(|w| w.contains("already bound")));
    let g = [Context::Global];
    // help = 42 was rejected: "?" still opens help
    assert_eq!(
        km.resolve(&g, &key(KeyCode::Char('?'), KeyModifiers::NONE)),
        Some(Action::Help)
    );

    let (km, warnings) = Keymap::with_overrides("user", "not toml [");
    assert_eq!(warnings.len(), 1);
    assert_eq!(km, Keymap::default());
}

#[test]
fn load_reads_the_config_dir_and_tolerates_its_absence() {
    let dir = tempfile::tempdir().unwrap();
    let (km, warnings) = Keymap::load(dir.path());
    assert!(warnings.is_empty());
    assert_eq!(km, Keymap::default());
    std::fs::write(
        dir.path().join(USER_KEYMAP_FILE),
        "[global]\nhelp = \"f1\"\n",
    )
    .unwrap();
    let (km, warnings) = Keymap::load(dir.path());
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        km.resolve(&[Context::Global], &key(KeyCode::F(1), KeyModifiers::NONE)),
        Some(Action::Help)
    );
}

/// The README's example: `ctrl-q` for quit is free everywhere, so the example loads without a
/// word; `x` would be shadowed where it rejects an approval, and the loader says so.
#[test]
fn a_global_key_that_a_screen_binds_first_is_reported() {
    let readme = include_str!("../README.md");
    let at = readme
        .find("# keymap.toml in the config dir")
        .expect("the README's keymap example");
    let example = readme[at..].split("```").next().unwrap();
    let (km, warnings) = Keymap::with_overrides("user", example);
    assert!(warnings.is_empty(), "{warnings:?}");
    let ctrl_q = key(KeyCode::Char('q'), KeyModifiers::CONTROL);
    for ctx in Context::all() {
        let bound = Keymap::default().resolve(&[ctx], &ctrl_q);
        assert!(bound.is_none(), "ctrl-q is taken in [{}]", ctx.name());
    }
    assert_eq!(km.resolve(&[Context::Global], &ctrl_q), Some(Action::Quit));

    let (_, warnings) = Keymap::with_overrides("user", "[global]\nquit = [\"x\", \"ctrl-c\"]\n");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("\"x\"") && w.contains("[approvals]")),
        "{warnings:?}"
    );
    let (_, warnings) = Keymap::with_overrides("user", "[list]\nopen = \"j\"\n");
    assert!(
        warnings.iter().any(|w| w.contains("MoveDown loses it")),
        "{warnings:?}"
    );
}
