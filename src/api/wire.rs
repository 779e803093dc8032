//! Lenient decoding helpers shared by every model: the wire is not always tidy.
//!
//! int64 fields arrive as numbers but may be strings; metric values may be `"NaN"`/`"Infinity"`;
//! enums may grow new values. Nothing here panics on surprising input.

use serde::{Deserialize, Deserializer};

/// Declares a wire enum that keeps unknown values as `Other(String)` instead of failing.
#[macro_export]
macro_rules! lenient_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($variant:ident => $wire:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($variant,)*
            /// A value this build does not know, kept verbatim.
            Other(String),
        }

        impl $name {
            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Other(s) => s.as_str(),
                }
            }

            /// Parses the wire spelling; unknown values become `Other`.
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $($wire => Self::$variant,)*
                    other => Self::Other(other.to_string()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = serde_json::Value::deserialize(d)?;
                Ok(match v {
                    serde_json::Value::String(s) => Self::from_wire(&s),
                    other => Self::Other(other.to_string()),
                })
            }
        }
    };
}

/// `i64` that may arrive as a number, a numeric string, or null.
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::Number(n)) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

/// `i64` as a JSON number or a numeric string (proto3 JSON allows both for integer fields);
/// anything else is an error, not a default.
pub fn int_or_numeric_string<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    use serde::de::Error;
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => n
            .as_i64()
            .ok_or_else(|| D::Error::custom(format!("expected an integer, got {n}"))),
        serde_json::Value::String(s) => s
            .trim()
            .parse()
            .map_err(|_| D::Error::custom(format!("expected an integer, got \"{s}\""))),
        other => Err(D::Error::custom(format!(
            "expected an integer, got {other}"
        ))),
    }
}

/// An optional boolean as JSON `true`/`false` or the strings `"true"`/`"false"` (which proto3
/// JSON parsers accept too); null is absent, anything else an error.
pub fn opt_bool_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    use serde::de::Error;
    match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Bool(b)) => Ok(Some(b)),
        Some(serde_json::Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(serde_json::Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(other) => Err(D::Error::custom(format!("expected a boolean, got {other}"))),
    }
}

/// `i64` with 0 as the value for absent or unreadable input.
pub fn i64_or_zero<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Ok(opt_i64(d)?.unwrap_or(0))
}

/// A float that may be a number, a string (`"NaN"`, `"Infinity"`, `"-Infinity"`, `"0.5"`) or null.
pub fn lenient_f64<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
        Some(serde_json::Value::String(s)) => match s.trim() {
            "Infinity" | "inf" | "+Infinity" => f64::INFINITY,
            "-Infinity" | "-inf" => f64::NEG_INFINITY,
            other => other.parse().unwrap_or(f64::NAN),
        },
        _ => f64::NAN,
    })
}

/// A string that may arrive as a number (versions are strings in one API and ints in another).
pub fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(serde_json::Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    })
}

/// A list that may be absent or `null`: both mean empty.
pub fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A string map that may be absent or `null`; non-string values keep their JSON text, because
/// parameter values are strings on the wire but hand-written payloads send numbers.
pub fn null_as_map<'de, D>(d: D) -> Result<std::collections::BTreeMap<String, String>, D::Error>
where
    D: Deserializer<'de>,
{
    let raw = Option::<std::collections::BTreeMap<String, serde_json::Value>>::deserialize(d)?;
    Ok(raw
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => (k, s),
            other => (k, other.to_string()),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    lenient_enum! {
        enum Colour { Red => "RED", Blue => "BLUE" }
    }

    #[derive(Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "opt_i64")]
        n: Option<i64>,
        #[serde(default = "nan", deserialize_with = "lenient_f64")]
        f: f64,
        #[serde(default, deserialize_with = "null_as_empty")]
        list: Vec<u8>,
    }

    fn nan() -> f64 {
        f64::NAN
    }

    #[test]
    fn unknown_enum_values_are_kept() {
        let c: Colour = serde_json::from_str("\"GREEN\"").unwrap();
        assert_eq!(c, Colour::Other("GREEN".into()));
        assert_eq!(c.as_str(), "GREEN");
        let r: Colour = serde_json::from_str("\"RED\"").unwrap();
        assert_eq!(r, Colour::Red);
        assert_eq!(serde_json::to_string(&Colour::Blue).unwrap(), "\"BLUE\"");
        let n: Colour = serde_json::from_str("7").unwrap();
        assert_eq!(n, Colour::Other("7".into()));
    }

    #[test]
    fn numbers_strings_and_nulls_are_tolerated() {
        let p: Probe = serde_json::from_str(r#"{"n":"42","f":"NaN","list":null}"#).unwrap();
        assert_eq!(p.n, Some(42));
        assert!(p.f.is_nan());
        assert!(p.list.is_empty());
        let p: Probe = serde_json::from_str(r#"{"n":7,"f":"-Infinity"}"#).unwrap();
        assert_eq!(p.n, Some(7));
        assert_eq!(p.f, f64::NEG_INFINITY);
        let p: Probe = serde_json::from_str(r#"{}"#).unwrap();
        assert_eq!(p.n, None);
    }

    #[test]
    fn metric_values_read_back_exactly() {
        // What Python's `0.1 * 0.999**3` is sent as; without serde_json's `float_roundtrip` the
        // parse lands one ulp off and prints as 0.0997002999.
        let p: Probe = serde_json::from_str(r#"{"f": 0.09970029990000001}"#).unwrap();
        assert_eq!(p.f, "0.09970029990000001".parse::<f64>().unwrap());
        assert_eq!(p.f.to_string(), "0.09970029990000001");
    }

    #[derive(Deserialize, Debug)]
    struct Strict {
        #[serde(default, deserialize_with = "int_or_numeric_string")]
        pct: i64,
        #[serde(default, deserialize_with = "opt_bool_or_string")]
        on: Option<bool>,
    }

    #[test]
    fn proto3_text_forms_are_read_and_anything_else_is_an_error() {
        let s: Strict = serde_json::from_str(r#"{"pct":"90","on":"true"}"#).unwrap();
        assert_eq!((s.pct, s.on), (90, Some(true)));
        let s: Strict = serde_json::from_str(r#"{"pct":10,"on":false}"#).unwrap();
        assert_eq!((s.pct, s.on), (10, Some(false)));
        let s: Strict = serde_json::from_str(r#"{"on":null}"#).unwrap();
        assert_eq!((s.pct, s.on), (0, None));
        for bad in [
            r#"{"pct":"ninety"}"#,
            r#"{"pct":1.5}"#,
            r#"{"pct":null}"#,
            r#"{"on":"yes"}"#,
            r#"{"on":1}"#,
        ] {
            assert!(serde_json::from_str::<Strict>(bad).is_err(), "{bad}");
        }
    }
}
