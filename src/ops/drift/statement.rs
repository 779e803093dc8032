//! The drift statement: fixed text, the statistics the table has selected as columns (struct
//! fields such as `ks_test.pvalue` as scalars), every user value bound as a `:name` parameter.

use crate::api::sql_fixed::{FixedStatement, Ident, TableName};
use crate::ops::metric_tables::{TableColumn, has};
use crate::ops::sql::SqlQuery;

use super::{DriftRequest, DriftType, ModelFilter, SliceFilter};

/// The optional selections: (table column that must exist, select text).
const OPTIONAL: &[(&str, &str)] = &[
    ("data_type", ", data_type"),
    (
        "population_stability_index",
        ", population_stability_index AS psi",
    ),
    ("js_distance", ", js_distance AS js"),
    (
        "wasserstein_distance",
        ", wasserstein_distance AS wasserstein",
    ),
    (
        "ks_test",
        ", ks_test.statistic AS ks_statistic, ks_test.pvalue AS ks_pvalue",
    ),
    (
        "chi_squared_test",
        ", chi_squared_test.statistic AS chi2_statistic, chi_squared_test.pvalue AS chi2_pvalue",
    ),
    ("tv_distance", ", tv_distance AS tv"),
    ("l_infinity_distance", ", l_infinity_distance AS l_inf"),
    ("count_delta", ", count_delta"),
];

/// The heatmap statement and its parameters.
pub(crate) fn drift_query(
    table: &TableName,
    columns: &[TableColumn],
    model_column: Option<&Ident>,
    req: &DriftRequest,
) -> (FixedStatement, SqlQuery) {
    let mut s = FixedStatement::new(
        "SELECT window.start AS window_start, window.end AS window_end, column_name",
    );
    for (column, text) in OPTIONAL {
        if has(columns, column) {
            s = s.text(text);
        }
    }
    s = s
        .text(" FROM ")
        .table(table)
        .text(" WHERE drift_type = :drift_type AND column_name != ':table'");
    let mut q = SqlQuery::new("").bind(
        "drift_type",
        match req.drift_type {
            DriftType::Consecutive => "CONSECUTIVE",
            DriftType::Baseline => "BASELINE",
        },
        "STRING",
    );
    (s, q) = slice_and_model(s, q, model_column, req);
    s = s.text(" ORDER BY window_start, column_name");
    (s, q)
}

/// The slice and model conditions, shared by the heatmap and the counts.
pub(crate) fn slice_and_model(
    mut s: FixedStatement,
    mut q: SqlQuery,
    model_column: Option<&Ident>,
    req: &DriftRequest,
) -> (FixedStatement, SqlQuery) {
    match &req.slice {
        SliceFilter::Total => s = s.text(" AND slice_key IS NULL"),
        SliceFilter::Slice { key, value } => {
            s = s.text(" AND slice_key = :slice_key AND slice_value = :slice_value");
            q = q.bind("slice_key", key.clone(), "STRING").bind(
                "slice_value",
                value.clone(),
                "STRING",
            );
        }
    }
    if let Some(m) = model_column {
        s = s.text(" AND ").ident(m).text(" = :model_id");
        let id = match &req.model {
            ModelFilter::All => "*".to_string(),
            ModelFilter::Version(v) => v.clone(),
        };
        q = q.bind("model_id", id, "STRING");
    }
    (s, q)
}

/// Which drift types the table holds at all (to tell "no drift yet" from "nothing for this
/// slice or model").
pub(crate) fn types_query(table: &TableName) -> FixedStatement {
    FixedStatement::new("SELECT drift_type, COUNT(*) AS n FROM ")
        .table(table)
        .text(" WHERE column_name != ':table' GROUP BY drift_type")
}

/// The profile counts of the same rows (log_type INPUT), when the profile table is there.
pub(crate) fn counts_query(
    profile: &TableName,
    profile_columns: &[TableColumn],
    model_column: Option<&Ident>,
    req: &DriftRequest,
) -> (FixedStatement, SqlQuery) {
    let mut s = FixedStatement::new(
        "SELECT window.start AS window_start, window.end AS window_end, column_name, count FROM ",
    )
    .table(profile)
    .text(" WHERE column_name != ':table'");
    if has(profile_columns, "log_type") {
        s = s.text(" AND log_type = 'INPUT'");
    }
    slice_and_model(s, SqlQuery::new(""), model_column, req)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::metric_tables::DRIFT_BASE;

    #[test]
    fn user_values_are_parameters_never_text() {
        let table = TableName::parse("main.ml.churn_inference_drift_metrics").unwrap();
        let columns: Vec<TableColumn> = DRIFT_BASE
            .iter()
            .map(|n| TableColumn {
                name: n.to_string(),
                data_type: "double".into(),
            })
            .collect();
        let evil = "x' OR '1'='1; DROP TABLE t --";
        let req = DriftRequest {
            drift_type: DriftType::Baseline,
            model: ModelFilter::Version(evil.into()),
            slice: SliceFilter::Slice {
                key: evil.into(),
                value: evil.into(),
            },
            ..DriftRequest::new(table.clone())
        };
        let model = Ident::new("model_id").unwrap();
        let (s, q) = drift_query(&table, &columns, Some(&model), &req);
        assert!(!s.as_str().contains(evil), "{}", s.as_str());
        assert!(!s.as_str().contains("BASELINE"));
        assert!(s.as_str().contains("ks_test.pvalue AS ks_pvalue"));
        assert!(s.as_str().contains("`model_id` = :model_id"));
        let bound: Vec<(&str, Option<&str>)> = q
            .parameters
            .iter()
            .map(|p| (p.name.as_str(), p.value.as_deref()))
            .collect();
        assert!(bound.contains(&("model_id", Some(evil))));
        assert!(bound.contains(&("slice_value", Some(evil))));
        assert!(bound.contains(&("drift_type", Some("BASELINE"))));
    }

    #[test]
    fn missing_statistics_are_not_selected() {
        let table = TableName::parse("a.b.c").unwrap();
        let columns: Vec<TableColumn> = DRIFT_BASE
            .iter()
            .filter(|n| **n != "population_stability_index")
            .map(|n| TableColumn {
                name: n.to_string(),
                data_type: "double".into(),
            })
            .collect();
        let (s, q) = drift_query(&table, &columns, None, &DriftRequest::new(table.clone()));
        assert!(!s.as_str().contains("population_stability_index"));
        assert!(s.as_str().contains("slice_key IS NULL"));
        assert!(!s.as_str().contains("model_id"));
        assert_eq!(q.parameters.len(), 1);
    }
}
