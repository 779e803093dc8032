//! `[monitoring]` in `config.toml`: tables whose monitors the console always lists (a table
//! without a monitor is shown as such), and the SQL warehouse its queries run on.
//!
//! ```toml
//! [monitoring]
//! tables = ["main.ml.churn_inference"]
//! warehouse_id = "4b9f3c2a1d7e6f50"   # else the first running warehouse
//! # the endpoint whose requests a monitored table holds (else the endpoint's own inference
//! # table, or the table property `mlops.endpoint`)
//! endpoints = { "main.ml.churn_inference" = "churn-prod" }
//! ```
//!
//! Parsed strictly like every section: an unknown key is an error, and a table name must be
//! three dot-separated parts.

use std::collections::BTreeMap;

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
    /// Monitored table → the serving endpoint whose requests it holds (links the table's model
    /// versions to the registry and to what serves them; see `ops::monitors::link`).
    #[serde(default, deserialize_with = "endpoint_links")]
    pub endpoints: BTreeMap<String, String>,
}

impl MonitoringSettings {
    /// The endpoint `[monitoring] endpoints` names for `table` (names compare
    /// case-insensitively, as Unity Catalog's do).
    pub fn endpoint_of(&self, table: &str) -> Option<&str> {
        self.endpoints
            .iter()
            .find(|(t, _)| t.eq_ignore_ascii_case(table.trim()))
            .map(|(_, e)| e.as_str())
    }

    /// The tables `[monitoring] endpoints` links to `endpoint`.
    pub fn tables_of(&self, endpoint: &str) -> Vec<String> {
        self.endpoints
            .iter()
            .filter(|(_, e)| e.as_str() == endpoint)
            .map(|(t, _)| t.clone())
            .collect()
    }
}

fn is_table_name(n: &str) -> bool {
    let parts: Vec<&str> = n.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| !p.trim().is_empty())
}

fn endpoint_links<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    let links = BTreeMap::<String, String>::deserialize(d)?;
    let mut out = BTreeMap::new();
    for (table, endpoint) in links {
        let (table, endpoint) = (table.trim().to_string(), endpoint.trim().to_string());
        if !is_table_name(&table) {
            return Err(serde::de::Error::custom(format!(
                "monitoring.endpoints: '{table}' is not a three-part table name (catalog.schema.table)"
            )));
        }
        if endpoint.is_empty() {
            return Err(serde::de::Error::custom(format!(
                "monitoring.endpoints: the endpoint of '{table}' is empty"
            )));
        }
        out.insert(table, endpoint);
    }
    Ok(out)
}

fn table_names<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let names = Vec::<String>::deserialize(d)?;
    let mut out: Vec<String> = Vec::new();
    for n in names {
        let n = n.trim().to_string();
        if !is_table_name(&n) {
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

    #[test]
    fn endpoint_links_need_a_table_name_and_an_endpoint() {
        let c = parse(
            "[monitoring]\nendpoints = { \" main.ml.churn_inference \" = \" churn-prod \", \"main.ml.x\" = \"x\" }\n",
        )
        .unwrap();
        assert_eq!(c.monitoring.endpoints.len(), 2);
        assert_eq!(
            c.monitoring.endpoint_of("MAIN.ml.churn_inference"),
            Some("churn-prod")
        );
        assert_eq!(
            c.monitoring.tables_of("churn-prod"),
            ["main.ml.churn_inference"]
        );
        assert_eq!(c.monitoring.endpoint_of("main.ml.other"), None);
        let c = parse("[monitoring]\n[monitoring.endpoints]\n\"main.ml.a\" = \"a\"\n").unwrap();
        assert_eq!(c.monitoring.endpoint_of("main.ml.a"), Some("a"));
        let e = parse("[monitoring]\nendpoints = { \"churn_inference\" = \"churn-prod\" }\n")
            .unwrap_err();
        assert!(e.contains("three-part") && e.contains("endpoints"), "{e}");
        let e = parse("[monitoring]\nendpoints = { \"main.ml.a\" = \" \" }\n").unwrap_err();
        assert!(e.contains("endpoint of 'main.ml.a' is empty"), "{e}");
        let e = parse("[monitoring]\nendpoints = [\"main.ml.a\"]\n").unwrap_err();
        assert!(e.contains("endpoints") || e.contains("map"), "{e}");
        let e = parse("[monitoring]\nendpoints = { \"main.ml.a\" = 3 }\n").unwrap_err();
        assert!(!e.is_empty());
    }
}
