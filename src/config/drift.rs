//! `[drift]` in `config.toml`: the thresholds drift is judged against, for every monitor, per
//! monitor table, and per feature of a table.
//!
//! ```toml
//! [drift]
//! psi = [0.1, 0.25]          # [warning, critical]; a single number is the warning level only
//! js = 0.1
//! wasserstein = 0.1          # in standard deviations of the compared window
//! tv = 0.1                   # categorical columns; no default
//! p_value = 0.05             # KS / chi-squared: below this a test is significant
//!
//! [drift.tables."main.ml.churn_inference"]
//! psi = [0.2, 0.4]
//!
//! [drift.tables."main.ml.churn_inference".features.tenure_months]
//! psi = [0.3, 0.5]
//! ```
//!
//! A table is named as the monitored table or as its drift metrics table. The most specific
//! value wins: feature, then table, then `[drift]`, then the built-in defaults (PSI 0.1 / 0.25,
//! JS 0.1, Wasserstein 0.1, p < 0.05). Parsing is strict: unknown keys and impossible values
//! (negative, not finite, critical below warning, p outside (0, 1)) are errors.

use std::collections::BTreeMap;

use serde::Deserialize;

/// A warning level and an optional critical one.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Level {
    pub warning: f64,
    pub critical: Option<f64>,
}

impl Level {
    pub const fn warning(warning: f64) -> Self {
        Level {
            warning,
            critical: None,
        }
    }
}

/// The thresholds of one feature, resolved.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Thresholds {
    pub psi: Option<Level>,
    pub js: Option<Level>,
    pub wasserstein: Option<Level>,
    pub tv: Option<Level>,
    /// A KS or chi-squared p-value below this is significant.
    pub p_value: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            psi: Some(Level {
                warning: 0.1,
                critical: Some(0.25),
            }),
            js: Some(Level::warning(0.1)),
            wasserstein: Some(Level::warning(0.1)),
            tv: None,
            p_value: 0.05,
        }
    }
}

/// Thresholds as written at one level: every key optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdOverrides {
    pub psi: Option<LevelSpec>,
    pub js: Option<LevelSpec>,
    pub wasserstein: Option<LevelSpec>,
    pub tv: Option<LevelSpec>,
    pub p_value: Option<PValue>,
}

impl ThresholdOverrides {
    fn apply_to(&self, t: &mut Thresholds) {
        let set = |slot: &mut Option<Level>, spec: &Option<LevelSpec>| {
            if let Some(s) = spec {
                *slot = Some(s.0);
            }
        };
        set(&mut t.psi, &self.psi);
        set(&mut t.js, &self.js);
        set(&mut t.wasserstein, &self.wasserstein);
        set(&mut t.tv, &self.tv);
        if let Some(p) = self.p_value {
            t.p_value = p.0;
        }
    }
}

/// `x` (warning) or `[warning, critical]`, validated.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(try_from = "RawLevel")]
pub struct LevelSpec(pub Level);

// Not-a-number is refused when parsing, so equality is reflexive.
impl Eq for LevelSpec {}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawLevel {
    One(f64),
    Two(Vec<f64>),
}

impl TryFrom<RawLevel> for LevelSpec {
    type Error = String;

    fn try_from(raw: RawLevel) -> Result<Self, String> {
        let level = match raw {
            RawLevel::One(w) => Level::warning(w),
            RawLevel::Two(v) => match v.as_slice() {
                [w, c] => Level {
                    warning: *w,
                    critical: Some(*c),
                },
                _ => {
                    return Err(format!(
                        "a threshold is a number or [warning, critical], not {} numbers",
                        v.len()
                    ));
                }
            },
        };
        let ok = |x: f64| x.is_finite() && x >= 0.0;
        if !ok(level.warning) || !level.critical.is_none_or(ok) {
            return Err("thresholds must be finite and not negative".into());
        }
        if level.critical.is_some_and(|c| c < level.warning) {
            return Err(format!(
                "the critical level {} is below the warning level {}",
                level.critical.unwrap_or_default(),
                level.warning
            ));
        }
        Ok(LevelSpec(level))
    }
}

/// A significance level in (0, 1).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(try_from = "f64")]
pub struct PValue(pub f64);

