//! Which serving endpoint and model a monitored table belongs to. A monitor does not name its
//! model, so the console links a table to endpoints by three rules, in this order:
//!
//! 1. the endpoint's own inference table (AI Gateway `inference_table_config`, legacy
//!    `auto_capture_config`) is the table;
//! 2. `[monitoring] endpoints = { "TABLE" = "ENDPOINT" }` in `config.toml`;
//! 3. the table's Unity Catalog property [`ENDPOINT_PROPERTY`] (`mlops.endpoint`) — the usual
//!    case, because users monitor a processed inference table, not the raw JSON payload one.
//!
//! From the linked endpoints' served entities (registered model, version, traffic share) each
//! value of the monitor's model id column is mapped to a model version and the entity serving
//! it ([`TableLinks::version`]). The inverse, an endpoint's linked tables, is
//! [`tables_of_endpoint`]: its inference table, the config's tables, and the tables the console
//! knows of whose property names it (a bounded number of reads).

use futures::StreamExt;
use serde::Serialize;

use crate::api::Client;
use crate::api::models::serving::{EndpointConfig, ServingEndpoint};
use crate::config::monitoring::MonitoringSettings;

use super::discover::{READ_CONCURRENCY, endpoint_tables};

/// The table property that names the serving endpoint whose requests a table holds.
pub const ENDPOINT_PROPERTY: &str = "mlops.endpoint";

/// Table properties read at most when looking for an endpoint's tables.
pub const MAX_PROPERTY_READS: usize = 32;

/// What the quality view says when no rule links a table.
pub const UNLINKED: &str = "no endpoint found for this table: set [monitoring] endpoints or the \
     table property mlops.endpoint";

/// Which rule linked a table and an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkSource {
    /// The endpoint's own inference table.
    InferenceTable,
    /// `[monitoring] endpoints` in `config.toml`.
    Config,
    /// The table property `mlops.endpoint`.
    TableProperty,
}

impl LinkSource {
    /// A short name of the rule, for a title.
    pub fn label(self) -> &'static str {
        match self {
            LinkSource::InferenceTable => "inference table",
            LinkSource::Config => "config",
            LinkSource::TableProperty => "mlops.endpoint",
        }
    }
}

/// One served entity of a linked endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Served {
    /// The served entity's name.
    pub entity: String,
    /// The registered model (`entity_name`).
    pub model: String,
    pub version: String,
    /// Its share of the traffic; `None` when the route config does not say.
    pub traffic: Option<i64>,
}

/// A linked endpoint and what it serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndpointLink {
    pub endpoint: String,
    pub source: LinkSource,
    pub served: Vec<Served>,
    /// Why the endpoint could not be read (it is still linked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A table's links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct TableLinks {
    pub table: String,
    pub endpoints: Vec<EndpointLink>,
    /// Rules that could not be checked (an endpoint list or a table read that failed).
    pub notes: Vec<String>,
}

/// One model id value, linked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionLink {
    /// The model id column's value.
    pub model_id: String,
    /// The registered model and version; `None`: the value could not be linked.
    pub model: Option<String>,
    pub version: Option<String>,
    /// The endpoint and entity serving it; `None`: not served by a linked endpoint.
    pub endpoint: Option<String>,
    pub entity: Option<String>,
    pub traffic: Option<i64>,
}

impl VersionLink {
    /// `churn_model v4 · churn-prod 90%`, `churn_model v6 · not served`, or why not linked.
    pub fn label(&self) -> String {
        let (Some(model), Some(version)) = (&self.model, &self.version) else {
            return "not linked".into();
        };
        let short = model.rsplit('.').next().unwrap_or(model);
        let served = match (&self.endpoint, self.traffic) {
            (Some(e), Some(t)) => format!("{e} {t}%"),
            (Some(e), None) => e.clone(),
            (None, _) => "not served".into(),
        };
        format!("{short} v{version} · {served}")
    }
}

