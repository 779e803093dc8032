//! Pure text formatting shared by views and the filter (which matches what the user sees).

use crate::api::models::mlflow::KeyValue;

/// A duration in ms as "12s", "3m", "5h", "2d".
pub fn duration(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s {
        0..=59 => format!("{s}s"),
        60..=3_599 => format!("{}m", s / 60),
        3_600..=172_799 => format!("{}h", s / 3_600),
        _ => format!("{}d", s / 86_400),
    }
}

/// "3m ago" for a past timestamp, "-" when unknown.
pub fn ago(now_ms: i64, then_ms: Option<i64>) -> String {
    match then_ms {
        Some(t) if t > 0 => format!("{} ago", duration(now_ms - t)),
        _ => "-".to_string(),
    }
}

/// Compact age for narrow columns: "12s", "3m", "5h", "40d"; "-" when unknown.
pub fn ago_short(now_ms: i64, then_ms: Option<i64>) -> String {
    match then_ms {
        Some(t) if t > 0 => duration(now_ms - t),
        _ => "-".to_string(),
    }
}

/// User tags as "k=v, k2=v2"; MLflow's own `mlflow.*` bookkeeping tags are left to the detail view.
pub fn user_tags(tags: &[KeyValue]) -> String {
    tags.iter()
        .filter(|t| !t.key.starts_with("mlflow."))
        .map(|t| format!("{}={}", t.key, t.value))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A UTC timestamp, "2024-05-01 12:00:00 UTC"; "-" when unknown.
pub fn datetime(ms: Option<i64>) -> String {
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| "-".to_string())
}

/// A run's wall time with two units: "45s", "4m 12s", "1h 05m", "3d 4h".
pub fn duration_precise(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s {
        0..=59 => format!("{s}s"),
        60..=3_599 => format!("{}m {:02}s", s / 60, s % 60),
        3_600..=86_399 => format!("{}h {:02}m", s / 3_600, (s % 3_600) / 60),
        _ => format!("{}d {}h", s / 86_400, (s % 86_400) / 3_600),
    }
}

/// A UTC timestamp to the minute, for table cells: "2024-05-01 12:00"; "-" when unknown.
pub fn datetime_short(ms: Option<i64>) -> String {
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "-".to_string())
}

/// A metric value in at most ~9 characters: 4 significant decimals, trailing zeros dropped,
/// scientific notation for very large or tiny magnitudes.
pub fn metric(v: f64) -> String {
    if !v.is_finite() {
        return crate::safe_text::NOT_A_NUMBER.to_string();
    }
    let a = v.abs();
    if a != 0.0 && !(1e-3..1e6).contains(&a) {
        return format!("{v:.3e}");
    }
    let decimals = if a >= 1000.0 { 1 } else { 4 };
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".to_string() } else { s }
}

/// Case-insensitive substring match of `needle` (already lowercase) against any cell.
pub fn matches_any<S: AsRef<str>>(needle_lower: &str, cells: &[S]) -> bool {
    needle_lower.is_empty()
        || cells
            .iter()
            .any(|c| c.as_ref().to_lowercase().contains(needle_lower))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_that_are_not_numbers_show_as_n_a() {
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(metric(v), "n/a");
        }
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(ago(100_000, Some(88_000)), "12s ago");
        assert_eq!(ago(10_000_000, Some(10_000_000 - 180_000)), "3m ago");
        assert_eq!(ago(0, None), "-");
        assert_eq!(duration(-5), "0s");
        assert_eq!(duration(3 * 86_400_000), "3d");
        assert_eq!(duration(5 * 3_600_000), "5h");
    }

    #[test]
    fn run_durations_and_metric_values() {
        assert_eq!(duration_precise(45_000), "45s");
        assert_eq!(duration_precise(252_000), "4m 12s");
        assert_eq!(duration_precise(3_900_000), "1h 05m");
        assert_eq!(duration_precise(100_800_000), "1d 4h");
        assert_eq!(datetime_short(Some(0)), "1970-01-01 00:00");
        assert_eq!(metric(0.87654321), "0.8765");
        assert_eq!(metric(0.5), "0.5");
        assert_eq!(metric(12.0), "12");
        assert_eq!(metric(1234.56), "1234.6");
        assert_eq!(metric(0.0), "0");
        assert_eq!(metric(-0.00001), "-1.000e-5");
        assert_eq!(metric(2.5e7), "2.500e7");
        assert_eq!(metric(f64::NAN), "n/a");
    }

    #[test]
    fn counts_tags_dates_and_matching() {
        let tags = vec![
            KeyValue::new("team", "ml"),
            KeyValue::new("mlflow.note.content", "x"),
        ];
        assert_eq!(user_tags(&tags), "team=ml");
        assert_eq!(datetime(Some(0)), "1970-01-01 00:00:00 UTC");
        assert!(matches_any("chu", &["Churn", "x"]));
        assert!(!matches_any("zz", &["Churn"]));
        assert!(matches_any("", &["anything"]));
    }
}
