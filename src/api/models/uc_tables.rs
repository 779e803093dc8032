//! Unity Catalog tables and schemas (reference §10.2, wave-2 reference (b)): `TableInfo` with
//! its columns and constraints, the list answers of `tables` and `schemas`, and the dependency
//! list a UC model version carries (`model_version_dependencies`). A feature table is a UC Delta
//! table with a primary-key constraint; `timeseries_columns` of that constraint mark a
//! time-series feature table. Shared by the client and the simulator.
//!
//! The narrow table read of the monitors (`monitors::legacy::UcTableInfo`) is the base of
//! [`TableInfo`] (flattened), so both read the same fields the same way.

use serde::{Deserialize, Serialize};

use super::monitors::legacy::UcTableInfo;
use crate::api::wire::{null_as_empty, opt_i64};

/// `TableInfo`: what `tables.get` answers (`tables.list` leaves out `table_constraints`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TableInfo {
    /// Name, catalog, schema, full name, id, type, format, comment, owner.
    #[serde(flatten)]
    pub base: UcTableInfo,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub columns: Vec<ColumnInfo>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub table_constraints: Vec<TableConstraint>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Last change of the table (epoch ms): of its data as well as its metadata.
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_location: Option<String>,
    /// Set on tables a pipeline writes (synced tables, materialized views).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metastore_id: Option<String>,
}

impl TableInfo {
    /// `catalog.schema.table`: the full name when given, else built from its parts.
    pub fn full_name(&self) -> String {
        if let Some(f) = self.base.full_name.as_ref().filter(|f| !f.is_empty()) {
            return f.clone();
        }
        [
            self.base.catalog_name.as_deref().unwrap_or(""),
            self.base.schema_name.as_deref().unwrap_or(""),
            self.base.name.as_str(),
        ]
        .join(".")
    }

    /// The primary-key constraint, when the table has one.
    pub fn primary_key(&self) -> Option<&PrimaryKeyConstraint> {
        self.table_constraints
            .iter()
            .find_map(|c| c.primary_key_constraint.as_ref())
    }

    /// Whether the table is a feature table: it has a primary key.
    pub fn is_feature_table(&self) -> bool {
        self.primary_key().is_some()
    }

    /// Primary-key columns that are not time-series keys.
    pub fn entity_keys(&self) -> Vec<String> {
        self.primary_key().map_or_else(Vec::new, |pk| {
            pk.child_columns
                .iter()
                .filter(|c| !pk.timeseries_columns.contains(c))
                .cloned()
                .collect()
        })
    }

    /// Time-series key columns (empty for a table that is not a time-series table).
    pub fn timeseries_keys(&self) -> Vec<String> {
        self.primary_key()
            .map_or_else(Vec::new, |pk| pk.timeseries_columns.clone())
    }
}

/// `ColumnInfo`. `type_name` is kept as sent (`ColumnTypeName` grows).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ColumnInfo {
    #[serde(default)]
    pub name: String,
    /// SQL text of the type (`bigint`, `array<string>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub position: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nullable: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub partition_index: Option<i64>,
}

/// `TableConstraint`: one of the three set (a kind this build does not know: none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TableConstraint {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key_constraint: Option<PrimaryKeyConstraint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foreign_key_constraint: Option<ForeignKeyConstraint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub named_table_constraint: Option<NamedTableConstraint>,
}

/// `PrimaryKeyConstraint`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PrimaryKeyConstraint {
    #[serde(default)]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub child_columns: Vec<String>,
    /// Columns of `child_columns` that are time-series keys.
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub timeseries_columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rely: Option<bool>,
}

/// `ForeignKeyConstraint`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ForeignKeyConstraint {
    #[serde(default)]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub child_columns: Vec<String>,
    #[serde(default)]
    pub parent_table: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub parent_columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rely: Option<bool>,
}

/// `NamedTableConstraint`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct NamedTableConstraint {
    #[serde(default)]
    pub name: String,
}

/// `ListTablesResponse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ListTablesResponse {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tables: Vec<TableInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// `SchemaInfo`, the fields the console reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SchemaInfo {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub catalog_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browse_only: Option<bool>,
}

impl SchemaInfo {
    /// `catalog.schema`.
    pub fn full_name(&self) -> String {
        self.full_name
            .clone()
            .filter(|f| !f.is_empty())
            .unwrap_or_else(|| format!("{}.{}", self.catalog_name, self.name))
    }
}

/// `ListSchemasResponse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ListSchemasResponse {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub schemas: Vec<SchemaInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// `DependencyList` (a UC model version's `model_version_dependencies`: set when the model was
/// logged with the feature-engineering client).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct DependencyList {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub dependencies: Vec<Dependency>,
}

impl DependencyList {
    /// The tables depended on, in order, without repeats.
    pub fn tables(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for d in &self.dependencies {
            if let Some(t) = &d.table
                && !t.table_full_name.is_empty()
                && !out.contains(&t.table_full_name)
            {
                out.push(t.table_full_name.clone());
            }
        }
        out
    }

    /// The functions (feature specs, on-demand features) depended on.
    pub fn functions(&self) -> Vec<String> {
        self.dependencies
            .iter()
            .filter_map(|d| d.function.as_ref())
            .map(|f| f.function_full_name.clone())
            .filter(|f| !f.is_empty())
            .collect()
    }
}

/// `Dependency`: a table or a function (other kinds this build does not read are left out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Dependency {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<TableDependency>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<FunctionDependency>,
}

impl Dependency {
    pub fn on_table(full_name: &str) -> Dependency {
        Dependency {
            table: Some(TableDependency {
                table_full_name: full_name.to_string(),
            }),
            function: None,
        }
    }
}

/// `TableDependency`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TableDependency {
    #[serde(default)]
    pub table_full_name: String,
}

/// `FunctionDependency`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FunctionDependency {
    #[serde(default)]
    pub function_full_name: String,
}