/// The routes' share of each served entity.
fn traffic(config: &EndpointConfig, entity: &str) -> Option<i64> {
    let routes = &config.traffic_config.as_ref()?.routes;
    if routes.is_empty() {
        return None;
    }
    Some(
        routes
            .iter()
            .filter(|r| r.target() == entity)
            .map(|r| r.traffic_percentage)
            .sum(),
    )
}

/// What an endpoint serves: its served entities that name a model version (legacy served
/// models too).
pub fn served(ep: &ServingEndpoint) -> Vec<Served> {
    let Some(c) = ep.config.as_ref() else {
        return Vec::new();
    };
    let mut out: Vec<Served> = c
        .served_entities
        .iter()
        .filter_map(|e| {
            Some(Served {
                entity: e.name.clone(),
                model: e.entity_name.clone().filter(|m| !m.is_empty())?,
                version: e.entity_version.clone().filter(|v| !v.is_empty())?,
                traffic: traffic(c, &e.name),
            })
        })
        .collect();
    if out.is_empty() {
        out = c
            .served_models
            .iter()
            .filter_map(|m| {
                Some(Served {
                    entity: m.name.clone(),
                    model: m.model_name.clone().filter(|n| !n.is_empty())?,
                    version: m.model_version.clone().filter(|v| !v.is_empty())?,
                    traffic: traffic(c, &m.name),
                })
            })
            .collect();
    }
    out
}

/// The endpoint's inference table: the AI Gateway's, else the legacy auto-capture one.
pub fn inference_table(ep: &ServingEndpoint) -> Option<String> {
    let ai = ep
        .ai_gateway
        .as_ref()
        .and_then(|g| g.inference_table_config.as_ref())
        .and_then(|c| c.payload_table());
    ai.or_else(|| {
        ep.config
            .as_ref()
            .and_then(|c| c.auto_capture_config.as_ref())
            .and_then(|c| c.payload_table())
    })
}

/// A model id value's model (when it names one) and version: `4`, `v4`, `churn_model/4`,
/// `models:/main.ml.churn_model/4`, `main.ml.churn_model:4`, `main.ml.churn_model@4`. Another
/// form is `None` (it may still be a served entity's name).
pub fn parse_model_id(value: &str) -> Option<(Option<String>, String)> {
    let v = value.trim();
    let number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if number(v) {
        return Some((None, v.to_string()));
    }
    if let Some(n) = v.strip_prefix(['v', 'V']).filter(|n| number(n)) {
        return Some((None, n.to_string()));
    }
    let v = v.strip_prefix("models:/").unwrap_or(v);
    let (model, version) = v.rsplit_once(['/', ':', '@'])?;
    let version = version.strip_prefix(['v', 'V']).unwrap_or(version);
    let model = model.trim();
    let ok_model = !model.is_empty() && !model.contains(['/', ':', '@', ' ']);
    (ok_model && number(version)).then(|| (Some(model.to_string()), version.to_string()))
}

/// `given` (maybe a short name) names registered model `full`.
pub fn same_model(given: &str, full: &str) -> bool {
    given.eq_ignore_ascii_case(full)
        || full
            .rsplit('.')
            .next()
            .is_some_and(|short| short.eq_ignore_ascii_case(given))
}

impl TableLinks {
    pub fn is_linked(&self) -> bool {
        !self.endpoints.is_empty()
    }

    fn all_served(&self) -> impl Iterator<Item = (&EndpointLink, &Served)> {
        self.endpoints
            .iter()
            .flat_map(|e| e.served.iter().map(move |s| (e, s)))
    }

    /// The one registered model the linked endpoints serve (a bare version belongs to it).
    fn the_model(&self) -> Option<&str> {
        let mut models = self.all_served().map(|(_, s)| s.model.as_str());
        let first = models.next()?;
        models.all(|m| m == first).then_some(first)
    }

