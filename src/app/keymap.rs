//! Key bindings: key-string parsing/printing and per-context maps loaded from TOML.
//!
//! Defaults are embedded (`default_keymap.toml`); `<config_dir>/keymap.toml` overrides them per
//! action and per key. Bad entries (unknown context or action, unparsable key, a key given twice)
//! become warnings and the defaults stay, so a typo never locks the user out.
//! Tests: `tests/tui_keymap.rs`.

use std::fmt;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use super::screen::ScreenId;
use super::screens::verbs;

const DEFAULT_KEYMAP: &str = include_str!("default_keymap.toml");

/// The file name looked up in the config directory.
pub const USER_KEYMAP_FILE: &str = "keymap.toml";

/// A key with modifiers, normalised so that what the terminal sends and what the file says
/// compare equal (`G` == `shift-g`, `shift-tab` == BackTab).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeyChord {
    pub fn new(code: KeyCode, mods: KeyModifiers) -> KeyChord {
        let mut mods = mods & (KeyModifiers::SHIFT | KeyModifiers::CONTROL | KeyModifiers::ALT);
        let code = match code {
            // The character already carries the case; terminals differ in whether they also
            // report SHIFT, so drop it.
            KeyCode::Char(c) if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::Char(c.to_ascii_uppercase())
            }
            KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        KeyChord { code, mods }
    }

    pub fn from_event(ev: &KeyEvent) -> KeyChord {
        KeyChord::new(ev.code, ev.modifiers)
    }

    /// Parses `"q"`, `"ctrl-c"`, `"shift-tab"`, `"pgup"`, `"?"`, `"-"`, `"ctrl--"`.
    pub fn parse(s: &str) -> Result<KeyChord, String> {
        let s = s.trim();
        if s.chars().count() == 1 {
            let c = s.chars().next().unwrap_or(' ');
            return Ok(KeyChord::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        let (prefix, key) = if let Some(p) = s.strip_suffix("--") {
            (Some(p), "-")
        } else {
            match s.rsplit_once('-') {
                Some((p, k)) if !p.is_empty() && !k.is_empty() => (Some(p), k),
                _ => (None, s),
            }
        };
        let mut mods = KeyModifiers::NONE;
        for m in prefix.into_iter().flat_map(|p| p.split('-')) {
            mods |= match m.to_ascii_lowercase().as_str() {
                "ctrl" | "control" => KeyModifiers::CONTROL,
                "alt" | "meta" => KeyModifiers::ALT,
                "shift" => KeyModifiers::SHIFT,
                _ => return Err(format!("unknown modifier \"{m}\" in \"{s}\"")),
            };
        }
        let code = if key.chars().count() == 1 {
            KeyCode::Char(key.chars().next().unwrap_or(' '))
        } else {
            match key.to_ascii_lowercase().as_str() {
                "esc" | "escape" => KeyCode::Esc,
                "enter" | "return" => KeyCode::Enter,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "backspace" | "bs" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "insert" | "ins" => KeyCode::Insert,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pgup" | "pageup" => KeyCode::PageUp,
                "pgdn" | "pgdown" | "pagedown" => KeyCode::PageDown,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "space" => KeyCode::Char(' '),
                f if f.starts_with('f') && f.len() > 1 => match f[1..].parse::<u8>() {
                    Ok(n) if (1..=24).contains(&n) => KeyCode::F(n),
                    _ => return Err(format!("unknown key \"{key}\" in \"{s}\"")),
                },
                _ => return Err(format!("unknown key \"{key}\" in \"{s}\"")),
            }
        };
        Ok(KeyChord::new(code, mods))
    }
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Delete => f.write_str("delete"),
            KeyCode::Insert => f.write_str("insert"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdn"),
            KeyCode::Up => f.write_str("up"),
            KeyCode::Down => f.write_str("down"),
            KeyCode::Left => f.write_str("left"),
            KeyCode::Right => f.write_str("right"),
            KeyCode::F(n) => write!(f, "f{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

fn dedup_in_order(keys: &mut Vec<KeyChord>) {
    let mut seen = Vec::new();
    keys.retain(|k| {
        let new = !seen.contains(k);
        seen.push(*k);
        new
    });
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    List,
    Detail,
    Experiments,
    Runs,
    Run,
    Sweep,
    Compare,
    Chart,
    Versions,
    Approvals,
    Audit,
    Endpoint,
    Canary,
    Logs,
    Ab,
    Input,
    Picker,
    Form,
    Confirm,
    Help,
    /// The keys of a room's own verbs (`[jobs]`): see `screens::verbs`.
    Room(ScreenId),
}

impl Context {
    /// The fixed contexts; [`Context::all`] adds the rooms that declare verbs.
    const FIXED: [Context; 21] = [
        Context::Global,
        Context::List,
        Context::Detail,
        Context::Experiments,
        Context::Runs,
        Context::Run,
        Context::Sweep,
        Context::Compare,
        Context::Chart,
        Context::Versions,
        Context::Approvals,
        Context::Audit,
        Context::Endpoint,
        Context::Canary,
        Context::Logs,
        Context::Ab,
        Context::Input,
        Context::Picker,
        Context::Form,
        Context::Confirm,
        Context::Help,
    ];

    /// Every context: the fixed ones, then one per room that declares verbs.
    pub fn all() -> Vec<Context> {
        let rooms = ScreenId::ALL
            .into_iter()
            .filter(|id| !verbs(*id).is_empty())
            .map(Context::Room);
        Context::FIXED.into_iter().chain(rooms).collect()
    }

    pub fn name(self) -> &'static str {
        match self {
            Context::Room(id) => id.command(),
            Context::Global => "global",
            Context::List => "list",
            Context::Detail => "detail",
            Context::Experiments => "experiments",
            Context::Runs => "runs",
            Context::Run => "run",
            Context::Sweep => "sweep",
            Context::Compare => "compare",
            Context::Chart => "chart",
            Context::Versions => "versions",
            Context::Approvals => "approvals",
            Context::Audit => "audit",
            Context::Endpoint => "endpoint",
            Context::Canary => "canary",
            Context::Logs => "logs",
            Context::Ab => "ab",
            Context::Input => "input",
            Context::Picker => "picker",
            Context::Form => "form",
            Context::Confirm => "confirm",
            Context::Help => "help",
        }
    }

    pub fn from_name(s: &str) -> Option<Context> {
        Context::all().into_iter().find(|c| c.name() == s)
    }

    /// The heading of this context's group in the `?` help.
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::List => "Lists",
            Context::Detail => "Experiment",
            Context::Experiments => "Experiments",
            Context::Runs => "Runs",
            Context::Run => "Run",
            Context::Sweep => "Sweep",
            Context::Compare => "Compare",
            Context::Chart => "Charts",
            Context::Versions => "Versions",
            Context::Approvals => "Approvals",
            Context::Audit => "Audit",
            Context::Endpoint => "Endpoint",
            Context::Canary => "Canary panel",
            Context::Logs => "Logs",
            Context::Ab => "A/B comparison",
            Context::Input => "In the : palette and / filter",
            Context::Picker => "Choice popup",
            Context::Form => "Forms (launch, comment, alias)",
            Context::Confirm => "Confirm dialog",
            Context::Help => "Help",
            Context::Room(id) => id.title(),
        }
    }

    /// An action named in this context's section: the room's own verb, or a built-in one.
    fn action(self, name: &str) -> Option<Action> {
        let verb = match self {
            Context::Room(id) => verbs(id).iter().find(|v| v.name == name),
            _ => None,
        };
        verb.map(Action::Verb).or_else(|| Action::from_name(name))
    }

    /// Popups and text inputs: consulted alone, never on top of [global].
    fn is_text_entry(self) -> bool {
        matches!(
            self,
            Context::Input | Context::Picker | Context::Form | Context::Confirm | Context::Help
        )
    }
}

/// One action and the keys that trigger it.
pub type Binding = (Action, Vec<KeyChord>);

/// Bindings per context, each list in `Action` order (the help popup lists them that way).
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    contexts: Vec<(Context, Vec<Binding>)>,
}

