//! `[monitoring]` in `config.toml`: tables whose monitors the console always lists (a table
//! without a monitor is shown as such), and the SQL warehouse its queries run on.
//!
//! ```toml
//! [monitoring]
//! tables = ["main.ml.churn_inference"]
//! warehouse_id = "4b9f3c2a1d7e6f50"   # else the first running warehouse
//! ```
//!
//! Parsed strictly like every section: an unknown key is an error, and a table name must be
//! three dot-separated parts.

use serde::{Deserialize, Deserializer};

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonitoringSettings {
    /// Three-part table names (`catalog.schema.table`).
    #[serde(default, deserialize_with = "table_names")]
    pub tables: Vec<String>,
    /// The warehouse to run monitoring queries on.
    #[serde(default, deserialize_with = "warehouse")]
    pub warehouse_id: Option<String>,
}

fn table_names<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let names = Vec::<String>::deserialize(d)?;
    let mut out: Vec<String> = Vec::new();
    for n in names {
        let n = n.trim().to_string();
        let parts: Vec<&str> = n.split('.').collect();
        if parts.len() != 3 || parts.iter().any(|p| p.trim().is_empty()) {
            return Err(serde::de::Error::custom(format!(
                "monitoring.tables: '{n}' is not a three-part table name (catalog.schema.table)"
            )));
        }
        if !out.contains(&n) {
            out.push(n);
        }
    }
    Ok(out)
}

fn warehouse<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let id = String::deserialize(d)?;
    if id.trim().is_empty() {
        return Err(serde::de::Error::custom(
            "monitoring.warehouse_id is empty: remove it to use the first running warehouse",
        ));
    }
    Ok(Some(id.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::AppConfig;

    fn parse(text: &str) -> Result<AppConfig, String> {
        AppConfig::parse(Path::new("/c/config.toml"), text).map_err(|e| e.to_string())
    }

    #[test]
    fn the_section_is_optional_and_strict() {
        let c = parse("").unwrap();
        assert!(c.monitoring.tables.is_empty() && c.monitoring.warehouse_id.is_none());
        let c = parse(
            "[monitoring]\ntables = [\"main.ml.a\", \" main.ml.b \", \"main.ml.a\"]\nwarehouse_id = \"w1\"\n",
        )
        .unwrap();
        assert_eq!(c.monitoring.tables, ["main.ml.a", "main.ml.b"]);
        assert_eq!(c.monitoring.warehouse_id.as_deref(), Some("w1"));
        let e = parse("[monitoring]\ntabels = []\n").unwrap_err();
        assert!(e.contains("tabels"), "{e}");
        let e = parse("[monitoring]\ntables = [\"churn_inference\"]\n").unwrap_err();
        assert!(e.contains("three-part"), "{e}");
        let e = parse("[monitoring]\nwarehouse_id = \" \"\n").unwrap_err();
        assert!(e.contains("warehouse_id"), "{e}");
    }
}
