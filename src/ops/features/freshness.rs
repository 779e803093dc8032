//! Freshness of a feature table: the age of its last write against its SLA. The last write is
//! the newest data-writing version of its Delta history when that was read (`DESCRIBE
//! HISTORY`), else the table's `updated_at` (which a metadata change also moves).

use serde::Serialize;

use crate::api::models::uc_tables::TableInfo;

use super::history::DeltaVersion;

/// Where the last write time came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteSource {
    /// The table's `updated_at` (`tables.get`).
    UpdatedAt,
    /// The newest write in `DESCRIBE HISTORY`.
    DeltaHistory,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Freshness {
    /// When the table was last written (Unix ms); `None`: unknown.
    pub last_write_ms: Option<i64>,
    pub source: WriteSource,
    /// `now - last_write` (never negative); `None` when the last write is unknown.
    pub age_ms: Option<i64>,
    pub sla_ms: i64,
    /// Older than its SLA; `None` when the age is unknown (never taken for fresh).
    pub stale: Option<bool>,
}

impl Freshness {
    pub fn new(last_write_ms: Option<i64>, source: WriteSource, sla_ms: i64, now_ms: i64) -> Self {
        let age_ms = last_write_ms.map(|w| (now_ms - w).max(0));
        Freshness {
            last_write_ms,
            source,
            age_ms,
            sla_ms,
            stale: age_ms.map(|a| a > sla_ms),
        }
    }

    pub fn from_updated_at(t: &TableInfo, sla_ms: i64, now_ms: i64) -> Self {
        Self::new(t.updated_at, WriteSource::UpdatedAt, sla_ms, now_ms)
    }

    /// From the Delta history when it holds a write, else from `updated_at`.
    pub fn from_history(t: &TableInfo, history: &[DeltaVersion], sla_ms: i64, now_ms: i64) -> Self {
        match history
            .iter()
            .filter(|v| v.is_write())
            .filter_map(|v| v.timestamp_ms)
            .max()
        {
            Some(w) => Self::new(Some(w), WriteSource::DeltaHistory, sla_ms, now_ms),
            None => Self::from_updated_at(t, sla_ms, now_ms),
        }
    }

    /// Whether the age is past `max_age_ms` (`None`: unknown).
    pub fn older_than(&self, max_age_ms: i64) -> Option<bool> {
        self.age_ms.map(|a| a > max_age_ms)
    }
}

/// `52h`, `3d 4h`, `12m`, `40s` — an age for tables.
pub fn age_text(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    let (d, h, m) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60);
    if s > 0 && s % 3_600 == 0 && s < 3 * 86_400 {
        return format!("{}h", s / 3_600);
    }
    if d > 0 && h == 0 {
        format!("{d}d")
    } else if d > 0 {
        format!("{d}d {h}h")
    } else if h > 0 {
        format!("{h}h {m}m")
    } else if m > 0 {
        format!("{m}m")
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_against_the_sla() {
        let f = Freshness::new(Some(1_000), WriteSource::UpdatedAt, 500, 2_000);
        assert_eq!((f.age_ms, f.stale), (Some(1_000), Some(true)));
        let f = Freshness::new(Some(1_000), WriteSource::UpdatedAt, 5_000, 2_000);
        assert_eq!(f.stale, Some(false));
        assert_eq!(f.older_than(999), Some(true));
        let f = Freshness::new(None, WriteSource::UpdatedAt, 5_000, 2_000);
        assert_eq!((f.age_ms, f.stale, f.older_than(1)), (None, None, None));
        // A clock behind the server's: no negative age.
        let f = Freshness::new(Some(3_000), WriteSource::UpdatedAt, 5_000, 2_000);
        assert_eq!(f.age_ms, Some(0));
        assert_eq!(age_text(52 * 3_600_000), "52h");
        assert_eq!(age_text(52 * 3_600_000 + 60_000), "2d 4h");
        assert_eq!(age_text(90 * 60_000), "1h 30m");
        assert_eq!(age_text(24 * 3_600_000), "24h");
        assert_eq!(age_text(9 * 86_400_000), "9d");
    }
}
