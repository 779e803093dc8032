//! `[features]` in `config.toml`: where the console looks for feature tables, and how fresh
//! they must be.
//!
//! ```toml
//! [features]
//! schemas = ["main.features"]     # else every schema of every catalog you can read (bounded)
//! sla = "24h"                     # the default freshness SLA (age of the last write)
//! max_schemas = 50                # schemas searched at most when `schemas` is not given
//! max_tables = 200                # tables read at most (tables.get, 8 at a time)
//! warehouse_id = "4b9f3c2a1d7e6f50" # DESCRIBE HISTORY runs here (else [monitoring]'s, else
//!                                   # the first running warehouse; never started)
//!
//! [features.sla_per_table]
//! "main.features.txn_agg_30d" = "2h"
//! ```
//!
//! Parsed strictly like every section: an unknown key is an error, a schema is two
//! dot-separated parts, a table three, a duration like `90m`, `24h`, `1h30m`.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

use crate::ops::canary::plan::parse_duration;

/// The SLA when neither `sla` nor a per-table SLA says otherwise: 24 hours.
pub const DEFAULT_SLA_MS: i64 = 24 * 3_600_000;
pub const DEFAULT_MAX_SCHEMAS: usize = 50;
pub const DEFAULT_MAX_TABLES: usize = 200;
/// The most either bound may be set to.
const BOUND_LIMIT: usize = 5_000;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeaturesSettings {
    /// `catalog.schema` names searched; empty: every readable schema (bounded).
    #[serde(default, deserialize_with = "schema_names")]
    pub schemas: Vec<String>,
    /// The default freshness SLA, in ms.
    #[serde(default = "default_sla", deserialize_with = "sla", rename = "sla")]
    pub sla_ms: i64,
    /// Table full name → its SLA in ms.
    #[serde(default, deserialize_with = "per_table")]
    pub sla_per_table: BTreeMap<String, i64>,
    #[serde(default = "default_max_schemas", deserialize_with = "bound")]
    pub max_schemas: usize,
    #[serde(default = "default_max_tables", deserialize_with = "bound")]
    pub max_tables: usize,
    /// The warehouse `DESCRIBE HISTORY` runs on.
    #[serde(default, deserialize_with = "warehouse")]
    pub warehouse_id: Option<String>,
}

impl Default for FeaturesSettings {
    fn default() -> Self {
        FeaturesSettings {
            schemas: Vec::new(),
            sla_ms: DEFAULT_SLA_MS,
            sla_per_table: BTreeMap::new(),
            max_schemas: DEFAULT_MAX_SCHEMAS,
            max_tables: DEFAULT_MAX_TABLES,
            warehouse_id: None,
        }
    }
}

impl FeaturesSettings {
    /// The SLA of `table` (names compare case-insensitively, as Unity Catalog's do).
    pub fn sla_of(&self, table: &str) -> i64 {
        self.sla_per_table
            .iter()
            .find(|(t, _)| t.eq_ignore_ascii_case(table.trim()))
            .map_or(self.sla_ms, |(_, ms)| *ms)
    }
}

fn default_sla() -> i64 {
    DEFAULT_SLA_MS
}
fn default_max_schemas() -> usize {
    DEFAULT_MAX_SCHEMAS
}
fn default_max_tables() -> usize {
    DEFAULT_MAX_TABLES
}

fn parts_ok(n: &str, count: usize) -> bool {
    let parts: Vec<&str> = n.split('.').collect();
    parts.len() == count && parts.iter().all(|p| !p.trim().is_empty())
}

fn positive_duration(key: &str, text: &str) -> Result<i64, String> {
    match parse_duration(text) {
        Ok(ms) if ms > 0 => Ok(ms),
        Ok(_) => Err(format!("{key} must be longer than zero")),
        Err(e) => Err(format!("{key}: {e}")),
    }
}

fn sla<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let text = String::deserialize(d)?;
    positive_duration("features.sla", &text).map_err(serde::de::Error::custom)
}