impl Default for Keymap {
    fn default() -> Self {
        let mut km = Keymap {
            contexts: Vec::new(),
        };
        let mut warnings = Vec::new();
        km.apply("default keymap", DEFAULT_KEYMAP, &mut warnings);
        debug_assert!(warnings.is_empty(), "default keymap: {warnings:?}");
        for id in ScreenId::ALL {
            for verb in verbs(id) {
                let keys: Vec<KeyChord> = verb
                    .keys
                    .iter()
                    .filter_map(|k| {
                        let key = KeyChord::parse(k);
                        debug_assert!(key.is_ok(), "verb {}: {key:?}", verb.name);
                        key.ok()
                    })
                    .collect();
                debug_assert!(
                    keys.iter()
                        .all(|k| km.resolve_chord(&[Context::Room(id)], k).is_none()),
                    "verb {}: a default key is taken by another verb",
                    verb.name
                );
                km.bind(Context::Room(id), Action::Verb(verb), keys);
            }
        }
        km
    }
}

impl Keymap {
    /// Defaults with `user` (label, TOML text) applied on top.
    pub fn with_overrides(label: &str, user: &str) -> (Keymap, Vec<String>) {
        let mut km = Keymap::default();
        let mut warnings = Vec::new();
        km.apply(label, user, &mut warnings);
        (km, warnings)
    }