    /// `model_id`'s model version and the entity serving it.
    pub fn version(&self, model_id: &str) -> VersionLink {
        let mut link = VersionLink {
            model_id: model_id.to_string(),
            model: None,
            version: None,
            endpoint: None,
            entity: None,
            traffic: None,
        };
        let serve = |link: &mut VersionLink, e: &EndpointLink, s: &Served| {
            link.model = Some(s.model.clone());
            link.version = Some(s.version.clone());
            link.endpoint = Some(e.endpoint.clone());
            link.entity = Some(s.entity.clone());
            link.traffic = s.traffic;
        };
        // A served entity's own name.
        if let Some((e, s)) = self.all_served().find(|(_, s)| s.entity == model_id.trim()) {
            serve(&mut link, e, s);
            return link;
        }
        let Some((model, version)) = parse_model_id(model_id) else {
            return link;
        };
        let found = self.all_served().find(|(_, s)| {
            s.version == version && model.as_deref().is_none_or(|m| same_model(m, &s.model))
        });
        if let Some((e, s)) = found {
            serve(&mut link, e, s);
            return link;
        }
        // Not served now: still a version of the model.
        let model = match model {
            Some(m) => Some(
                self.all_served()
                    .map(|(_, s)| s.model.clone())
                    .find(|full| same_model(&m, full))
                    .unwrap_or(m),
            ),
            None => self.the_model().map(str::to_string),
        };
        if model.is_some() {
            link.model = model;
            link.version = Some(version);
        }
        link
    }
}

/// The endpoints a table's links name, with the rule that named each (first rule wins).
async fn linked_endpoints(
    client: &Client,
    settings: &MonitoringSettings,
    table: &str,
    notes: &mut Vec<String>,
) -> Vec<(String, LinkSource)> {
    let mut out: Vec<(String, LinkSource)> = Vec::new();
    let mut add = |name: &str, source| {
        let name = name.trim();
        if !name.is_empty() && !out.iter().any(|(n, _)| n == name) {
            out.push((name.to_string(), source));
        }
    };
    let (endpoints, uc) = futures::join!(endpoint_tables(client), client.get_uc_table(table));
    match endpoints {
        Ok(found) => {
            for (endpoint, t) in found {
                if t.eq_ignore_ascii_case(table.trim()) {
                    add(&endpoint, LinkSource::InferenceTable);
                }
            }
        }
        Err(e) => notes.push(e),
    }
    if let Some(e) = settings.endpoint_of(table) {
        add(e, LinkSource::Config);
    }
    match uc {
        Ok(t) => {
            if let Some(v) = t.properties.get(ENDPOINT_PROPERTY) {
                v.split(',').for_each(|e| add(e, LinkSource::TableProperty));
            }
        }
        Err(e) => notes.push(format!("{table}'s properties could not be read: {e}")),
    }
    out
}

/// Links `table` to the endpoints serving its model versions (see the module docs).
pub async fn link_table(client: &Client, settings: &MonitoringSettings, table: &str) -> TableLinks {
    let mut notes = Vec::new();
    let names = linked_endpoints(client, settings, table, &mut notes).await;
    let reads: Vec<_> = futures::stream::iter(names)
        .map(|(name, source)| async move {
            let read = client.get_serving_endpoint(&name).await;
            (name, source, read)
        })
        .buffered(READ_CONCURRENCY)
        .collect()
        .await;
    let endpoints = reads
        .into_iter()
        .map(|(endpoint, source, read)| match read {
            Ok(ep) => EndpointLink {
                endpoint,
                source,
                served: served(&ep),
                error: None,
            },
            Err(e) => EndpointLink {
                endpoint,
                source,
                served: Vec::new(),
                error: Some(e.to_string()),
            },
        })
        .collect();
    TableLinks {
        table: table.trim().to_string(),
        endpoints,
        notes,
    }
}

/// A table linked to an endpoint, and by which rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkedTable {
    pub table: String,
    pub source: LinkSource,
}

