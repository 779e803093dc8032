//! Unity Catalog tables and schemas of the simulated feature store: the full table read (with
//! columns, the primary key and `updated_at` from the Delta history), and the paged table and
//! schema listings (which also show the monitors' tables and the schemas of the UC models).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;

use crate::api::models::monitors::legacy::UcTableInfo;
use crate::api::models::uc_tables::*;
use crate::sim::errors::{ApiError, ApiResult};
use crate::sim::paging;
use crate::sim::params::Params;
use crate::sim::state::AppState;

use super::delta;
use super::store::{SimFeatureTable, id_of};

const METASTORE: &str = "19a85dee-54bc-43a2-87ab-023d0ec16013";

fn info(t: &SimFeatureTable, history: &[delta::DeltaVersion], full: bool) -> TableInfo {
    let (catalog, schema, name) = t.parts();
    let last = history.last();
    let pk = PrimaryKeyConstraint {
        name: format!("{name}_pk"),
        child_columns: t.primary_key.iter().map(|c| c.to_string()).collect(),
        timeseries_columns: t.timeseries.iter().map(|c| c.to_string()).collect(),
        rely: None,
    };
    TableInfo {
        base: UcTableInfo {
            name: name.to_string(),
            catalog_name: Some(catalog.to_string()),
            schema_name: Some(schema.to_string()),
            full_name: Some(t.full_name.clone()),
            table_id: Some(id_of("table:", &t.full_name)),
            table_type: Some("MANAGED".into()),
            data_source_format: Some("DELTA".into()),
            comment: Some(t.comment.to_string()),
            owner: Some(t.owner.to_string()),
            properties: BTreeMap::from([(
                "delta.enableChangeDataFeed".to_string(),
                t.change_data_feed.to_string(),
            )]),
        },
        columns: t
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| ColumnInfo {
                name: c.name.to_string(),
                type_text: Some(c.type_text.to_string()),
                type_name: Some(c.type_text.to_ascii_uppercase()),
                position: Some(i as i64),
                nullable: Some(!t.primary_key.contains(&c.name)),
                comment: Some(c.comment.to_string()).filter(|c| !c.is_empty()),
                partition_index: None,
            })
            .collect(),
        // `tables.list` leaves the constraints out.
        table_constraints: if full {
            vec![TableConstraint {
                primary_key_constraint: Some(pk),
                ..TableConstraint::default()
            }]
        } else {
            Vec::new()
        },
        created_at: Some(t.created_at),
        created_by: Some(t.owner.to_string()),
        updated_at: last.map(|v| v.timestamp),
        updated_by: last.map(|v| v.user.clone()),
        storage_location: Some(format!(
            "s3://acme-uc-prod/metastore/{METASTORE}/tables/{}",
            id_of("table:", &t.full_name)
        )),
        pipeline_id: None,
        metastore_id: Some(METASTORE.to_string()),
    }
}

/// The full UC table of a feature table, as of the clock (`None`: not a table of the feature
/// store). The monitors' table route asks this for names it does not know.
pub(crate) fn table_info(st: &AppState, full_name: &str) -> Option<TableInfo> {
    let now = super::now(st);
    let store = st.features.store();
    let t = store.table(full_name)?;
    Some(info(t, &delta::history(t, &now.writes, now.ms), true))
}

fn page_size(p: &Params) -> ApiResult<usize> {
    match p.i64("max_results")? {
        None | Some(0) => Ok(50),
        Some(n) if n < 0 => Err(ApiError::invalid(format!(
            "Invalid value {n} for parameter 'max_results': it must be zero or positive."
        ))),
        Some(n) => Ok((n as usize).min(50)),
    }
}