    /// Defaults plus `<config_dir>/keymap.toml` if it exists.
    pub fn load(config_dir: &Path) -> (Keymap, Vec<String>) {
        let path = config_dir.join(USER_KEYMAP_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Keymap::with_overrides(&path.display().to_string(), &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Keymap::default(), Vec::new()),
            Err(e) => (Keymap::default(), vec![format!("{}: {e}", path.display())]),
        }
    }

    fn apply(&mut self, label: &str, text: &str, warnings: &mut Vec<String>) {
        let doc: toml::Table = match toml::from_str(text) {
            Ok(d) => d,
            Err(e) => {
                warnings.push(format!("{label}: {} (using default keys)", e.message()));
                return;
            }
        };
        for (ctx_name, table) in &doc {
            let Some(ctx) = Context::from_name(ctx_name) else {
                warnings.push(format!("{label}: unknown context [{ctx_name}]"));
                continue;
            };
            let Some(table) = table.as_table() else {
                warnings.push(format!("{label}: [{ctx_name}] must be a table"));
                continue;
            };
            // Keys claimed by this file in this context, to report a key given to two actions.
            let mut claimed: Vec<(KeyChord, Action)> = Vec::new();
            for (action_name, value) in table {
                let at = format!("{label}: [{ctx_name}] {action_name}");
                let Some(action) = ctx.action(action_name) else {
                    warnings.push(format!("{at}: unknown action"));
                    continue;
                };
                let names: Vec<&str> = match value {
                    toml::Value::String(s) => vec![s.as_str()],
                    toml::Value::Array(a) if a.iter().all(|v| v.is_str()) => {
                        a.iter().filter_map(|v| v.as_str()).collect()
                    }
                    _ => {
                        warnings.push(format!("{at}: expected a key or a list of keys"));
                        continue;
                    }
                };
                let parsed: Result<Vec<KeyChord>, String> =
                    names.iter().map(|n| KeyChord::parse(n)).collect();
                let mut parsed = match parsed {
                    Ok(p) => p,
                    Err(e) => {
                        warnings.push(format!("{at}: {e}; keeping the default keys"));
                        continue;
                    }
                };
                dedup_in_order(&mut parsed);
                let mut keys: Vec<KeyChord> = Vec::new();
                for k in parsed {
                    match claimed.iter().find(|(c, _)| *c == k) {
                        Some((_, other)) if *other != action => warnings.push(format!(
                            "{at}: key \"{k}\" is already bound to {other:?} here; ignored"
                        )),
                        Some(_) => {}
                        None => {
                            claimed.push((k, action));
                            keys.push(k);
                        }
                    }
                }
                // An explicit `[]` unbinds; a list whose every key was rejected keeps the defaults.
                if keys.is_empty() && !names.is_empty() {
                    continue;
                }
                self.warn_taken(&at, ctx, action, &keys, warnings);
                self.bind(ctx, action, keys);
            }
        }
    }

