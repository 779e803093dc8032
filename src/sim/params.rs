//! Request arguments read leniently from wherever a client puts them.
//!
//! The Databricks SDK sends GET/DELETE arguments in the query string and POST arguments as JSON;
//! the OSS MLflow client sends DELETE arguments as a JSON body, and OSS accepts searches by GET
//! with query arguments. So every handler reads one merged view: JSON body values win over query
//! values of the same name. Values are then validated the way the OSS server does (a non-numeric
//! `max_results` is a 400, not a silent default).

use axum::body::Bytes;
use axum::extract::{FromRequest, Query, Request};
use axum::http::StatusCode;
use serde_json::Value;

use super::errors::{ApiError, ApiResult};

/// Merged query-string and JSON-body arguments of one request.
#[derive(Debug, Default, Clone)]
pub(crate) struct Params {
    query: Vec<(String, String)>,
    body: serde_json::Map<String, Value>,
}

impl<S: Send + Sync> FromRequest<S> for Params {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let query = Query::<Vec<(String, String)>>::try_from_uri(req.uri())
            .map(|q| q.0)
            .map_err(|e| ApiError::invalid(format!("Invalid query string: {e}")).shape())?;
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "MALFORMED_REQUEST",
                format!("Could not read the request body: {e}"),
            )
            .shape()
        })?;
        let body = parse_body(&bytes)?;
        Ok(Params { query, body })
    }
}

fn parse_body(bytes: &[u8]) -> ApiResult<serde_json::Map<String, Value>> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        // Databricks' wording for a body that is JSON but not an object, or not JSON at all.
        Ok(_) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "MALFORMED_REQUEST",
            "Invalid JSON given in the body of the request - expected a map",
        )
        .shape()),
        Err(_) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "MALFORMED_REQUEST",
            "Invalid JSON given in the body of the request - failed to parse given JSON",
        )
        .shape()),
    }
}

impl Params {
    #[cfg(test)]
    pub fn from_parts(query: &[(&str, &str)], body: Value) -> Self {
        Params {
            query: query
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: match body {
                Value::Object(m) => m,
                _ => serde_json::Map::new(),
            },
        }
    }

    /// The raw value: the body's if present and not null, else the first query value.
    fn raw(&self, key: &str) -> Option<Value> {
        match self.body.get(key) {
            Some(Value::Null) | None => self
                .query
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| Value::String(v.clone())),
            Some(v) => Some(v.clone()),
        }
    }

    /// A JSON body value as sent (objects and arrays included), for nested request shapes.
    pub fn raw_body(&self, key: &str) -> Option<Value> {
        self.body.get(key).filter(|v| !v.is_null()).cloned()
    }

    /// An optional string; numbers and booleans are accepted as their text.
    pub fn str(&self, key: &str) -> ApiResult<Option<String>> {
        match self.raw(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(other) => Err(type_error(key, &other, "string")),
        }
    }

    /// A required, non-empty string.
    pub fn required_str(&self, key: &str) -> ApiResult<String> {
        match self.str(key)? {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(ApiError::missing(key)),
        }
    }

    /// The first of several names that is present (deprecated aliases such as `run_uuid`).
    pub fn required_str_any(&self, keys: &[&str]) -> ApiResult<String> {
        for key in keys {
            if let Some(s) = self.str(key)?
                && !s.is_empty()
            {
                return Ok(s);
            }
        }
        Err(ApiError::missing(keys[0]))
    }

    /// An optional integer given as a JSON number or numeric text.
    pub fn i64(&self, key: &str) -> ApiResult<Option<i64>> {
        match self.raw(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| type_error(key, &Value::Number(n.clone()), "integer")),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s
                .trim()
                .parse::<i64>()
                .map(Some)
                .map_err(|_| type_error(key, &Value::String(s.clone()), "integer")),
            Some(other) => Err(type_error(key, &other, "integer")),
        }
    }

    /// An optional boolean (`true`/`false` in any case, or a JSON boolean).
    pub fn bool(&self, key: &str) -> ApiResult<Option<bool>> {
        match self.raw(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" => Ok(Some(true)),
                "false" | "0" | "" => Ok(Some(false)),
                _ => Err(type_error(key, &Value::String(s.clone()), "boolean")),
            },
            Some(other) => Err(type_error(key, &other, "boolean")),
        }
    }

    /// A list: a JSON array in the body, or repeated query keys (`order_by=a&order_by=b`).
    pub fn list(&self, key: &str) -> ApiResult<Vec<String>> {
        match self.body.get(key) {
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    Value::Number(n) => Ok(n.to_string()),
                    other => Err(type_error(key, other, "list of strings")),
                })
                .collect(),
            // A lone string where a list is expected: one element (lenient).
            Some(Value::String(s)) => Ok(vec![s.clone()]),
            Some(Value::Null) | None => Ok(self
                .query
                .iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .collect()),
            Some(other) => Err(type_error(key, other, "list of strings")),
        }
    }

    /// A JSON object of scalars (`job_parameters`), values as text; absent means empty.
    pub fn string_map(&self, key: &str) -> ApiResult<std::collections::BTreeMap<String, String>> {
        match self.body.get(key) {
            None | Some(Value::Null) => Ok(Default::default()),
            Some(Value::Object(map)) => map
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| match v {
                    Value::String(s) => Ok((k.clone(), s.clone())),
                    Value::Number(_) | Value::Bool(_) => Ok((k.clone(), v.to_string())),
                    other => Err(type_error(key, other, "map of strings")),
                })
                .collect(),
            Some(other) => Err(type_error(key, other, "map of strings")),
        }
    }
}

