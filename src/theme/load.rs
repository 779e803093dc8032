//! Theme files: TOML parsing, `extends` chains and user theme lookup.
//!
//! Loading never fails: a bad colour, an unknown role or a broken file becomes a warning and the
//! entry is skipped, so the parent theme (or the role's fallback) shows instead.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};

use super::role::Role;

/// The built-in themes, embedded so a bare binary is fully styled.
pub const BUILTIN: [(&str, &str); 4] = [
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("mono", include_str!("../../themes/mono.toml")),
];

/// How deep `extends` may nest; deeper chains are almost certainly a mistake (or a cycle).
const MAX_DEPTH: usize = 6;

/// One role as written in a file; `None` fields are inherited from the parent theme.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct RoleSpec {
    fg: Option<Color>,
    bg: Option<Color>,
    bold: Option<bool>,
    italic: Option<bool>,
    underline: Option<bool>,
    reversed: Option<bool>,
    dim: Option<bool>,
}

impl RoleSpec {
    /// Fields set here win; the rest come from `parent`.
    fn over(&self, parent: &RoleSpec) -> RoleSpec {
        RoleSpec {
            fg: self.fg.or(parent.fg),
            bg: self.bg.or(parent.bg),
            bold: self.bold.or(parent.bold),
            italic: self.italic.or(parent.italic),
            underline: self.underline.or(parent.underline),
            reversed: self.reversed.or(parent.reversed),
            dim: self.dim.or(parent.dim),
        }
    }

    pub(crate) fn to_style(&self) -> Style {
        let mut style = Style::default();
        if let Some(c) = self.fg {
            style = style.fg(c);
        }
        if let Some(c) = self.bg {
            style = style.bg(c);
        }
        let flags = [
            (self.bold, Modifier::BOLD),
            (self.italic, Modifier::ITALIC),
            (self.underline, Modifier::UNDERLINED),
            (self.reversed, Modifier::REVERSED),
            (self.dim, Modifier::DIM),
        ];
        for (on, m) in flags {
            if on == Some(true) {
                style = style.add_modifier(m);
            }
        }
        style
    }
}

/// A theme after its `extends` chain has been merged.
#[derive(Debug, Clone, Default)]
pub(crate) struct ThemeSpec {
    pub(crate) roles: BTreeMap<Role, RoleSpec>,
    pub(crate) terminal_fg: Option<Color>,
    pub(crate) terminal_bg: Option<Color>,
    pub(crate) series: Option<Vec<Color>>,
    extends: Option<String>,
}

impl ThemeSpec {
    fn over(mut self, parent: &ThemeSpec) -> ThemeSpec {
        for (role, spec) in &parent.roles {
            let merged = match self.roles.get(role) {
                Some(mine) => mine.over(spec),
                None => spec.clone(),
            };
            self.roles.insert(*role, merged);
        }
        self.terminal_fg = self.terminal_fg.or(parent.terminal_fg);
        self.terminal_bg = self.terminal_bg.or(parent.terminal_bg);
        if self.series.is_none() {
            self.series = parent.series.clone();
        }
        self
    }
}

fn parse_color(value: &toml::Value, at: &str, warnings: &mut Vec<String>) -> Option<Color> {
    match value.as_str().map(Color::from_str) {
        Some(Ok(c)) => Some(c),
        _ => {
            warnings.push(format!("{at}: not a colour: {value}"));
            None
        }
    }
}

fn parse_role(value: &toml::Value, at: &str, warnings: &mut Vec<String>) -> Option<RoleSpec> {
    if value.is_str() {
        return parse_color(value, at, warnings).map(|fg| RoleSpec {
            fg: Some(fg),
            ..RoleSpec::default()
        });
    }
    let Some(table) = value.as_table() else {
        warnings.push(format!("{at}: expected a table like {{ fg = \"cyan\" }}"));
        return None;
    };
    let mut spec = RoleSpec::default();
    for (field, v) in table {
        let here = format!("{at}.{field}");
        let flag = |v: &toml::Value, warnings: &mut Vec<String>| {
            let b = v.as_bool();
            if b.is_none() {
                warnings.push(format!("{here}: expected true or false"));
            }
            b
        };
        match field.as_str() {
            "fg" => spec.fg = parse_color(v, &here, warnings),
            "bg" => spec.bg = parse_color(v, &here, warnings),
            "bold" => spec.bold = flag(v, warnings),
            "italic" => spec.italic = flag(v, warnings),
            "underline" => spec.underline = flag(v, warnings),
            "reversed" => spec.reversed = flag(v, warnings),
            "dim" => spec.dim = flag(v, warnings),
            _ => warnings.push(format!("{here}: unknown field")),
        }
    }
    Some(spec)
}