    /// Says what binding `keys` to `action` in `ctx` changes beyond the action itself: a key
    /// taken from another action of the same context, and, for a global key, the screens whose
    /// own binding of that key is consulted first (where the new binding never fires).
    fn warn_taken(
        &self,
        at: &str,
        ctx: Context,
        action: Action,
        keys: &[KeyChord],
        warnings: &mut Vec<String>,
    ) {
        for k in keys {
            let holder = |c: Context| {
                self.bindings(c)
                    .iter()
                    .find(|(a, ks)| *a != action && ks.contains(k))
                    .map(|(a, _)| *a)
            };
            if let Some(other) = holder(ctx) {
                warnings.push(format!(
                    "{at}: key \"{k}\" was bound to {other:?} here; {other:?} loses it"
                ));
            }
            if ctx != Context::Global {
                continue;
            }
            let shadowed: Vec<String> = Context::all()
                .into_iter()
                .filter(|c| !c.is_text_entry() && *c != Context::Global)
                .filter_map(|c| holder(c).map(|a| format!("{a:?} in [{}]", c.name())))
                .collect();
            if !shadowed.is_empty() {
                warnings.push(format!(
                    "{at}: key \"{k}\" is also bound to {}, which is consulted first there",
                    shadowed.join(", ")
                ));
            }
        }
    }

    /// Gives `action` exactly `keys` in `ctx`, taking those keys away from other actions there.
    fn bind(&mut self, ctx: Context, action: Action, keys: Vec<KeyChord>) {
        let idx = match self.contexts.iter().position(|(c, _)| *c == ctx) {
            Some(i) => i,
            None => {
                self.contexts.push((ctx, Vec::new()));
                self.contexts.len() - 1
            }
        };
        let list = &mut self.contexts[idx].1;
        for (_, other) in list.iter_mut() {
            other.retain(|k| !keys.contains(k));
        }
        match list.iter_mut().find(|(a, _)| *a == action) {
            Some((_, existing)) => *existing = keys,
            None => list.push((action, keys)),
        }
        // TOML tables iterate alphabetically; list in the Action enum's order instead, which
        // groups related actions for the help popup.
        list.sort_by_key(|(a, _)| *a);
    }

    /// The bindings of one context, in order.
    pub fn bindings(&self, ctx: Context) -> &[Binding] {
        self.contexts
            .iter()
            .find(|(c, _)| *c == ctx)
            .map(|(_, l)| l.as_slice())
            .unwrap_or(&[])
    }

    /// The first context in `contexts` that binds the key decides.
    pub fn resolve(&self, contexts: &[Context], key: &KeyEvent) -> Option<Action> {
        self.resolve_chord(contexts, &KeyChord::from_event(key))
    }

    fn resolve_chord(&self, contexts: &[Context], chord: &KeyChord) -> Option<Action> {
        contexts.iter().find_map(|ctx| {
            self.bindings(*ctx)
                .iter()
                .find(|(_, keys)| keys.contains(chord))
                .map(|(a, _)| *a)
        })
    }

    /// Keys bound to `action` in the first of `contexts` that has any.
    pub fn keys_for(&self, contexts: &[Context], action: Action) -> Vec<KeyChord> {
        contexts
            .iter()
            .find_map(|ctx| {
                self.bindings(*ctx)
                    .iter()
                    .find(|(a, keys)| *a == action && !keys.is_empty())
                    .map(|(_, keys)| keys.clone())
            })
            .unwrap_or_default()
    }
}
