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
    fn ages_read_naturally() {
        assert_eq!(ago(100_000, Some(88_000)), "12s ago");
        assert_eq!(ago(10_000_000, Some(10_000_000 - 180_000)), "3m ago");
        assert_eq!(ago(0, None), "-");
        assert_eq!(duration(-5), "0s");
        assert_eq!(duration(3 * 86_400_000), "3d");
        assert_eq!(duration(5 * 3_600_000), "5h");
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
