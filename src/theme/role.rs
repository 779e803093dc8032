//! Semantic style roles: what a piece of the screen *means*, never which widget draws it.
//!
//! Views ask `theme.style(Role::Error)`; only `theme/` turns roles into colours. A role missing from
//! a theme falls back through [`Role::fallback`] (e.g. `toast_error → error → text → base`), so a
//! small user theme never leaves a hole.

/// Every role a theme can style. Order is the file order of the built-in themes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// The whole screen's background/foreground.
    Base,
    Text,
    Muted,
    Accent,
    Title,
    Border,
    BorderFocused,
    Selected,
    Header,
    Tab,
    TabActive,
    StatusBar,
    HintKey,
    HintText,
    BadgeReadonly,
    BadgeProduction,
    BannerProduction,
    Ok,
    Warn,
    Error,
    Info,
    ToastError,
    ToastInfo,
    Input,
    MatchHighlight,
    /// Background of popups (help, palette) so they stand off the screen below.
    Popup,
}

impl Role {
    pub const ALL: [Role; 26] = [
        Role::Base,
        Role::Text,
        Role::Muted,
        Role::Accent,
        Role::Title,
        Role::Border,
        Role::BorderFocused,
        Role::Selected,
        Role::Header,
        Role::Tab,
        Role::TabActive,
        Role::StatusBar,
        Role::HintKey,
        Role::HintText,
        Role::BadgeReadonly,
        Role::BadgeProduction,
        Role::BannerProduction,
        Role::Ok,
        Role::Warn,
        Role::Error,
        Role::Info,
        Role::ToastError,
        Role::ToastInfo,
        Role::Input,
        Role::MatchHighlight,
        Role::Popup,
    ];

    /// The name used in theme files.
    pub fn name(self) -> &'static str {
        match self {
            Role::Base => "base",
            Role::Text => "text",
            Role::Muted => "muted",
            Role::Accent => "accent",
            Role::Title => "title",
            Role::Border => "border",
            Role::BorderFocused => "border_focused",
            Role::Selected => "selected",
            Role::Header => "header",
            Role::Tab => "tab",
            Role::TabActive => "tab_active",
            Role::StatusBar => "status_bar",
            Role::HintKey => "hint_key",
            Role::HintText => "hint_text",
            Role::BadgeReadonly => "badge_readonly",
            Role::BadgeProduction => "badge_production",
            Role::BannerProduction => "banner_production",
            Role::Ok => "ok",
            Role::Warn => "warn",
            Role::Error => "error",
            Role::Info => "info",
            Role::ToastError => "toast_error",
            Role::ToastInfo => "toast_info",
            Role::Input => "input",
            Role::MatchHighlight => "match_highlight",
            Role::Popup => "popup",
        }
    }

    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }

    /// The role whose style is used when a theme does not define this one. `Base` has none.
    pub fn fallback(self) -> Option<Role> {
        Some(match self {
            Role::Base => return None,
            Role::Text | Role::Popup => Role::Base,
            Role::Muted | Role::Accent | Role::Ok | Role::Warn | Role::Error | Role::Info => {
                Role::Text
            }
            Role::Input | Role::StatusBar | Role::Tab | Role::HintText => Role::Text,
            Role::Title | Role::BorderFocused | Role::HintKey | Role::MatchHighlight => {
                Role::Accent
            }
            Role::Selected | Role::TabActive => Role::Accent,
            Role::Border => Role::Muted,
            Role::Header => Role::Title,
            Role::BadgeReadonly => Role::Warn,
            Role::BadgeProduction | Role::BannerProduction | Role::ToastError => Role::Error,
            Role::ToastInfo => Role::Info,
        })
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        for (i, r) in Role::ALL.into_iter().enumerate() {
            assert_eq!(r.index(), i, "ALL must follow declaration order");
            assert_eq!(Role::from_name(r.name()), Some(r));
        }
    }

    #[test]
    fn every_fallback_chain_ends_at_base() {
        for r in Role::ALL {
            let mut cur = r;
            let mut steps = 0;
            while let Some(next) = cur.fallback() {
                cur = next;
                steps += 1;
                assert!(steps < 10, "fallback cycle from {r:?}");
            }
            assert_eq!(cur, Role::Base);
        }
    }
}
