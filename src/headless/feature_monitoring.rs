//! The "feature monitoring" part of `feature TABLE`: each feature's latest null rate and drift
//! from the table's monitor (`ops::feature_monitoring`), or why there is none.

use crate::ops::feature_monitoring::{FeatureHealth, FeatureMonitoring};
use crate::ops::features::freshness::age_text;

use super::table::{render, timestamp};

/// "12.5%", or "-".
fn percent(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{v:.1}%"))
}

/// "critical (psi 1.06)", "ok", or "-".
pub fn drift_text(f: &FeatureHealth) -> String {
    match &f.drift {
        None => "-".into(),
        Some(d) => match (&d.statistic, d.value) {
            (Some(s), Some(v)) if d.severity.crossed() || d.severity.as_str() == "notice" => {
                format!("{} ({s} {v:.2})", d.severity.as_str())
            }
            _ => d.severity.as_str().to_string(),
        },
    }
}

/// The text lines of the section, as of `now_ms`.
pub fn text(m: &FeatureMonitoring, now_ms: i64) -> String {
    match m {
        FeatureMonitoring::NoMonitor { hint, .. } => {
            format!("feature monitoring: no monitor on this table; {hint}\n")
        }
        FeatureMonitoring::Unreadable { error, .. } => {
            format!("feature monitoring: the monitor could not be read: {error}\n")
        }
        FeatureMonitoring::Monitored(t) => {
            let mut head = format!("feature monitoring: {} monitor", t.kind);
            if let Some(s) = &t.status {
                head.push_str(&format!(", {s}"));
            }
            if let Some(r) = &t.last_refresh {
                let when = r.end_ms.map_or(String::new(), |e| {
                    format!(" at {} ({} ago)", timestamp(Some(e)), age_text(now_ms - e))
                });
                head.push_str(&format!(", last refresh {}{when}", r.state));
            }
            let drifting = t.drifting().len();
            let rising = t.rising_nulls().len();
            head.push_str(&format!(
                "; {drifting} drifting, {rising} with rising nulls\n"
            ));
            let rows: Vec<Vec<String>> = t
                .features
                .iter()
                .map(|f| {
                    vec![
                        f.feature.clone(),
                        percent(f.null_rate),
                        percent(f.null_rate_before),
                        if f.nulls_rising() { "rising" } else { "" }.into(),
                        drift_text(f),
                        f.window.as_ref().map_or("-".into(), |w| w.label()),
                    ]
                })
                .collect();
            let mut out = head;
            if !rows.is_empty() {
                out.push_str(&render(
                    &["FEATURE", "NULLS", "BEFORE", "", "DRIFT", "WINDOW"],
                    &rows,
                ));
            }
            for n in &t.notes {
                out.push_str(&format!("monitoring note: {n}\n"));
            }
            out
        }
    }
}
