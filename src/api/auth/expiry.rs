//! The expiry times the CLIs print: RFC 3339 from the Databricks CLI (Go's `time.Time`), and
//! from the Azure CLI either `expires_on` (Unix seconds, newer releases) or `expiresOn`, a local
//! time without zone (`2024-05-01 13:14:15.123456`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Local, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use serde_json::Value;

/// An RFC 3339 time (`2024-05-01T13:14:15.123456789+02:00`, `…Z`); a time without offset is
/// read as local time, as the SDK does.
pub(crate) fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc).into());
    }
    parse_local(text)
}

/// A local time without zone: `2024-05-01 13:14:15.123456` or with a `T`.
pub(crate) fn parse_local(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    let naive = ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())?;
    let local = Local.from_local_datetime(&naive).earliest()?;
    Some(local.with_timezone(&Utc).into())
}

/// The expiry in an `az account get-access-token` answer: `expires_on` when present (exact,
/// zone-free), else `expiresOn` in local time.
pub(crate) fn az_expiry(answer: &serde_json::Map<String, Value>) -> Option<SystemTime> {
    let epoch = match answer.get("expires_on") {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|s| s.is_finite() && *s > 0.0 && *s < 1e11);
    if let Some(secs) = epoch {
        return Some(UNIX_EPOCH + Duration::from_secs_f64(secs));
    }
    answer
        .get("expiresOn")
        .and_then(Value::as_str)
        .and_then(parse_local)
}

/// `t` as RFC 3339 in UTC, the form the Databricks CLI reads back.
pub(crate) fn to_rfc3339(t: SystemTime) -> String {
    DateTime::<Utc>::from(t).to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(t: SystemTime) -> u64 {
        t.duration_since(UNIX_EPOCH).unwrap().as_secs()
    }

    #[test]
    fn rfc3339_with_offsets_and_fractions() {
        // 2024-05-01T12:00:00Z is 1714564800.
        assert_eq!(
            secs(parse_rfc3339("2024-05-01T12:00:00Z").unwrap()),
            1_714_564_800
        );
        assert_eq!(
            secs(parse_rfc3339("2024-05-01T14:00:00.123456789+02:00").unwrap()),
            1_714_564_800
        );
        assert!(parse_rfc3339("tomorrow").is_none());
        let t = UNIX_EPOCH + Duration::from_secs(1_714_564_800);
        assert_eq!(to_rfc3339(t), "2024-05-01T12:00:00Z");
        assert_eq!(parse_rfc3339(&to_rfc3339(t)), Some(t));
    }

    #[test]
    fn az_prefers_the_epoch_field() {
        let answer: Value = serde_json::json!({
            "expiresOn": "1999-01-01 00:00:00.000000",
            "expires_on": 1_714_564_800,
        });
        let t = az_expiry(answer.as_object().unwrap()).unwrap();
        assert_eq!(secs(t), 1_714_564_800);
        let answer = serde_json::json!({"expires_on": "1714564800"});
        assert_eq!(
            secs(az_expiry(answer.as_object().unwrap()).unwrap()),
            1_714_564_800
        );
    }

    #[test]
    fn az_local_time_round_trips_through_the_local_zone() {
        let t = UNIX_EPOCH + Duration::from_secs(1_714_564_800);
        let local = DateTime::<Utc>::from(t)
            .with_timezone(&Local)
            .format("%Y-%m-%d %H:%M:%S%.6f")
            .to_string();
        let answer = serde_json::json!({ "expiresOn": local });
        assert_eq!(az_expiry(answer.as_object().unwrap()), Some(t));
        assert_eq!(az_expiry(serde_json::json!({}).as_object().unwrap()), None);
    }
}
