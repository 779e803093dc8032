//! Role-based styles loaded from `themes/*.toml` (embedded) and `<config_dir>/themes/*.toml`.
//!
//! Views never pick colours: they ask for a [`Role`]. A theme is resolved once at load into ready
//! `Style`s (one per role, fallbacks applied), so drawing is a table lookup.

mod load;
mod role;

use std::path::Path;

use ratatui::style::{Color, Style};

pub use load::{BUILTIN, UserThemes, list_user_themes, user_theme_path};
pub use role::Role;

/// The theme used when nothing else is asked for.
pub const DEFAULT_THEME: &str = "dark";
/// The theme forced by a non-empty `NO_COLOR`.
pub const NO_COLOR_THEME: &str = "mono";

/// A fully resolved theme.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    name: String,
    styles: Vec<Style>,
    series: Vec<Color>,
    terminal_fg: Color,
    terminal_bg: Color,
}

impl Theme {
    /// A built-in theme by name (`dark`, `light`, `high-contrast`, `mono`); no file access.
    pub fn builtin(name: &str) -> Option<Theme> {
        let none: UserThemes<'_> = &|_| None;
        let mut warnings = Vec::new();
        let spec = load::resolve(name, none, &mut warnings)?;
        Some(Theme::from_spec(name, &spec))
    }

    /// The default dark theme.
    pub fn dark() -> Theme {
        Theme::builtin(DEFAULT_THEME).expect("the embedded dark theme parses")
    }

    /// Loads `name`, looking in `<config_dir>/themes/` first. Never fails: problems come back as
    /// warnings (to show as a toast) and the defaults fill in. `no_color` forces `mono`.
    pub fn load(name: &str, config_dir: Option<&Path>, no_color: bool) -> (Theme, Vec<String>) {
        let reader = |n: &str| {
            let path = user_theme_path(config_dir?, n)?;
            let text = std::fs::read_to_string(&path).ok()?;
            Some((path.display().to_string(), text))
        };
        Theme::load_with(name, &reader, no_color)
    }

    /// [`Theme::load`] with the user theme lookup supplied by the caller.
    pub fn load_with(name: &str, user: UserThemes<'_>, no_color: bool) -> (Theme, Vec<String>) {
        let mut warnings = Vec::new();
        let wanted = if no_color { NO_COLOR_THEME } else { name };
        if let Some(spec) = load::resolve(wanted, user, &mut warnings) {
            return (Theme::from_spec(wanted, &spec), warnings);
        }
        warnings.push(format!("using the {DEFAULT_THEME} theme instead"));
        (Theme::dark(), warnings)
    }

    fn from_spec(name: &str, spec: &load::ThemeSpec) -> Theme {
        let mut styles = vec![Style::default(); Role::ALL.len()];
        // Role::ALL lists every role after its fallback target, except where a fallback points
        // forward; resolving recursively keeps the order irrelevant.
        fn resolve_role(spec: &load::ThemeSpec, role: Role) -> Style {
            match (spec.roles.get(&role), role.fallback()) {
                (Some(r), _) => r.to_style(),
                (None, Some(parent)) => resolve_role(spec, parent),
                (None, None) => Style::default(),
            }
        }
        for role in Role::ALL {
            styles[role.index()] = resolve_role(spec, role);
        }
        Theme {
            name: name.to_string(),
            styles,
            series: spec.series.clone().unwrap_or_else(|| vec![Color::Reset]),
            terminal_fg: spec.terminal_fg.unwrap_or(Color::Rgb(0xd0, 0xd0, 0xd0)),
            terminal_bg: spec.terminal_bg.unwrap_or(Color::Rgb(0x1c, 0x1c, 0x1c)),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The style of a role (fallbacks already applied).
    pub fn style(&self, role: Role) -> Style {
        self.styles[role.index()]
    }

    /// Colour of the `i`-th chart series (cycles).
    pub fn series(&self, i: usize) -> Color {
        self.series[i % self.series.len()]
    }

    /// How many series colours tell apart: 1 for a monochrome theme (`NO_COLOR`).
    pub fn series_colours(&self) -> usize {
        let mut seen: Vec<Color> = Vec::new();
        for c in &self.series {
            if !seen.contains(c) {
                seen.push(*c);
            }
        }
        seen.len()
    }

    /// The concrete colours that `Color::Reset` stands for (foreground, background), for
    /// renderers without a terminal (PNG/SVG screenshots).
    pub fn default_fg_bg(&self) -> (Color, Color) {
        (self.terminal_fg, self.terminal_bg)
    }

    /// Names of the built-in themes.
    pub fn builtin_names() -> impl Iterator<Item = &'static str> {
        BUILTIN.iter().map(|(n, _)| *n)
    }
}

impl Default for Theme {
    fn default() -> Self {
        Theme::dark()
    }
}

/// True when `NO_COLOR` asks for no colour (set and non-empty, per no-color.org).
pub fn no_color_requested(value: Option<&std::ffi::OsStr>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
mod tests;
