//! The bodies a load test sends, serialised once into shared [`Bytes`] (no request copies
//! them): one JSON payload (`--data FILE`, any MLflow input shape, as `query` reads it), a file
//! of many, one JSON document per line, cycled through (`--data-lines FILE`), or the endpoint's
//! own example request.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use serde_json::Value;

use crate::api::Client;
use crate::ops::query::{PayloadError, PayloadSource, load_payload, shape_warning};

/// Largest number of payloads read from a lines file.
pub const MAX_LINES: usize = 100_000;

/// Where the bodies come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bodies {
    One(PayloadSource),
    /// One JSON payload per non-empty line.
    Lines(PathBuf),
}

/// Prebuilt bodies and the shape warnings found (sent anyway: the server has the last word).
#[derive(Debug, Clone)]
pub struct Payloads {
    pub bodies: Vec<Bytes>,
    pub warnings: Vec<String>,
    pub source: String,
}

fn encode(v: &Value) -> Bytes {
    Bytes::from(serde_json::to_vec(v).unwrap_or_else(|_| b"{}".to_vec()))
}

/// Parses a lines file's text; errors name the line.
pub fn parse_lines(path: &Path, text: &str) -> Result<Vec<Value>, PayloadError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if out.len() == MAX_LINES {
            return Err(PayloadError::File(format!(
                "{}: more than {MAX_LINES} payloads",
                path.display()
            )));
        }
        let v = serde_json::from_str(line).map_err(|e| {
            PayloadError::File(format!("{}:{}: not JSON: {e}", path.display(), i + 1))
        })?;
        out.push(v);
    }
    if out.is_empty() {
        return Err(PayloadError::File(format!(
            "{}: no payload in the file",
            path.display()
        )));
    }
    Ok(out)
}

pub async fn load(
    client: &Client,
    endpoint: &str,
    from: &Bodies,
) -> Result<Payloads, PayloadError> {
    let (values, source) = match from {
        Bodies::One(src) => (
            vec![load_payload(client, endpoint, src).await?],
            src.describe(),
        ),
        Bodies::Lines(path) => {
            let text = tokio::fs::read_to_string(path)
                .await
                .map_err(|e| PayloadError::File(format!("{}: {e}", path.display())))?;
            (parse_lines(path, &text)?, path.display().to_string())
        }
    };
    let mut warnings: Vec<String> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        if let Some(w) = shape_warning(v) {
            warnings.push(if values.len() > 1 {
                format!("payload {}: {w}", i + 1)
            } else {
                w
            });
            if warnings.len() == 3 {
                break;
            }
        }
    }
    Ok(Payloads {
        bodies: values.iter().map(encode).collect(),
        warnings,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_skip_blanks_and_name_the_bad_line() {
        let p = Path::new("p.jsonl");
        let ok = parse_lines(p, "{\"inputs\":[1]}\n\n{\"inputs\":[2]}\n").unwrap();
        assert_eq!(ok.len(), 2);
        let e = parse_lines(p, "{\"inputs\":[1]}\nnope\n").unwrap_err();
        assert!(e.to_string().contains("p.jsonl:2"), "{e}");
        assert!(parse_lines(p, "\n \n").is_err());
    }
}