/// The tables linked to `ep`: its inference table, the config's tables, then those of `known`
/// (the monitored tables the console found) whose `mlops.endpoint` property names it — at most
/// [`MAX_PROPERTY_READS`] property reads. Also the reads that failed.
pub async fn tables_of_endpoint(
    client: &Client,
    settings: &MonitoringSettings,
    ep: &ServingEndpoint,
    known: &[String],
) -> (Vec<LinkedTable>, Vec<String>) {
    let mut out: Vec<LinkedTable> = Vec::new();
    let add = |out: &mut Vec<LinkedTable>, table: &str, source| {
        if !out.iter().any(|t| t.table.eq_ignore_ascii_case(table)) {
            out.push(LinkedTable {
                table: table.to_string(),
                source,
            });
        }
    };
    if let Some(t) = inference_table(ep) {
        add(&mut out, &t, LinkSource::InferenceTable);
    }
    for t in settings.tables_of(&ep.name) {
        add(&mut out, &t, LinkSource::Config);
    }
    let mut unread: Vec<String> = Vec::new();
    for t in known {
        let t = t.trim();
        if !t.is_empty()
            && !out.iter().any(|x| x.table.eq_ignore_ascii_case(t))
            && !unread.iter().any(|x| x.eq_ignore_ascii_case(t))
        {
            unread.push(t.to_string());
        }
    }
    unread.truncate(MAX_PROPERTY_READS);
    let reads: Vec<_> = futures::stream::iter(unread)
        .map(|t| async move {
            let read = client.get_uc_table(&t).await;
            (t, read)
        })
        .buffered(READ_CONCURRENCY)
        .collect()
        .await;
    let mut notes = Vec::new();
    for (t, read) in reads {
        match read {
            Ok(info) => {
                let names = info.properties.get(ENDPOINT_PROPERTY);
                if names.is_some_and(|v| v.split(',').any(|e| e.trim() == ep.name)) {
                    add(&mut out, &t, LinkSource::TableProperty);
                }
            }
            Err(e) => notes.push(format!("{t}'s properties could not be read: {e}")),
        }
    }
    (out, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_id_forms() {
        assert_eq!(parse_model_id("4"), Some((None, "4".into())));
        assert_eq!(parse_model_id(" v12 "), Some((None, "12".into())));
        assert_eq!(
            parse_model_id("churn_model/4"),
            Some((Some("churn_model".into()), "4".into()))
        );
        assert_eq!(
            parse_model_id("models:/main.ml.churn_model/5"),
            Some((Some("main.ml.churn_model".into()), "5".into()))
        );
        assert_eq!(
            parse_model_id("main.ml.churn_model:v6"),
            Some((Some("main.ml.churn_model".into()), "6".into()))
        );
        for unknown in ["", "*", "latest", "churn_model/champion", "a/b/4", "/4"] {
            assert_eq!(parse_model_id(unknown), None, "{unknown}");
        }
    }

    fn links() -> TableLinks {
        let s = |entity: &str, version: &str, traffic| Served {
            entity: entity.into(),
            model: "main.ml.churn_model".into(),
            version: version.into(),
            traffic: Some(traffic),
        };
        TableLinks {
            table: "main.ml.t".into(),
            endpoints: vec![EndpointLink {
                endpoint: "churn-prod".into(),
                source: LinkSource::Config,
                served: vec![s("churn_model-4", "4", 90), s("churn_model-5", "5", 10)],
                error: None,
            }],
            notes: Vec::new(),
        }
    }

    #[test]
    fn versions_link_to_the_entity_that_serves_them() {
        let l = links();
        assert_eq!(l.version("4").label(), "churn_model v4 · churn-prod 90%");
        assert_eq!(
            l.version("churn_model/5").label(),
            "churn_model v5 · churn-prod 10%"
        );
        assert_eq!(
            l.version("churn_model-5").entity.as_deref(),
            Some("churn_model-5")
        );
        let v6 = l.version("6");
        assert_eq!(v6.label(), "churn_model v6 · not served");
        assert_eq!(v6.model.as_deref(), Some("main.ml.churn_model"));
        // Another model's version 4 is not churn_model's.
        let other = l.version("fraud_model/4");
        assert_eq!(other.model.as_deref(), Some("fraud_model"));
        assert_eq!(other.endpoint, None);
        assert_eq!(l.version("champion").label(), "not linked");
        // Without a linked endpoint a bare version names no model.
        let none = TableLinks::default();
        assert_eq!(none.version("4").model, None);
    }
}
