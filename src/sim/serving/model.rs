//! The tiny real models behind invocations: logistic regressions with fixed coefficients per
//! model version, scored on the request's features.
//!
//! * `churn_model`: P(churn) from `tenure_months`, `monthly_charges`, `support_tickets`,
//!   `contract_type` (`month-to-month` / `one_year` / `two_year`, or 0/1/2) and `num_products`.
//! * `fraud_model`: P(fraud) from `amount`, `merchant_risk`, `txn_count_24h`, `is_foreign`.
//! * anything else: a logistic of 0.1 × the sum of its numeric inputs.
//!
//! Inputs arrive in any of the four MLflow scoring shapes (reference §6.4); missing features are
//! a 400 with MLflow's wording, extra columns are ignored.

use serde_json::{Map, Value};

/// A fitted model: intercept plus one weight per named feature.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Model {
    pub features: &'static [&'static str],
    pub intercept: f64,
    pub weights: Vec<f64>,
    /// No named features: score the sum of whatever numbers come in.
    pub generic: bool,
}

const CHURN: &[&str] = &[
    "tenure_months",
    "monthly_charges",
    "support_tickets",
    "contract_type",
    "num_products",
];
const FRAUD: &[&str] = &["amount", "merchant_risk", "txn_count_24h", "is_foreign"];

impl Model {
    pub fn for_entity(entity_name: &str, version: &str) -> Model {
        let v: i64 = version.trim().parse().unwrap_or(1);
        if entity_name.ends_with("churn_model") {
            let (intercept, weights) = match v {
                4 => (-1.10, vec![-0.045, 0.022, 0.38, -0.85, -0.20]),
                5 => (-1.05, vec![-0.048, 0.020, 0.41, -0.90, -0.18]),
                _ => {
                    // Other versions drift from the champion by a few percent per version.
                    let f = 1.0 + 0.03 * (v - 4) as f64;
                    let w = [-0.045, 0.022, 0.38, -0.85, -0.20].map(|x| x * f);
                    (-1.10 + 0.02 * (v - 4) as f64, w.to_vec())
                }
            };
            return Model {
                features: CHURN,
                intercept,
                weights,
                generic: false,
            };
        }
        if entity_name.contains("fraud") {
            let f = 1.0 + 0.05 * (v - 3) as f64;
            return Model {
                features: FRAUD,
                intercept: -4.0,
                weights: [0.004, 2.5, 0.15, 1.2].map(|x| x * f).to_vec(),
                generic: false,
            };
        }
        Model {
            features: &[],
            intercept: 0.0,
            weights: Vec::new(),
            generic: true,
        }
    }

    /// Scores every row: P(positive class), rounded to 6 places.
    pub fn predict(&self, rows: &[Vec<f64>]) -> Vec<f64> {
        rows.iter()
            .map(|row| {
                let z = if self.generic {
                    0.1 * row.iter().sum::<f64>()
                } else {
                    self.intercept
                        + self
                            .weights
                            .iter()
                            .zip(row)
                            .map(|(w, x)| w * x)
                            .sum::<f64>()
                };
                let p = 1.0 / (1.0 + (-z).exp());
                (p * 1e6).round() / 1e6
            })
            .collect()
    }

    /// Feature rows from an invocation body's input (the value under one of the four keys).
    pub fn rows(&self, key: &str, input: &Value) -> Result<Vec<Vec<f64>>, String> {
        match (key, input) {
            ("dataframe_split", Value::Object(o)) => {
                let columns: Vec<&str> = o
                    .get("columns")
                    .and_then(Value::as_array)
                    .ok_or("dataframe_split needs 'columns' (a list of names)")?
                    .iter()
                    .map(|c| c.as_str().unwrap_or(""))
                    .collect();
                let data = o
                    .get("data")
                    .and_then(Value::as_array)
                    .ok_or("dataframe_split needs 'data' (a list of rows)")?;
                data.iter()
                    .map(|row| {
                        let cells = row.as_array().ok_or("each row of 'data' must be a list")?;
                        let named: Map<String, Value> = columns
                            .iter()
                            .zip(cells)
                            .map(|(c, v)| (c.to_string(), v.clone()))
                            .collect();
                        self.row_from_record(&named)
                    })
                    .collect()
            }
            ("dataframe_records" | "instances" | "inputs", Value::Array(rows)) => rows
                .iter()
                .map(|row| match row {
                    Value::Object(record) => self.row_from_record(record),
                    Value::Array(cells) => self.row_from_cells(cells),
                    scalar if self.generic => Ok(vec![number(scalar, "input")?]),
                    _ => Err("each row must be a record or a list of values".to_string()),
                })
                .collect(),
            ("inputs", Value::Object(columns)) => {
                let len = columns
                    .values()
                    .map(|v| v.as_array().map_or(1, Vec::len))
                    .max()
                    .unwrap_or(0);
                (0..len)
                    .map(|i| {
                        let record: Map<String, Value> = columns
                            .iter()
                            .map(|(k, v)| {
                                let cell = match v {
                                    Value::Array(a) => a.get(i).cloned().unwrap_or(Value::Null),
                                    other => other.clone(),
                                };
                                (k.clone(), cell)
                            })
                            .collect();
                        self.row_from_record(&record)
                    })
                    .collect()
            }
            (key, _) => Err(format!("'{key}' has the wrong shape for this input")),
        }
    }