/// `GET /api/2.1/unity-catalog/tables?catalog_name&schema_name`.
pub(crate) async fn list_tables(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<ListTablesResponse>> {
    let catalog = p.required_str("catalog_name")?;
    let schema = p.required_str("schema_name")?;
    let size = page_size(&p)?;
    let offset = paging::offset(p.str("page_token")?.as_deref())?;
    let prefix = format!("{catalog}.{schema}.").to_ascii_lowercase();
    let mut tables: Vec<TableInfo> = {
        let now = super::now(&st);
        let store = st.features.store();
        store
            .tables
            .iter()
            .filter(|t| t.full_name.to_ascii_lowercase().starts_with(&prefix))
            .map(|t| info(t, &delta::history(t, &now.writes, now.ms), false))
            .collect()
    };
    for t in st.monitors.store().tables.iter() {
        let Some(name) = t
            .full_name
            .to_ascii_lowercase()
            .strip_prefix(&prefix)
            .map(str::to_string)
        else {
            continue;
        };
        tables.push(TableInfo {
            base: UcTableInfo {
                name,
                catalog_name: Some(catalog.clone()),
                schema_name: Some(schema.clone()),
                full_name: Some(t.full_name.clone()),
                table_id: Some(t.table_id.clone()),
                table_type: Some("MANAGED".into()),
                data_source_format: Some("DELTA".into()),
                comment: t.comment.map(str::to_string),
                owner: Some("ml-eng@acme.com".into()),
                ..UcTableInfo::default()
            },
            ..TableInfo::default()
        });
    }
    if tables.is_empty()
        && !schemas(&st)
            .iter()
            .any(|s| s.full_name() == prefix.trim_end_matches('.'))
    {
        return Err(ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "SCHEMA_DOES_NOT_EXIST",
            format!("Schema '{catalog}.{schema}' does not exist."),
        ));
    }
    tables.sort_by(|a, b| a.base.name.cmp(&b.base.name));
    let (tables, next_page_token) = paging::page(&tables, offset, size);
    Ok(Json(ListTablesResponse {
        tables,
        next_page_token,
    }))
}

/// Every schema the simulator knows: of UC models, feature tables and monitored tables.
fn schemas(st: &AppState) -> Vec<SchemaInfo> {
    let mut names: Vec<(String, String)> = st.world().uc_schemas.clone();
    let from_tables: Vec<String> = st
        .features
        .store()
        .tables
        .iter()
        .map(|t| t.schema_full_name())
        .chain(st.monitors.store().tables.iter().map(|t| {
            t.full_name
                .rsplit_once('.')
                .map_or(String::new(), |(s, _)| s.to_string())
        }))
        .collect();
    for full in from_tables {
        if let Some((c, s)) = full.split_once('.')
            && !names.iter().any(|(nc, ns)| nc == c && ns == s)
        {
            names.push((c.to_string(), s.to_string()));
        }
    }
    names.sort();
    names
        .into_iter()
        .map(|(c, s)| SchemaInfo {
            full_name: Some(format!("{c}.{s}")),
            schema_id: Some(id_of("schema:", &format!("{c}.{s}"))),
            owner: Some("ml-eng@acme.com".into()),
            name: s,
            catalog_name: c,
            ..SchemaInfo::default()
        })
        .collect()
}

/// `GET /api/2.1/unity-catalog/schemas?catalog_name`.
pub(crate) async fn list_schemas(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<ListSchemasResponse>> {
    let catalog = p.required_str("catalog_name")?;
    let size = page_size(&p)?;
    let offset = paging::offset(p.str("page_token")?.as_deref())?;
    let all: Vec<SchemaInfo> = schemas(&st)
        .into_iter()
        .filter(|s| s.catalog_name.eq_ignore_ascii_case(&catalog))
        .collect();
    if all.is_empty() {
        return Err(ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "CATALOG_DOES_NOT_EXIST",
            format!("Catalog '{catalog}' does not exist."),
        ));
    }
    let (schemas, next_page_token) = paging::page(&all, offset, size);
    Ok(Json(ListSchemasResponse {
        schemas,
        next_page_token,
    }))
}

/// `GET /api/2.1/unity-catalog/catalogs`: the catalogs of every schema the simulator knows.
pub(crate) async fn list_catalogs(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<crate::api::uc_catalogs::ListCatalogsResponse>> {
    use crate::api::uc_catalogs::CatalogInfo;
    let size = page_size(&p)?;
    let offset = paging::offset(p.str("page_token")?.as_deref())?;
    let mut names: Vec<String> = schemas(&st).into_iter().map(|s| s.catalog_name).collect();
    names.dedup();
    let all: Vec<CatalogInfo> = names
        .into_iter()
        .map(|name| CatalogInfo {
            name,
            owner: Some("ml-eng@acme.com".into()),
            comment: None,
        })
        .collect();
    let (catalogs, next_page_token) = paging::page(&all, offset, size);
    Ok(Json(crate::api::uc_catalogs::ListCatalogsResponse {
        catalogs,
        next_page_token,
    }))
}
