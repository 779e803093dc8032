//! What the simulated metastore knows of each table: its three-part name, its columns with their
//! Spark SQL types (`bigint`, `struct<start:timestamp,end:timestamp>`, …) and comments. The SQL
//! engine stores each table in SQLite under its full name (`main.ml.t` is one table name
//! there), structs and arrays as JSON text; this module says how each Spark type is stored,
//! described (`DESCRIBE TABLE`, `information_schema`) and reported in a result's schema.

/// A column of a simulated table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ColumnDef {
    pub name: String,
    /// The Spark SQL type as `DESCRIBE TABLE` prints it (lower case).
    pub spark: String,
    pub comment: Option<String>,
}

impl ColumnDef {
    pub fn new(name: &str, spark: &str) -> Self {
        ColumnDef {
            name: name.to_string(),
            spark: spark.to_string(),
            comment: None,
        }
    }

    pub fn with_comment(mut self, comment: &str) -> Self {
        self.comment = Some(comment.to_string());
        self
    }

    /// The top-level fields of a `struct<…>` column (name, Spark type), or `None`.
    pub fn struct_fields(&self) -> Option<Vec<(String, String)>> {
        let inner = self.spark.strip_prefix("struct<")?.strip_suffix('>')?;
        Some(
            split_top(inner)
                .into_iter()
                .filter_map(|f| {
                    let (n, t) = f.split_once(':')?;
                    Some((n.trim().to_string(), t.trim().to_string()))
                })
                .collect(),
        )
    }
}

/// Splits `a:int,b:struct<c:int,d:int>` at its top-level commas.
fn split_top(s: &str) -> Vec<&str> {
    let (mut depth, mut start, mut out) = (0i32, 0, Vec::new());
    for (i, ch) in s.char_indices() {
        match ch {
            '<' | '(' => depth += 1,
            '>' | ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// The type SQLite declares for a Spark type: its affinity, and (read back as the declared
/// type of a result column) the type the result reports.
pub(crate) fn sqlite_decl(spark: &str) -> &'static str {
    match outer(spark).as_str() {
        "bigint" | "long" => "BIGINT",
        "int" | "integer" => "INT",
        "smallint" | "short" => "SMALLINT",
        "tinyint" | "byte" => "TINYINT",
        "double" => "DOUBLE",
        "float" | "real" => "FLOAT",
        "decimal" => "DECIMAL",
        "boolean" => "BOOLEAN",
        "timestamp" | "timestamp_ntz" => "TIMESTAMP",
        "date" => "DATE",
        "struct" => "STRUCT",
        "array" => "ARRAY",
        "map" => "MAP",
        _ => "TEXT",
    }
}

/// `ColumnInfoTypeName` for a SQLite declared type written by [`sqlite_decl`].
pub(crate) fn type_name_of_decl(decl: &str) -> &'static str {
    match decl.to_ascii_uppercase().as_str() {
        "BIGINT" => "LONG",
        "INT" => "INT",
        "SMALLINT" => "SHORT",
        "TINYINT" => "BYTE",
        "DOUBLE" => "DOUBLE",
        "FLOAT" => "FLOAT",
        "DECIMAL" => "DECIMAL",
        "BOOLEAN" => "BOOLEAN",
        "TIMESTAMP" => "TIMESTAMP",
        "DATE" => "DATE",
        "STRUCT" => "STRUCT",
        "ARRAY" => "ARRAY",
        "MAP" => "MAP",
        _ => "STRING",
    }
}

/// `ColumnInfoTypeName` of a Spark type.
pub(crate) fn type_name(spark: &str) -> &'static str {
    type_name_of_decl(sqlite_decl(spark))
}

/// A result schema's `type_text`: the Spark type in upper case, `STRUCT<start: TIMESTAMP, …>`.
pub(crate) fn type_text(spark: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let mut in_struct_field = false;
    let flush = |word: &mut String, out: &mut String, field: bool| {
        if field {
            out.push_str(word);
        } else {
            out.push_str(&word.to_ascii_uppercase());
        }
        word.clear();
    };
    let mut depth_struct = Vec::new();
    for ch in spark.chars() {
        match ch {
            '<' => {
                let is_struct = word.eq_ignore_ascii_case("struct");
                flush(&mut word, &mut out, false);
                out.push('<');
                depth_struct.push(is_struct);
                in_struct_field = is_struct;
            }
            ':' => {
                flush(&mut word, &mut out, true);
                out.push_str(": ");
                in_struct_field = false;
            }
            ',' => {
                flush(&mut word, &mut out, false);
                out.push_str(", ");
                in_struct_field = depth_struct.last().copied().unwrap_or(false);
            }
            '>' => {
                flush(&mut word, &mut out, false);
                out.push('>');
                depth_struct.pop();
                in_struct_field = false;
            }
            c => word.push(c),
        }
    }
    flush(&mut word, &mut out, in_struct_field);
    out
}

