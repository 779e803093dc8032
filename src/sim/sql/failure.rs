//! A statement's failure in the shape a Databricks warehouse gives it: `status.error`
//! (`error_code` from `ServiceErrorCode`, a message that starts with the error class and ends
//! with the SQLSTATE) and `status.sql_state`.

use crate::api::models::sql::ServiceError;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failure {
    pub error_code: &'static str,
    pub message: String,
    pub sql_state: &'static str,
}

impl Failure {
    fn new(error_code: &'static str, class: &str, text: &str, sql_state: &'static str) -> Self {
        Failure {
            error_code,
            message: format!("[{class}] {text} SQLSTATE: {sql_state}"),
            sql_state,
        }
    }

    pub fn syntax(detail: &str) -> Self {
        Self::new(
            "BAD_REQUEST",
            "PARSE_SYNTAX_ERROR",
            &format!("Syntax error: {}.", detail.trim_end_matches('.')),
            "42601",
        )
    }

    pub fn table_not_found(name: &str) -> Self {
        Self::new(
            "BAD_REQUEST",
            "TABLE_OR_VIEW_NOT_FOUND",
            &format!(
                "The table or view `{name}` cannot be found. Verify the spelling and correctness \
                 of the schema and catalog."
            ),
            "42P01",
        )
    }

    pub fn field_not_found(field: &str, column: &str) -> Self {
        Self::new(
            "BAD_REQUEST",
            "FIELD_NOT_FOUND",
            &format!("No such struct field `{field}` in `{column}`."),
            "42704",
        )
    }

    pub fn unsupported(what: &str) -> Self {
        Self::new(
            "BAD_REQUEST",
            "UNSUPPORTED_FEATURE",
            &format!("Not supported: {what}."),
            "0A000",
        )
    }

    pub fn unbound(name: &str) -> Self {
        Self::new(
            "BAD_REQUEST",
            "UNBOUND_SQL_PARAMETER",
            &format!("Found the unbound parameter: {name}."),
            "42P02",
        )
    }

    pub fn bad_parameter(name: &str, value: &str, type_: &str) -> Self {
        Self::new(
            "BAD_REQUEST",
            "CAST_INVALID_INPUT",
            &format!("The value '{value}' of parameter `{name}` cannot be cast to {type_}."),
            "22018",
        )
    }

    pub fn too_slow() -> Self {
        Self::new(
            "DEADLINE_EXCEEDED",
            "QUERY_EXECUTION_TIMEOUT_EXCEEDED",
            "The query ran longer than the simulated warehouse allows.",
            "57014",
        )
    }

    /// An error of the SQLite engine, in Databricks' words where there are some.
    pub fn from_engine(message: &str) -> Self {
        if message.contains("interrupted") {
            return Self::too_slow();
        }
        if let Some(col) = message.strip_prefix("no such column: ") {
            return Self::new(
                "BAD_REQUEST",
                "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION",
                &format!(
                    "A column, variable, or function parameter with name `{col}` cannot be resolved."
                ),
                "42703",
            );
        }
        if let Some(f) = message.strip_prefix("no such function: ") {
            return Self::new(
                "BAD_REQUEST",
                "UNRESOLVED_ROUTINE",
                &format!("Cannot resolve routine `{f}` on search path [`system`.`builtin`]."),
                "42883",
            );
        }
        if message.contains("syntax error") {
            return Self::syntax(message);
        }
        Self::new(
            "BAD_REQUEST",
            "INVALID_QUERY",
            &format!("{message}."),
            "42000",
        )
    }

    pub fn service_error(&self) -> ServiceError {
        ServiceError {
            error_code: Some(self.error_code.to_string()),
            message: Some(self.message.clone()),
        }
    }
}
