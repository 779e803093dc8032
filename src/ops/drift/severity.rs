//! How a drift cell is judged: on effect size, not on significance alone.
//!
//! The rule:
//! - Effect sizes are PSI, JS distance, Wasserstein distance and TV distance, each against its
//!   threshold ([`Thresholds`]): at or over a critical level is **critical**, at or over a
//!   warning level is **warning**. The worst one decides.
//! - The KS and chi-squared p-values say whether a difference is *significant*, not whether it
//!   matters: on large windows a tiny p comes with a negligible shift. A p-value under
//!   `p_value` with every effect size under its threshold is at most **notice**; a p-value
//!   never makes a cell a warning on its own.
//! - The other way round, an effect size over its threshold whose test says the difference
//!   is not significant (every p-value of the cell at or above `p_value`) is noise of a small
//!   window: at most **notice** too. A cell without a p-value is judged on effect size alone.
//! - Otherwise the cell is **ok**; a cell with no statistic at all is **ok** too, with no
//!   deciding statistic.

use serde::Serialize;

use super::{DriftStats, Statistic};
use crate::config::drift::{Level, Thresholds};

/// How bad one cell (or a feature, or a window) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Ok,
    /// Significant (small p) but with effect sizes under their thresholds.
    Notice,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Ok => "ok",
            Severity::Notice => "notice",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }

    /// Warning or critical: a threshold was crossed.
    pub fn crossed(self) -> bool {
        self >= Severity::Warning
    }
}

/// The verdict on one cell: its severity and the statistic that decided it, with its value and
/// how far it is toward its warning level (`value / warning`; for a p-value, `p_value / p`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Judgement {
    pub severity: Severity,
    pub statistic: Option<Statistic>,
    pub value: Option<f64>,
    pub ratio: f64,
}

/// Judges one cell against `t` (see the module docs for the rule).
pub fn judge(s: &DriftStats, t: &Thresholds) -> Judgement {
    let effects: [(Statistic, Option<f64>, Option<Level>); 4] = [
        (Statistic::Psi, s.psi, t.psi),
        (Statistic::Js, s.js, t.js),
        (Statistic::Wasserstein, s.wasserstein, t.wasserstein),
        (Statistic::Tv, s.tv, t.tv),
    ];
    let mut best = Judgement {
        severity: Severity::Ok,
        statistic: None,
        value: None,
        ratio: 0.0,
    };
    for (stat, value, level) in effects {
        let (Some(v), Some(level)) = (value, level) else {
            continue;
        };
        let severity = if level.critical.is_some_and(|c| v >= c) {
            Severity::Critical
        } else if v >= level.warning {
            Severity::Warning
        } else {
            Severity::Ok
        };
        let ratio = if level.warning > 0.0 {
            v / level.warning
        } else {
            f64::INFINITY
        };
        if (severity, ratio) > (best.severity, best.ratio) || best.statistic.is_none() {
            best = Judgement {
                severity,
                statistic: Some(stat),
                value: Some(v),
                ratio,
            };
        }
    }
    let tests = [
        (Statistic::KsPvalue, s.ks_pvalue),
        (Statistic::Chi2Pvalue, s.chi2_pvalue),
    ];
    let smallest = tests
        .iter()
        .filter_map(|(stat, p)| p.map(|p| (*stat, p)))
        .min_by(|a, b| a.1.total_cmp(&b.1));
    if best.severity >= Severity::Warning {
        if smallest.is_some_and(|(_, p)| p >= t.p_value) {
            // Large but not significant: the window is too small to tell.
            best.severity = Severity::Notice;
        }
        return best;
    }
    let significant = smallest.filter(|(_, p)| *p < t.p_value);
    if let Some((stat, p)) = significant {
        return Judgement {
            severity: Severity::Notice,
            statistic: Some(stat),
            value: Some(p),
            ratio: if p > 0.0 {
                t.p_value / p
            } else {
                f64::INFINITY
            },
        };
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats() -> DriftStats {
        DriftStats::default()
    }

    #[test]
    fn psi_levels_warn_and_critical() {
        let t = Thresholds::default();
        let j = |psi| {
            judge(
                &DriftStats {
                    psi: Some(psi),
                    ..stats()
                },
                &t,
            )
        };
        assert_eq!(j(0.05).severity, Severity::Ok);
        assert_eq!(j(0.1).severity, Severity::Warning);
        assert_eq!(j(0.3).severity, Severity::Critical);
        assert_eq!(j(0.3).statistic, Some(Statistic::Psi));
    }

    #[test]
    fn a_tiny_p_with_a_tiny_effect_is_a_notice_not_a_warning() {
        let t = Thresholds::default();
        // A million rows per window: KS rejects equality, but the shift is negligible.
        let s = DriftStats {
            psi: Some(0.002),
            js: Some(0.01),
            wasserstein: Some(0.01),
            ks_statistic: Some(0.004),
            ks_pvalue: Some(1e-12),
            ..stats()
        };
        let j = judge(&s, &t);
        assert_eq!(j.severity, Severity::Notice);
        assert_eq!(j.statistic, Some(Statistic::KsPvalue));
        assert!(!j.severity.crossed());
        // The same p with a large effect: the effect size decides.
        let big = DriftStats {
            wasserstein: Some(0.4),
            ..s.clone()
        };
        let j = judge(&big, &t);
        assert_eq!(j.severity, Severity::Warning);
        assert_eq!(j.statistic, Some(Statistic::Wasserstein));
        // A large p and small effects: ok.
        let calm = DriftStats {
            ks_pvalue: Some(0.6),
            chi2_pvalue: Some(0.2),
            ..s
        };
        assert_eq!(judge(&calm, &t).severity, Severity::Ok);
    }

    #[test]
    fn a_large_effect_that_is_not_significant_is_a_notice() {
        let t = Thresholds::default();
        let s = DriftStats {
            js: Some(0.12),
            ks_pvalue: Some(0.4),
            ..stats()
        };
        let j = judge(&s, &t);
        assert_eq!(
            (j.severity, j.statistic),
            (Severity::Notice, Some(Statistic::Js))
        );
        let significant = DriftStats {
            ks_pvalue: Some(0.01),
            ..s.clone()
        };
        assert_eq!(judge(&significant, &t).severity, Severity::Warning);
        let untested = DriftStats {
            ks_pvalue: None,
            ..s
        };
        assert_eq!(judge(&untested, &t).severity, Severity::Warning);
    }

    #[test]
    fn a_p_value_alone_never_warns_and_no_statistic_is_ok() {
        let t = Thresholds::default();
        let s = DriftStats {
            chi2_pvalue: Some(0.0),
            ..stats()
        };
        assert_eq!(judge(&s, &t).severity, Severity::Notice);
        let none = judge(&stats(), &t);
        assert_eq!((none.severity, none.statistic), (Severity::Ok, None));
    }

    #[test]
    fn thresholds_change_the_verdict() {
        let s = DriftStats {
            psi: Some(0.2),
            ..stats()
        };
        assert_eq!(
            judge(&s, &Thresholds::default()).severity,
            Severity::Warning
        );
        let raised = Thresholds {
            psi: Some(Level::warning(0.5)),
            ..Thresholds::default()
        };
        assert_eq!(judge(&s, &raised).severity, Severity::Ok);
    }
}
