//! Freshness of a feature table for the "stale features" marker: the age of its last write
//! (`updated_at`) against an SLA passed in by the caller. Deliberately small and pure: the
//! full freshness rules (per-table SLAs from `[features]`, Delta history over SQL) live with
//! the Features screen; a caller swaps the SLA source without touching this.

use serde::Serialize;

/// The SLA when nothing else is configured: one day.
pub const DEFAULT_SLA_MS: i64 = 24 * 3_600_000;

/// How fresh one table is, judged at `now_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "freshness", rename_all = "snake_case")]
pub enum Freshness {
    /// Written within the SLA.
    Fresh { age_ms: i64 },
    /// Not written for longer than the SLA.
    Stale { age_ms: i64 },
    /// The table says nothing about its last write.
    Unknown,
}

impl Freshness {
    pub fn is_stale(&self) -> bool {
        matches!(self, Freshness::Stale { .. })
    }

    pub fn age_ms(&self) -> Option<i64> {
        match self {
            Freshness::Fresh { age_ms } | Freshness::Stale { age_ms } => Some(*age_ms),
            Freshness::Unknown => None,
        }
    }

    /// "stale 52 h", "fresh 3 h", "freshness unknown".
    pub fn label(&self) -> String {
        match self {
            Freshness::Fresh { age_ms } => format!("fresh {}", age_text(*age_ms)),
            Freshness::Stale { age_ms } => format!("stale {}", age_text(*age_ms)),
            Freshness::Unknown => "freshness unknown".to_string(),
        }
    }
}

/// Judges a table last written at `updated_at_ms` against `sla_ms`: stale only when the age is
/// strictly past the SLA. A write "in the future" (clock skew) counts as age 0.
pub fn freshness(updated_at_ms: Option<i64>, now_ms: i64, sla_ms: i64) -> Freshness {
    match updated_at_ms {
        None => Freshness::Unknown,
        Some(at) => {
            let age_ms = (now_ms - at).max(0);
            if age_ms > sla_ms {
                Freshness::Stale { age_ms }
            } else {
                Freshness::Fresh { age_ms }
            }
        }
    }
}

/// "45 min", "52 h", "9 d": whole units, rounded down.
pub fn age_text(age_ms: i64) -> String {
    let mins = age_ms.max(0) / 60_000;
    if mins < 60 {
        format!("{mins} min")
    } else if mins < 72 * 60 {
        format!("{} h", mins / 60)
    } else {
        format!("{} d", mins / (24 * 60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3_600_000;

    #[test]
    fn stale_only_past_the_sla() {
        let now = 1_000 * H;
        assert_eq!(
            freshness(Some(now - 52 * H), now, DEFAULT_SLA_MS),
            Freshness::Stale { age_ms: 52 * H }
        );
        assert!(!freshness(Some(now - 24 * H), now, DEFAULT_SLA_MS).is_stale());
        assert!(freshness(Some(now - 24 * H - 1), now, DEFAULT_SLA_MS).is_stale());
        // The SLA is the caller's: one hour makes a two-hour-old table stale.
        assert!(freshness(Some(now - 2 * H), now, H).is_stale());
        assert_eq!(freshness(None, now, H), Freshness::Unknown);
        assert_eq!(
            freshness(Some(now + H), now, H),
            Freshness::Fresh { age_ms: 0 }
        );
    }

    #[test]
    fn labels_name_the_age() {
        assert_eq!(Freshness::Stale { age_ms: 52 * H }.label(), "stale 52 h");
        assert_eq!(age_text(45 * 60_000), "45 min");
        assert_eq!(age_text(9 * 24 * H), "9 d");
        assert_eq!(Freshness::Unknown.label(), "freshness unknown");
    }
}
