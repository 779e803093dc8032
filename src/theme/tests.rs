use std::collections::HashMap;

use ratatui::style::{Color, Modifier, Style};

use super::*;

fn users(files: &[(&str, &str)]) -> HashMap<String, String> {
    files
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect()
}

fn load(name: &str, files: &HashMap<String, String>) -> (Theme, Vec<String>) {
    let lookup = |n: &str| files.get(n).map(|t| (format!("user/{n}.toml"), t.clone()));
    Theme::load_with(name, &lookup, false)
}

#[test]
fn every_builtin_parses_without_warnings_and_defines_every_role() {
    for name in Theme::builtin_names() {
        let (theme, warnings) = load(name, &HashMap::new());
        assert!(warnings.is_empty(), "{name}: {warnings:?}");
        assert_eq!(theme.name(), name);
        // Every role of a built-in is written out, so nothing relies on fallbacks by accident.
        let text = BUILTIN.iter().find(|(n, _)| *n == name).unwrap().1;
        let mut w = Vec::new();
        let spec = load::resolve(name, &|_| None, &mut w).unwrap();
        for role in Role::ALL {
            assert!(
                spec.roles.contains_key(&role),
                "{name} lacks {}",
                role.name()
            );
        }
        assert!(text.contains("[terminal]"));
    }
}

#[test]
fn extends_inherits_fields_and_overrides_per_field() {
    let files = users(&[(
        "midnight",
        r##"extends = "dark"
[roles]
title = { fg = "#112233" }
"##,
    )]);
    let (theme, warnings) = load("midnight", &files);
    assert!(warnings.is_empty(), "{warnings:?}");
    let title = theme.style(Role::Title);
    assert_eq!(title.fg, Some(Color::Rgb(0x11, 0x22, 0x33)));
    // bold comes from dark's title
    assert!(title.add_modifier.contains(Modifier::BOLD));
    assert_eq!(theme.style(Role::Ok), Theme::dark().style(Role::Ok));
    assert_eq!(theme.default_fg_bg(), Theme::dark().default_fg_bg());
}

#[test]
fn bad_entries_are_reported_and_defaults_kept() {
    let files = users(&[(
        "broken",
        r#"extends = "dark"
[roles]
title = { fg = "not-a-colour", bold = "yes" }
nonsense = { fg = "red" }
ok = 42
"#,
    )]);
    let (theme, warnings) = load("broken", &files);
    assert_eq!(warnings.len(), 4, "{warnings:?}");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("roles.nonsense: unknown role"))
    );
    assert!(warnings.iter().any(|w| w.contains("not a colour")));
    // title keeps dark's colour: the bad fg was skipped, not turned into Reset
    assert_eq!(
        theme.style(Role::Title).fg,
        Theme::dark().style(Role::Title).fg
    );
    assert_eq!(theme.style(Role::Ok), Theme::dark().style(Role::Ok));
}

#[test]
fn unknown_theme_and_broken_file_fall_back_to_dark() {
    let (theme, warnings) = load("nope", &HashMap::new());
    assert_eq!(theme, Theme::dark());
    assert!(warnings[0].contains("unknown theme \"nope\""));

    let files = users(&[("bad", "this is = = not toml")]);
    let (theme, warnings) = load("bad", &files);
    assert_eq!(theme, Theme::dark());
    assert!(warnings[0].starts_with("user/bad.toml"));
}

#[test]
fn a_user_file_may_tweak_the_builtin_of_the_same_name_and_cycles_stop() {
    let files = users(&[(
        "dark",
        r#"extends = "dark"
[roles]
accent = "magenta"
"#,
    )]);
    let (theme, warnings) = load("dark", &files);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(theme.style(Role::Accent).fg, Some(Color::Magenta));
    assert_eq!(theme.style(Role::Ok), Theme::dark().style(Role::Ok));

    let files = users(&[("a", "extends = \"b\""), ("b", "extends = \"a\"")]);
    let (_, warnings) = load("a", &files);
    assert!(warnings.iter().any(|w| w.contains("loops")), "{warnings:?}");
}

#[test]
fn missing_roles_fall_back_through_the_table() {
    let files = users(&[("tiny", "[roles]\nerror = { fg = \"red\" }\n")]);
    let (theme, warnings) = load("tiny", &files);
    assert!(warnings.is_empty());
    assert_eq!(
        theme.style(Role::ToastError),
        Style::default().fg(Color::Red)
    );
    assert_eq!(theme.style(Role::Text), Style::default());
}

#[test]
fn no_color_forces_mono_which_has_no_colours() {
    let (theme, _) = Theme::load_with("light", &|_| None, true);
    assert_eq!(theme.name(), "mono");
    for role in Role::ALL {
        let s = theme.style(role);
        assert!(
            s.fg.is_none() && s.bg.is_none(),
            "{} has a colour",
            role.name()
        );
    }
    assert!(no_color_requested(Some(std::ffi::OsStr::new("1"))));
    assert!(!no_color_requested(Some(std::ffi::OsStr::new(""))));
    assert!(!no_color_requested(None));
}

#[test]
fn default_fg_bg_is_concrete() {
    let (fg, bg) = Theme::builtin("light").unwrap().default_fg_bg();
    assert_eq!(fg, Color::Rgb(0x1f, 0x23, 0x28));
    assert_eq!(bg, Color::Rgb(0xff, 0xff, 0xff));
}

#[test]
fn user_theme_paths_reject_traversal() {
    let dir = std::path::Path::new("/cfg");
    assert!(user_theme_path(dir, "../etc/passwd").is_none());
    assert!(user_theme_path(dir, "").is_none());
    assert_eq!(
        user_theme_path(dir, "midnight").unwrap(),
        std::path::Path::new("/cfg/themes/midnight.toml")
    );
}
