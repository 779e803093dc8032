//! `GET …/serving-endpoints/{name}/openapi`: the endpoint's query schema as OpenAPI 3.1, one
//! path per served entity plus the routed `/invocations`, each with the model's input schema
//! and an example request (the console's test query uses it when no payload file is given).

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Map, Value, json};

use crate::sim::errors::{ApiError, ApiResult};
use crate::sim::state::AppState;

/// Example customers / transactions, one row each, in `dataframe_split` form.
fn example(entity_name: &str) -> (Vec<(&'static str, &'static str)>, Value) {
    if entity_name.ends_with("churn_model") {
        let columns = vec![
            ("tenure_months", "integer"),
            ("monthly_charges", "number"),
            ("support_tickets", "integer"),
            ("contract_type", "string"),
            ("num_products", "integer"),
        ];
        (columns, json!([[14, 79.85, 2, "month-to-month", 2]]))
    } else if entity_name.ends_with("fraud_model") {
        let columns = vec![
            ("amount", "number"),
            ("merchant_risk", "number"),
            ("txn_count_24h", "integer"),
            ("is_foreign", "integer"),
        ];
        (columns, json!([[412.5, 0.62, 7, 1]]))
    } else {
        (vec![("x", "number")], json!([[1.0]]))
    }
}

fn operation(entity_name: &str) -> Value {
    let (columns, data) = example(entity_name);
    let names: Vec<&str> = columns.iter().map(|c| c.0).collect();
    let properties: Map<String, Value> = columns
        .iter()
        .map(|(n, t)| (n.to_string(), json!({ "type": t })))
        .collect();
    json!({
        "post": {
            "requestBody": {
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "dataframe_split": {
                                    "type": "object",
                                    "properties": {
                                        "columns": {"type": "array", "items": {"type": "string"}},
                                        "data": {"type": "array", "items": {"type": "array"}}
                                    }
                                },
                                "dataframe_records": {
                                    "type": "array",
                                    "items": {"type": "object", "properties": properties}
                                }
                            }
                        },
                        "example": {"dataframe_split": {"columns": names, "data": data}}
                    }
                }
            },
            "responses": {"200": {"description": "Successful operation"}}
        }
    })
}

pub(crate) async fn openapi(
    State(st): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<Json<Value>> {
    let world = st.world();
    let ep = world.endpoint(&name).ok_or_else(|| {
        ApiError::not_found(format!("Endpoint with name '{name}' does not exist."))
    })?;
    let config = ep.config.as_ref().or(ep.pending_config.as_ref());
    let entities = config.map(|c| c.served_entities.as_slice()).unwrap_or(&[]);
    let mut paths = Map::new();
    if let Some(first) = entities.first() {
        let model = first.entity_name.clone().unwrap_or_default();
        paths.insert("/invocations".into(), operation(&model));
    }
    for e in entities {
        let model = e.entity_name.clone().unwrap_or_default();
        paths.insert(
            format!("/served-models/{}/invocations", e.name),
            operation(&model),
        );
    }
    let version = config
        .and_then(|c| c.config_version)
        .map_or_else(|| "1".to_string(), |v| v.to_string());
    Ok(Json(json!({
        "openapi": "3.1.0",
        "info": {"title": ep.name, "version": version},
        "servers": [{"url": format!("/serving-endpoints/{}", ep.name)}],
        "paths": paths,
    })))
}
