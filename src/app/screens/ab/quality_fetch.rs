//! The runtime side of the A/B quality row (see `quality`): the endpoint, its linked tables
//! (`ops::monitors::link`; the known monitored tables are those remembered for this workspace
//! and named in `[monitoring] tables`, else the candidates discovery finds), each one's monitor
//! in turn, the monitoring warehouse (the profile's or config's `warehouse_id`, else the first
//! running one; none is started), then the profile metrics table through `ops::quality`.

use crate::api::models::sql::Warehouse;
use crate::api::sql_fixed::TableName;
use crate::ops::monitors::link::tables_of_endpoint;
use crate::ops::monitors::{MonitorMemory, discover, read_detail};
use crate::ops::quality::{QualityRequest, load_quality};
use crate::ops::sql::{Waiter, choose_warehouse};
use crate::ops::workspace::Workspace;

use super::super::super::fetch::Env;
use super::super::super::remote::LoadError;
use super::quality::{AbQuality, Fetch, Loaded, row, source};

/// Reads the row.
pub(crate) async fn run(env: &Env, fetch: Fetch) -> Loaded {
    let result = read(env, &fetch).await;
    Loaded { fetch, result }
}

fn failed(e: impl std::fmt::Display) -> LoadError {
    LoadError::Failed(e.to_string())
}

/// The monitored tables the console knows of: remembered ones and the config's, else the
/// candidates of discovery (endpoints' inference tables, metric tables' owners).
async fn known_tables(env: &Env) -> Vec<String> {
    let ws = Workspace::new(env.client.host(), env.client.known_workspace_id());
    let memory = MonitorMemory::for_workspace(&env.data_dir, &ws);
    let mut known = memory.load().map(|r| r.tables).unwrap_or_default();
    known.extend(env.monitoring.settings.tables.iter().cloned());
    if known.is_empty() {
        let mut settings = env.monitoring.settings.clone();
        settings.warehouse_id = env.monitoring.warehouse_id.clone();
        let (candidates, _) = discover::candidates(&env.client, &settings, &[]).await;
        known = candidates.into_iter().map(|c| c.table).collect();
    }
    known
}

async fn read(env: &Env, f: &Fetch) -> Result<AbQuality, LoadError> {
    let ep = env
        .client
        .get_serving_endpoint(&f.endpoint)
        .await
        .map_err(|e| failed(format!("{}: {e}", f.endpoint)))?;
    let known = known_tables(env).await;
    let (tables, _) = tables_of_endpoint(&env.client, &env.monitoring.settings, &ep, &known).await;
    if tables.is_empty() {
        return Ok(AbQuality::Unavailable(format!(
            "no table linked to {}: no inference table; set [monitoring] endpoints or the table \
             property mlops.endpoint",
            f.endpoint
        )));
    }
    let mut why: Vec<String> = Vec::new();
    let mut warehouse: Option<Warehouse> = None;
    for t in &tables {
        let table = &t.table;
        let detail = match read_detail(&env.client, table, None).await {
            Ok(d) => d,
            Err(e) => {
                why.push(format!("{table}'s monitor: {e}"));
                continue;
            }
        };
        let (profile, model_col) = match source(table, detail.as_ref().map(|d| &d.monitor)) {
            Ok(found) => found,
            Err(w) => {
                why.push(w);
                continue;
            }
        };
        if warehouse.is_none() {
            match choose_warehouse(&env.client, env.monitoring.warehouse_id.as_deref()).await {
                Ok(w) => warehouse = Some(w),
                Err(e) => return Ok(AbQuality::Unavailable(format!("no warehouse: {e}"))),
            }
        }
        let Some(wh) = warehouse.as_ref() else {
            continue;
        };
        let mut req = QualityRequest::new(TableName::parse(&profile).map_err(failed)?);
        req.model_id_col = model_col;
        let report = match load_quality(&env.client, wh, &req, &mut Waiter::real()).await {
            Ok(r) => r,
            Err(e) => {
                why.push(format!("{profile}: {e}"));
                continue;
            }
        };
        match row(&report, table, &f.a, &f.b) {
            Some(r) => return Ok(r),
            None => why.push(format!(
                "{profile} has no rows for versions {} and {}",
                f.a.version, f.b.version
            )),
        }
    }
    Ok(AbQuality::Unavailable(why.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Client, ClientOptions, Credentials, Secret};
    use crate::app::screens::ab::quality::Side;
    use crate::sim::{self, SimOptions};

    fn side(version: &str) -> Side {
        Side {
            entity: format!("churn_model-{version}"),
            model: "main.ml.churn_model".into(),
            version: version.into(),
        }
    }

    fn fetch(endpoint: &str) -> Fetch {
        Fetch {
            endpoint: endpoint.into(),
            a: Box::new(side("4")),
            b: Box::new(side("5")),
        }
    }

    #[tokio::test]
    async fn the_row_against_the_demo_workspace() {
        let sim = sim::start(SimOptions {
            sql_latency: std::time::Duration::from_millis(10),
            ..SimOptions::default()
        })
        .await
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let env = Env {
            client: Client::new(ClientOptions::new(
                sim.base_url.clone(),
                Credentials::Pat(Secret::new(sim.token.clone())),
            ))
            .unwrap(),
            data_dir: dir.path().to_path_buf(),
            approvals: Default::default(),
            profile: "demo".into(),
            production: false,
            monitoring: Default::default(),
            alerts: Default::default(),
        };

        // churn-prod's own payload table has a time-series monitor; the processed table that
        // names it in its property mlops.endpoint has the labels: each version's latest value.
        let labeled = run(&env, fetch("churn-prod")).await;
        match labeled.result {
            Ok(AbQuality::Values {
                metric,
                monitored,
                table,
                a,
                b,
            }) => {
                assert_eq!(metric, "accuracy_score");
                assert_eq!(monitored, "main.ml.churn_inference");
                assert_eq!(table, "main.ml.churn_inference_profile_metrics");
                let (a, b) = (a.expect("v4 has labels"), b.expect("v5 has labels"));
                assert!(
                    (0.0..=1.0).contains(&a.value) && (0.0..=1.0).contains(&b.value),
                    "{a:?} {b:?}"
                );
                assert!(!a.window.is_empty() && !b.window.is_empty());
            }
            other => panic!("{other:?}"),
        }

        // fraud-scoring logs to a table nobody monitors, and nothing else names it.
        let mut f = fetch("fraud-scoring");
        f.a = Box::new(Side {
            entity: "fraud_model-1".into(),
            model: "fraud_model".into(),
            version: "1".into(),
        });
        let bare = run(&env, f).await;
        match &bare.result {
            Ok(AbQuality::Unavailable(w)) => {
                assert!(w.contains("main.fraud.fraud_scoring_payload"), "{w}")
            }
            other => panic!("{other:?}"),
        }

        // recsys-staging has no inference table and no table names it.
        let none = run(&env, fetch("recsys-staging")).await;
        match &none.result {
            Ok(AbQuality::Unavailable(w)) => {
                assert!(w.starts_with("no table linked to recsys-staging"), "{w}")
            }
            other => panic!("{other:?}"),
        }
    }
}