/// The outer type keyword: `struct` for `struct<…>`, `decimal` for `decimal(10,2)`.
fn outer(spark: &str) -> String {
    spark
        .split(['<', '('])
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// A simulated table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TableDef {
    pub catalog: String,
    pub schema: String,
    pub name: String,
    pub columns: Vec<ColumnDef>,
    pub comment: Option<String>,
    /// `MANAGED`, `VIEW`, …, as `information_schema.tables.table_type` says.
    pub table_type: &'static str,
}

impl TableDef {
    pub fn new(full_name: &str, columns: Vec<ColumnDef>) -> Self {
        let mut parts = full_name.splitn(3, '.');
        TableDef {
            catalog: parts.next().unwrap_or_default().to_string(),
            schema: parts.next().unwrap_or_default().to_string(),
            name: parts.next().unwrap_or_default().to_string(),
            columns,
            comment: None,
            table_type: "MANAGED",
        }
    }

    /// `catalog.schema.name`, also the table's name in SQLite.
    pub fn full_name(&self) -> String {
        format!("{}.{}.{}", self.catalog, self.schema, self.name)
    }

    pub fn column(&self, name: &str) -> Option<&ColumnDef> {
        self.columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// `CREATE TABLE` for SQLite.
    pub fn create_sql(&self) -> String {
        let cols: Vec<String> = self
            .columns
            .iter()
            .map(|c| format!("{} {}", quote(&c.name), sqlite_decl(&c.spark)))
            .collect();
        format!(
            "CREATE TABLE {} ({})",
            quote(&self.full_name()),
            cols.join(", ")
        )
    }
}

/// A SQLite identifier in double quotes.
pub(crate) fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Every table the engine serves.
#[derive(Debug, Clone, Default)]
pub(crate) struct Catalog {
    pub tables: Vec<TableDef>,
}

impl Catalog {
    /// The table a one-, two- or three-part name means, with `catalog` and `schema` as the
    /// defaults for the parts left out. Names are case-insensitive.
    pub fn resolve(&self, parts: &[String], catalog: &str, schema: &str) -> Option<&TableDef> {
        let (c, s, n) = match parts {
            [n] => (catalog, schema, n.as_str()),
            [s, n] => (catalog, s.as_str(), n.as_str()),
            [c, s, n] => (c.as_str(), s.as_str(), n.as_str()),
            _ => return None,
        };
        self.tables.iter().find(|t| {
            t.catalog.eq_ignore_ascii_case(c)
                && t.schema.eq_ignore_ascii_case(s)
                && t.name.eq_ignore_ascii_case(n)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spark_types_map_to_storage_and_result_types() {
        let w = ColumnDef::new("window", "struct<start:timestamp,end:timestamp>");
        assert_eq!(
            w.struct_fields().unwrap(),
            vec![
                ("start".to_string(), "timestamp".to_string()),
                ("end".to_string(), "timestamp".to_string())
            ]
        );
        assert_eq!(type_name(&w.spark), "STRUCT");
        assert_eq!(
            type_text(&w.spark),
            "STRUCT<start: TIMESTAMP, end: TIMESTAMP>"
        );
        assert_eq!(type_text("array<double>"), "ARRAY<DOUBLE>");
        assert_eq!(type_name("bigint"), "LONG");
        assert_eq!(type_name("string"), "STRING");
        assert_eq!(sqlite_decl("decimal(10,2)"), "DECIMAL");
        assert!(ColumnDef::new("x", "double").struct_fields().is_none());
    }

    #[test]
    fn names_resolve_with_defaults_and_any_case() {
        let cat = Catalog {
            tables: vec![TableDef::new("main.ml.t", vec![])],
        };
        let p = |s: &str| s.split('.').map(String::from).collect::<Vec<_>>();
        assert!(cat.resolve(&p("main.ml.t"), "x", "y").is_some());
        assert!(cat.resolve(&p("ML.T"), "main", "y").is_some());
        assert!(cat.resolve(&p("t"), "main", "ml").is_some());
        assert!(cat.resolve(&p("t"), "main", "default").is_none());
        assert!(cat.resolve(&p("a.b.c.d"), "main", "ml").is_none());
    }
}