    fn row_from_record(&self, record: &Map<String, Value>) -> Result<Vec<f64>, String> {
        if self.generic {
            return Ok(record.values().filter_map(|v| number(v, "").ok()).collect());
        }
        let missing: Vec<&str> = self
            .features
            .iter()
            .filter(|f| record.get(**f).is_none_or(Value::is_null))
            .copied()
            .collect();
        if !missing.is_empty() {
            let extra: Vec<&str> = record
                .keys()
                .map(String::as_str)
                .filter(|k| !self.features.contains(k))
                .collect();
            let mut msg = format!("Model is missing inputs {missing:?}.");
            if !extra.is_empty() {
                msg.push_str(&format!(" Note that there were extra inputs: {extra:?}"));
            }
            return Err(msg);
        }
        self.features
            .iter()
            .map(|f| number(&record[*f], f))
            .collect()
    }

    fn row_from_cells(&self, cells: &[Value]) -> Result<Vec<f64>, String> {
        if self.generic {
            return cells.iter().map(|v| number(v, "input")).collect();
        }
        if cells.len() != self.features.len() {
            return Err(format!(
                "Expected {} values per row ({}), got {}.",
                self.features.len(),
                self.features.join(", "),
                cells.len()
            ));
        }
        cells
            .iter()
            .zip(self.features)
            .map(|(v, f)| number(v, f))
            .collect()
    }
}

/// A feature value as a number: numbers, booleans, numeric strings, and the contract types.
fn number(v: &Value, feature: &str) -> Result<f64, String> {
    let bad = || format!("Incompatible input types for column {feature}: {v}");
    match v {
        Value::Number(n) => n.as_f64().ok_or_else(bad),
        Value::Bool(b) => Ok(if *b { 1.0 } else { 0.0 }),
        Value::String(s) => match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "month-to-month" | "monthly" => Ok(0.0),
            "one-year" => Ok(1.0),
            "two-year" => Ok(2.0),
            other => other.parse::<f64>().map_err(|_| bad()),
        },
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_four_input_shapes_score_the_same_customer_alike() {
        let m = Model::for_entity("main.ml.churn_model", "4");
        let record = json!({"tenure_months": 3, "monthly_charges": 89.5, "support_tickets": 4,
            "contract_type": "month-to-month", "num_products": 1, "customer_id": "C-1"});
        let a = m.rows("dataframe_records", &json!([record])).unwrap();
        let b = m
            .rows(
                "dataframe_split",
                &json!({"columns": ["tenure_months", "monthly_charges", "support_tickets",
                "contract_type", "num_products"], "data": [[3, 89.5, 4, 0, 1]]}),
            )
            .unwrap();
        let c = m.rows("instances", &json!([[3, 89.5, 4, 0, 1]])).unwrap();
        let d = m
            .rows(
                "inputs",
                &json!({"tenure_months": [3], "monthly_charges": [89.5], "support_tickets": [4],
                "contract_type": ["month_to_month"], "num_products": [1]}),
            )
            .unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a, d);
        let p = m.predict(&a)[0];
        // A new, unhappy month-to-month customer is likely to churn; a loyal one is not.
        assert!(p > 0.7, "{p}");
        let loyal = m.rows("instances", &json!([[60, 40.0, 0, 2, 3]])).unwrap();
        assert!(m.predict(&loyal)[0] < 0.05);
        // Versions differ.
        let v5 = Model::for_entity("main.ml.churn_model", "5");
        assert_ne!(v5.predict(&a), m.predict(&a));
    }

    #[test]
    fn missing_and_bad_inputs_are_explained() {
        let m = Model::for_entity("main.ml.churn_model", "5");
        let e = m
            .rows(
                "dataframe_records",
                &json!([{"tenure_months": 3, "foo": 1}]),
            )
            .unwrap_err();
        assert!(
            e.starts_with("Model is missing inputs [\"monthly_charges\""),
            "{e}"
        );
        assert!(e.contains("extra inputs: [\"foo\"]"), "{e}");
        assert!(m.rows("instances", &json!([[1, 2]])).is_err());
        assert!(m.rows("dataframe_split", &json!({"data": []})).is_err());
        assert!(m.rows("instances", &json!({"a": 1})).is_err());
        let e = m
            .rows("instances", &json!([[1, 2, 3, "lifetime", 1]]))
            .unwrap_err();
        assert!(e.contains("contract_type"), "{e}");
    }

    #[test]
    fn fraud_and_generic_models() {
        let f = Model::for_entity("fraud_model", "3");
        let rows = f
            .rows(
                "instances",
                &json!([[2500.0, 0.9, 12, true], [12.0, 0.1, 1, false]]),
            )
            .unwrap();
        let p = f.predict(&rows);
        assert!(p[0] > 0.9 && p[1] < 0.05, "{p:?}");
        let g = Model::for_entity("main.ml.recsys_ranker", "3");
        let rows = g.rows("inputs", &json!([1, 2, 3])).unwrap();
        assert_eq!(g.predict(&rows).len(), 3);
    }
}