fn per_table<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, i64>, D::Error> {
    let raw = BTreeMap::<String, String>::deserialize(d)?;
    let mut out = BTreeMap::new();
    for (table, text) in raw {
        let table = table.trim().to_string();
        if !parts_ok(&table, 3) {
            return Err(serde::de::Error::custom(format!(
                "features.sla_per_table: '{table}' is not a three-part table name (catalog.schema.table)"
            )));
        }
        let ms = positive_duration(&format!("features.sla_per_table.\"{table}\""), &text)
            .map_err(serde::de::Error::custom)?;
        out.insert(table, ms);
    }
    Ok(out)
}

fn schema_names<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let names = Vec::<String>::deserialize(d)?;
    let mut out: Vec<String> = Vec::new();
    for n in names {
        let n = n.trim().to_string();
        if !parts_ok(&n, 2) {
            return Err(serde::de::Error::custom(format!(
                "features.schemas: '{n}' is not a two-part schema name (catalog.schema)"
            )));
        }
        if !out.contains(&n) {
            out.push(n);
        }
    }
    Ok(out)
}

fn bound<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    let n = i64::deserialize(d)?;
    if n < 1 || n as usize > BOUND_LIMIT {
        return Err(serde::de::Error::custom(format!(
            "features: a bound must be between 1 and {BOUND_LIMIT}, not {n}"
        )));
    }
    Ok(n as usize)
}

fn warehouse<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let id = String::deserialize(d)?;
    if id.trim().is_empty() {
        return Err(serde::de::Error::custom(
            "features.warehouse_id is empty: remove it to use [monitoring]'s or the first running warehouse",
        ));
    }
    Ok(Some(id.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::AppConfig;

    use super::*;

    fn parse(text: &str) -> Result<AppConfig, String> {
        AppConfig::parse(Path::new("/c/config.toml"), text).map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_apply_without_the_section() {
        let c = parse("").unwrap();
        assert_eq!(c.features, FeaturesSettings::default());
        assert_eq!(c.features.sla_of("main.features.x"), DEFAULT_SLA_MS);
    }

    #[test]
    fn schemas_slas_and_bounds_are_read() {
        let c = parse(
            "[features]\nschemas = [\" main.features \", \"main.features\", \"ml.f\"]\nsla = \"12h\"\nmax_tables = 20\n\
             [features.sla_per_table]\n\"main.features.txn_agg_30d\" = \"2h\"\n\"main.features.b\" = \"1h30m\"\n",
        )
        .unwrap();
        let f = c.features;
        assert_eq!(f.schemas, ["main.features", "ml.f"]);
        assert_eq!(f.sla_ms, 12 * 3_600_000);
        assert_eq!(f.sla_of("MAIN.features.txn_agg_30d"), 2 * 3_600_000);
        assert_eq!(f.sla_of("main.features.b"), 90 * 60_000);
        assert_eq!(f.sla_of("main.features.other"), 12 * 3_600_000);
        assert_eq!((f.max_tables, f.max_schemas), (20, DEFAULT_MAX_SCHEMAS));
    }

    #[test]
    fn bad_values_are_refused_with_the_key_named() {
        for (text, needle) in [
            ("[features]\nschemaz = []\n", "schemaz"),
            ("[features]\nschemas = [\"features\"]\n", "two-part"),
            ("[features]\nschemas = [\"a.b.c\"]\n", "two-part"),
            ("[features]\nsla = \"soon\"\n", "features.sla"),
            ("[features]\nsla = \"0s\"\n", "longer than zero"),
            ("[features]\nsla = 24\n", "string"),
            ("[features]\nmax_tables = 0\n", "between 1"),
            ("[features]\nmax_schemas = 100000\n", "between 1"),
            ("[features]\nwarehouse_id = \" \"\n", "warehouse_id"),
            (
                "[features.sla_per_table]\n\"txn_agg_30d\" = \"2h\"\n",
                "three-part",
            ),
            (
                "[features.sla_per_table]\n\"main.features.t\" = \"2 hours\"\n",
                "sla_per_table",
            ),
        ] {
            let e = parse(text).unwrap_err();
            assert!(e.contains(needle), "{text}: {e}");
        }
    }
}