// Not-a-number is refused when parsing, so equality is reflexive.
impl Eq for PValue {}

impl TryFrom<f64> for PValue {
    type Error = String;

    fn try_from(p: f64) -> Result<Self, String> {
        if p > 0.0 && p < 1.0 {
            Ok(PValue(p))
        } else {
            Err(format!("p_value must be between 0 and 1, not {p}"))
        }
    }
}

/// `[drift.tables."NAME"]`: the table's overrides and its features'.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableDrift {
    pub psi: Option<LevelSpec>,
    pub js: Option<LevelSpec>,
    pub wasserstein: Option<LevelSpec>,
    pub tv: Option<LevelSpec>,
    pub p_value: Option<PValue>,
    #[serde(default)]
    pub features: BTreeMap<String, ThresholdOverrides>,
}

impl TableDrift {
    fn own(&self) -> ThresholdOverrides {
        ThresholdOverrides {
            psi: self.psi,
            js: self.js,
            wasserstein: self.wasserstein,
            tv: self.tv,
            p_value: self.p_value,
        }
    }
}

/// The whole `[drift]` section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DriftSettings {
    pub psi: Option<LevelSpec>,
    pub js: Option<LevelSpec>,
    pub wasserstein: Option<LevelSpec>,
    pub tv: Option<LevelSpec>,
    pub p_value: Option<PValue>,
    /// Keyed by the monitored table's or the drift metrics table's full name.
    #[serde(default)]
    pub tables: BTreeMap<String, TableDrift>,
}

impl DriftSettings {
    /// The thresholds of `feature` in the first of `tables` (names the table is known by) that
    /// has a section; names compare case-insensitively, as Unity Catalog names do.
    pub fn thresholds(&self, tables: &[&str], feature: &str) -> Thresholds {
        let mut t = Thresholds::default();
        ThresholdOverrides {
            psi: self.psi,
            js: self.js,
            wasserstein: self.wasserstein,
            tv: self.tv,
            p_value: self.p_value,
        }
        .apply_to(&mut t);
        let table = tables.iter().find_map(|name| {
            self.tables
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        });
        if let Some(table) = table {
            table.own().apply_to(&mut t);
            if let Some(f) = table.features.get(feature) {
                f.apply_to(&mut t);
            }
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<DriftSettings, toml::de::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            #[serde(default)]
            drift: DriftSettings,
        }
        toml::from_str::<File>(text).map(|f| f.drift)
    }

    #[test]
    fn defaults_then_section_then_table_then_feature() {
        let d = parse(
            r#"
[drift]
psi = [0.15, 0.3]
p_value = 0.01
[drift.tables."main.ml.churn_inference"]
js = 0.2
[drift.tables."main.ml.churn_inference".features.tenure_months]
psi = 0.5
"#,
        )
        .unwrap();
        let other = d.thresholds(&["main.ml.other"], "x");
        assert_eq!(other.psi.unwrap().critical, Some(0.3));
        assert_eq!(other.js, Some(Level::warning(0.1)));
        assert_eq!(other.p_value, 0.01);
        let t = d.thresholds(&["x.y.z_drift_metrics", "MAIN.ml.churn_inference"], "age");
        assert_eq!(t.js, Some(Level::warning(0.2)));
        assert_eq!(t.psi.unwrap().warning, 0.15);
        let f = d.thresholds(&["main.ml.churn_inference"], "tenure_months");
        assert_eq!(f.psi, Some(Level::warning(0.5)));
        assert_eq!(f.js, Some(Level::warning(0.2)));
        assert_eq!(
            DriftSettings::default().thresholds(&[], "x"),
            Thresholds::default()
        );
    }

    #[test]
    fn bad_values_and_unknown_keys_are_errors() {
        for bad in [
            "[drift]\npsi = -1",
            "[drift]\npsi = [0.3, 0.1]",
            "[drift]\npsi = [0.1, 0.2, 0.3]",
            "[drift]\np_value = 1.5",
            "[drift]\npsi_warn = 0.1",
            "[drift.tables.\"a.b.c\"]\nkss = 1",
            "[drift.tables.\"a.b.c\".features.f]\nfeatures = 1",
            "[drift]\njs = nan",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
