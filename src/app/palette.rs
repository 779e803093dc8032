//! The `:` command palette: its state, completion and parsing. Pure; `update::palette` applies
//! the parsed command.

use tui_input::Input;

use super::screen::ScreenId;

/// How many candidates completion offers at most.
const MAX_CANDIDATES: usize = 50;

#[derive(Debug, Clone, Default)]
pub struct Palette {
    pub input: Input,
    /// Candidates for the input as it was when last typed (Tab cycles through them).
    pub candidates: Vec<String>,
    /// The candidate Tab last put into the input.
    pub chosen: Option<usize>,
}

/// What completion can draw on besides fixed commands.
pub struct Vocabulary<'a> {
    pub experiment_names: Vec<&'a str>,
    pub endpoint_names: Vec<&'a str>,
    pub theme_names: Vec<String>,
}

/// A parsed palette line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaletteCommand {
    Nothing,
    Quit,
    Help,
    Theme(Option<String>),
    /// The Alerts list.
    Alerts,
    /// A screen, with an optional object (an experiment name) to select.
    Screen(ScreenId, Option<String>),
    Unknown(String),
}

/// Fixed command words (besides screen names) in the order they are offered.
const WORDS: [&str; 4] = ["alerts", "theme", "help", "quit"];

pub fn parse(line: &str) -> PaletteCommand {
    let line = line.trim();
    let (head, rest) = match line.split_once(char::is_whitespace) {
        Some((h, r)) => (h, Some(r.trim()).filter(|r| !r.is_empty())),
        None => (line, None),
    };
    match head.to_ascii_lowercase().as_str() {
        "" => PaletteCommand::Nothing,
        "q" | "q!" | "quit" | "exit" => PaletteCommand::Quit,
        "help" | "h" | "?" => PaletteCommand::Help,
        "theme" => PaletteCommand::Theme(rest.map(str::to_string)),
        "alerts" | "alert" => PaletteCommand::Alerts,
        other => match ScreenId::from_command(other) {
            Some(id) => PaletteCommand::Screen(id, rest.map(str::to_string)),
            None => PaletteCommand::Unknown(line.to_string()),
        },
    }
}

/// Candidates for `line`: command words while the first word is typed, then the objects of that
/// command (theme names, experiment names). Prefix matches come before substring matches.
pub fn complete(line: &str, vocab: &Vocabulary<'_>) -> Vec<String> {
    let Some((head, arg)) = line.split_once(' ') else {
        let typed = line.to_ascii_lowercase();
        let screens = ScreenId::ALL
            .into_iter()
            .filter(|s| s.is_available())
            .map(ScreenId::command);
        return rank(&typed, screens.chain(WORDS))
            .into_iter()
            .map(str::to_string)
            .collect();
    };
    let arg = arg.trim_start();
    let (word, objects): (&str, Vec<&str>) = match head.to_ascii_lowercase().as_str() {
        "theme" => (
            "theme",
            vocab.theme_names.iter().map(String::as_str).collect(),
        ),
        h => match ScreenId::from_command(h) {
            Some(ScreenId::Experiments) => ("experiments", vocab.experiment_names.clone()),
            Some(ScreenId::Serving) => ("serving", vocab.endpoint_names.clone()),
            _ => return Vec::new(),
        },
    };
    rank(&arg.to_lowercase(), objects)
        .into_iter()
        .take(MAX_CANDIDATES)
        .map(|o| format!("{word} {o}"))
        .collect()
}

fn rank<'a>(typed: &str, items: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut prefix = Vec::new();
    let mut inner = Vec::new();
    for item in items {
        let lower = item.to_lowercase();
        if lower.starts_with(typed) {
            prefix.push(item);
        } else if lower.contains(typed) {
            inner.push(item);
        }
    }
    prefix.extend(inner);
    prefix
}

impl Palette {
    /// Recomputes candidates after the input changed by typing.
    pub fn refresh_candidates(&mut self, vocab: &Vocabulary<'_>) {
        self.candidates = complete(self.input.value(), vocab);
        self.chosen = None;
    }

    /// Tab / Shift-Tab: put the next (or previous) candidate into the input.
    pub fn cycle(&mut self, forward: bool) {
        let n = self.candidates.len();
        if n == 0 {
            return;
        }
        let next = match (self.chosen, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        };
        self.chosen = Some(next);
        self.input = Input::new(self.candidates[next].clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocabulary<'static> {
        Vocabulary {
            experiment_names: vec!["/Shared/churn/training", "/Shared/fraud/training"],
            endpoint_names: vec!["churn-prod", "fraud-scoring"],
            theme_names: vec!["dark".into(), "light".into(), "high-contrast".into()],
        }
    }

    #[test]
    fn parses_commands_aliases_and_objects() {
        assert_eq!(parse("q"), PaletteCommand::Quit);
        assert_eq!(parse(" quit "), PaletteCommand::Quit);
        assert_eq!(
            parse("exp"),
            PaletteCommand::Screen(ScreenId::Experiments, None)
        );
        assert_eq!(
            parse("experiments  churn "),
            PaletteCommand::Screen(ScreenId::Experiments, Some("churn".into()))
        );
        assert_eq!(
            parse("theme light"),
            PaletteCommand::Theme(Some("light".into()))
        );
        assert_eq!(
            parse("models"),
            PaletteCommand::Screen(ScreenId::Models, None)
        );
        assert_eq!(parse("bogus 1"), PaletteCommand::Unknown("bogus 1".into()));
        assert_eq!(parse(""), PaletteCommand::Nothing);
    }

    #[test]
    fn completes_words_then_objects() {
        let v = vocab();
        assert_eq!(complete("ex", &v), vec!["experiments"]);
        let screens = ScreenId::ALL.iter().filter(|s| s.is_available()).count();
        assert_eq!(
            complete("", &v).len(),
            screens + 4,
            "the screens this build has, alerts, theme, help, quit"
        );
        assert_eq!(complete("ale", &v), vec!["alerts"]);
        assert_eq!(parse("alerts"), PaletteCommand::Alerts);
        assert!(
            complete("", &v).contains(&"features".to_string()),
            "every screen of this build is offered"
        );
        assert_eq!(complete("ep chu", &v), vec!["serving churn-prod"]);
        assert_eq!(complete("th", &v), vec!["theme"]);
        assert_eq!(complete("theme l", &v), vec!["theme light"]);
        assert_eq!(
            complete("exp fraud", &v),
            vec!["experiments /Shared/fraud/training"]
        );
        assert_eq!(complete("exp /shared", &v).len(), 2);
        assert!(complete("quit x", &v).is_empty());
    }

    #[test]
    fn tab_cycles_through_candidates() {
        let v = vocab();
        let mut p = Palette {
            input: Input::new("theme ".into()),
            ..Palette::default()
        };
        p.refresh_candidates(&v);
        p.cycle(true);
        assert_eq!(p.input.value(), "theme dark");
        p.cycle(true);
        assert_eq!(p.input.value(), "theme light");
        p.cycle(false);
        assert_eq!(p.input.value(), "theme dark");
        p.cycle(false);
        assert_eq!(p.input.value(), "theme high-contrast");
    }
}