/// Parses one theme file; `label` names it in warnings. A file that is not TOML yields `None`.
pub(crate) fn parse(label: &str, text: &str, warnings: &mut Vec<String>) -> Option<ThemeSpec> {
    let doc: toml::Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            warnings.push(format!("{label}: {}", e.message()));
            return None;
        }
    };
    let mut spec = ThemeSpec::default();
    for (key, value) in &doc {
        match key.as_str() {
            "name" => {}
            "extends" => match value.as_str() {
                Some(p) => spec.extends = Some(p.to_string()),
                None => warnings.push(format!("{label}: extends must be a theme name")),
            },
            "terminal" => {
                let t = value.as_table().cloned().unwrap_or_default();
                for (k, v) in &t {
                    let at = format!("{label}: terminal.{k}");
                    match k.as_str() {
                        "fg" => spec.terminal_fg = parse_color(v, &at, warnings),
                        "bg" => spec.terminal_bg = parse_color(v, &at, warnings),
                        _ => warnings.push(format!("{at}: unknown field")),
                    }
                }
            }
            "roles" => {
                let Some(t) = value.as_table() else {
                    warnings.push(format!("{label}: [roles] must be a table"));
                    continue;
                };
                for (name, v) in t {
                    let at = format!("{label}: roles.{name}");
                    match Role::from_name(name) {
                        Some(role) => {
                            if let Some(r) = parse_role(v, &at, warnings) {
                                spec.roles.insert(role, r);
                            }
                        }
                        None => warnings.push(format!("{at}: unknown role")),
                    }
                }
            }
            "chart" => {
                let series = value.get("series").and_then(|s| s.as_array());
                match series {
                    Some(list) => {
                        let at = format!("{label}: chart.series");
                        let colors: Vec<Color> = list
                            .iter()
                            .filter_map(|v| parse_color(v, &at, warnings))
                            .collect();
                        if !colors.is_empty() {
                            spec.series = Some(colors);
                        }
                    }
                    None => warnings.push(format!("{label}: chart.series must be a list")),
                }
            }
            _ => warnings.push(format!("{label}: unknown key {key}")),
        }
    }
    Some(spec)
}

/// Where user themes come from: a name → file text lookup (a directory in production, a map in
/// tests) so resolution stays free of I/O.
pub type UserThemes<'a> = &'a dyn Fn(&str) -> Option<(String, String)>;

fn builtin_text(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Resolves `name` and its `extends` chain into one merged spec. User files shadow built-ins,
/// except that a user file extending its own name (`dark.toml` with `extends = "dark"`) means the
/// built-in, which is how users tweak a built-in theme.
pub(crate) fn resolve(
    name: &str,
    user: UserThemes<'_>,
    warnings: &mut Vec<String>,
) -> Option<ThemeSpec> {
    let mut chain: Vec<ThemeSpec> = Vec::new();
    let mut current = name.to_string();
    let mut allow_user = true;
    let mut visited: Vec<(String, bool)> = Vec::new();
    loop {
        let found = allow_user
            .then(|| user(&current))
            .flatten()
            .map(|(label, text)| (label, text, true))
            .or_else(|| {
                builtin_text(&current).map(|t| (format!("theme {current}"), t.into(), false))
            });
        let Some((label, text, from_user)) = found else {
            warnings.push(format!("unknown theme \"{current}\""));
            break;
        };
        if visited.contains(&(current.clone(), from_user)) || chain.len() >= MAX_DEPTH {
            warnings.push(format!("{label}: extends chain loops or is too deep"));
            break;
        }
        visited.push((current.clone(), from_user));
        let Some(spec) = parse(&label, &text, warnings) else {
            break;
        };
        let parent = spec.extends.clone();
        chain.push(spec);
        match parent {
            Some(p) => {
                allow_user = !(from_user && p == current);
                current = p;
            }
            None => break,
        }
    }
    let mut merged = chain.pop()?;
    while let Some(child) = chain.pop() {
        merged = child.over(&merged);
    }
    Some(merged)
}

/// `<config_dir>/themes/<name>.toml`, if `name` is a plain file name.
pub fn user_theme_path(config_dir: &Path, name: &str) -> Option<PathBuf> {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.starts_with('.');
    plain.then(|| config_dir.join("themes").join(format!("{name}.toml")))
}

/// Names of the user themes in `<config_dir>/themes/` (for completion), sorted.
pub fn list_user_themes(config_dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(config_dir.join("themes"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let p = e.path();
            (p.extension()? == "toml").then(|| p.file_stem()?.to_str().map(String::from))?
        })
        .collect();
    names.sort();
    names.dedup();
    names
}
