//! The runtime side of the A/B quality row (see `quality`): the inference table's monitor, the
//! monitoring warehouse (the profile's or config's `warehouse_id`, else the first running one;
//! none is started), then the profile metrics table through `ops::quality`.

use crate::api::sql_fixed::TableName;
use crate::ops::monitors::read_detail;
use crate::ops::quality::{QualityRequest, load_quality};
use crate::ops::sql::{Waiter, choose_warehouse};

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

async fn read(env: &Env, f: &Fetch) -> Result<AbQuality, LoadError> {
    let Some(table) = &f.table else {
        return Ok(AbQuality::Unavailable(format!(
            "no inference table on {}",
            f.endpoint
        )));
    };
    let detail = read_detail(&env.client, table, None)
        .await
        .map_err(|e| failed(format!("{table}'s monitor: {e}")))?;
    let (profile, model_col) = match source(table, detail.as_ref().map(|d| &d.monitor)) {
        Ok(found) => found,
        Err(why) => return Ok(AbQuality::Unavailable(why)),
    };
    let warehouse =
        match choose_warehouse(&env.client, env.monitoring.warehouse_id.as_deref()).await {
            Ok(w) => w,
            Err(e) => return Ok(AbQuality::Unavailable(format!("no warehouse: {e}"))),
        };
    let mut req = QualityRequest::new(TableName::parse(&profile).map_err(failed)?);
    req.model_id_col = model_col;
    let report = load_quality(&env.client, &warehouse, &req, &mut Waiter::real())
        .await
        .map_err(failed)?;
    Ok(row(&report, &f.a_version, &f.b_version))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Client, ClientOptions, Credentials, Secret};
    use crate::sim::{self, SimOptions};

    fn fetch(table: &str) -> Fetch {
        Fetch {
            endpoint: "churn-prod".into(),
            table: Some(table.into()),
            a_version: "4".into(),
            b_version: "5".into(),
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

        // The monitored, labeled table: each version's latest accuracy.
        let labeled = run(&env, fetch("main.ml.churn_inference")).await;
        match labeled.result {
            Ok(AbQuality::Values { metric, a, b, .. }) => {
                assert_eq!(metric, "accuracy_score");
                let (a, b) = (a.expect("v4 has labels"), b.expect("v5 has labels"));
                assert!(
                    (0.0..=1.0).contains(&a) && (0.0..=1.0).contains(&b),
                    "{a} {b}"
                );
            }
            other => panic!("{other:?}"),
        }

        // churn-prod's own payload table is watched by a time-series monitor: the row says
        // why it has no model quality instead of showing nothing.
        let payload = run(&env, fetch("main.ml.churn_prod_payload")).await;
        match payload.result {
            Ok(AbQuality::Unavailable(why)) => assert_eq!(
                why,
                "main.ml.churn_prod_payload's monitor is a time series monitor: no model quality"
            ),
            other => panic!("{other:?}"),
        }

        // A table nobody monitors.
        let bare = run(&env, fetch("main.features.customer_features")).await;
        assert!(
            matches!(&bare.result, Ok(AbQuality::Unavailable(w)) if w.starts_with("no monitor"))
                || bare.result.is_err(),
            "{:?}",
            bare.result
        );
    }
}
