//! The stale-features marker judged against `[features]`: each table's own SLA
//! (`sla_per_table`, else `sla`) instead of the one SLA the lineage read was given. Freshness
//! is judged again from each table's last write; a table that could not be read is left as it is.

use crate::config::features::FeaturesSettings;

use super::stale::freshness;
use super::{EndpointLineage, TableState, VersionLineage};

/// Judges `tables` again at `now_ms`, each against its SLA in `settings`.
pub fn judge_tables(tables: &mut [TableState], settings: &FeaturesSettings, now_ms: i64) {
    for t in tables.iter_mut().filter(|t| t.error.is_none()) {
        t.freshness = freshness(t.updated_at, now_ms, settings.sla_of(&t.table));
    }
}

/// [`judge_tables`] over every endpoint's tables.
pub fn judge_endpoints(lineage: &mut [EndpointLineage], settings: &FeaturesSettings, now_ms: i64) {
    for e in lineage {
        judge_tables(&mut e.tables, settings, now_ms);
    }
}

/// [`judge_tables`] over every version's tables.
pub fn judge_versions(lineage: &mut [VersionLineage], settings: &FeaturesSettings, now_ms: i64) {
    for v in lineage {
        judge_tables(&mut v.tables, settings, now_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;

    fn table(name: &str, age_h: i64, now: i64) -> TableState {
        TableState {
            table: name.into(),
            updated_at: Some(now - age_h * HOUR),
            freshness: freshness(Some(now - age_h * HOUR), now, super::super::DEFAULT_SLA_MS),
            online: Vec::new(),
            error: None,
        }
    }

    #[test]
    fn each_table_is_judged_against_its_own_sla() {
        let now = 1_000 * HOUR;
        let mut tables = vec![table("main.f.slow", 30, now), table("main.f.fast", 3, now)];
        assert!(tables[0].is_stale() && !tables[1].is_stale());
        let mut settings = FeaturesSettings::default();
        settings
            .sla_per_table
            .insert("main.f.slow".into(), 48 * HOUR);
        settings
            .sla_per_table
            .insert("MAIN.F.FAST".into(), 2 * HOUR);
        judge_tables(&mut tables, &settings, now);
        assert!(!tables[0].is_stale(), "30 h against 48 h");
        assert!(tables[1].is_stale(), "3 h against 2 h");
    }

    #[test]
    fn the_default_sla_applies_and_unreadable_tables_stay_as_they_are() {
        let now = 1_000 * HOUR;
        let mut unreadable = table("main.f.gone", 30, now);
        unreadable.error = Some("not found".into());
        let before = unreadable.freshness;
        let mut tables = vec![table("main.f.t", 10, now), unreadable];
        let settings = FeaturesSettings {
            sla_ms: 6 * HOUR,
            ..FeaturesSettings::default()
        };
        judge_tables(&mut tables, &settings, now);
        assert!(tables[0].is_stale(), "10 h against the default 6 h");
        assert_eq!(tables[1].freshness, before);
    }
}