/// OSS MLflow's wording for a value of the wrong type (see the `error-bad-json.json` sample).
fn type_error(key: &str, value: &Value, expected: &str) -> ApiError {
    let (shown, ty) = match value {
        Value::String(s) => (format!("\"{s}\""), "str"),
        Value::Number(n) => (n.to_string(), "number"),
        Value::Bool(b) => (b.to_string(), "bool"),
        Value::Array(_) => (value.to_string(), "list"),
        Value::Object(_) => (value.to_string(), "dict"),
        Value::Null => ("null".to_string(), "null"),
    };
    ApiError::invalid(format!(
        "Invalid value {shown} for parameter '{key}' supplied: expected {expected}. Hint: Value \
         was of type '{ty}'. See the API docs for more information about request parameters."
    ))
    .shape()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn body_wins_over_query_and_lists_come_from_either() {
        let p = Params::from_parts(
            &[("max_results", "5"), ("order_by", "a"), ("order_by", "b")],
            json!({"max_results": 7}),
        );
        assert_eq!(p.i64("max_results").unwrap(), Some(7));
        assert_eq!(p.list("order_by").unwrap(), vec!["a", "b"]);
        let p = Params::from_parts(&[], json!({"order_by": ["x DESC"]}));
        assert_eq!(p.list("order_by").unwrap(), vec!["x DESC"]);
    }

    #[test]
    fn bad_values_are_400_with_the_parameter_named() {
        let p = Params::from_parts(&[("max_results", "abc")], json!({}));
        let e = p.i64("max_results").unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert!(e.body.message.unwrap().contains("'max_results'"));
        let e = Params::default().required_str("name").unwrap_err();
        assert_eq!(e.body.code(), Some("INVALID_PARAMETER_VALUE"));
    }

    #[test]
    fn string_maps_take_scalars_as_text() {
        let p = Params::from_parts(&[], json!({"m": {"a": "x", "b": 7, "c": true, "d": null}}));
        let m = p.string_map("m").unwrap();
        assert_eq!(m.len(), 3);
        assert_eq!(
            (m["a"].as_str(), m["b"].as_str(), m["c"].as_str()),
            ("x", "7", "true")
        );
        assert!(p.string_map("absent").unwrap().is_empty());
        let bad = Params::from_parts(&[], json!({"m": {"a": [1]}}));
        assert!(bad.string_map("m").is_err());
        assert!(
            Params::from_parts(&[], json!({"m": "x"}))
                .string_map("m")
                .is_err()
        );
    }

    #[test]
    fn bodies_must_be_json_objects() {
        assert!(parse_body(b"  ").unwrap().is_empty());
        assert!(parse_body(b"[1]").is_err());
        assert!(parse_body(b"{nope").is_err());
    }
}
