//! `[bench]` in `config.toml`: caps on what a load test may send (PRODUCT §4, §7).
//!
//! ```toml
//! [bench]
//! max_rate = 2000          # requests/s a --rate may ask for, at most
//! max_concurrency = 64     # connections a --concurrency may open, at most
//! ```
//!
//! Parsed strictly like every section: an unknown key is an error, a cap is a whole number
//! above zero. Without a cap, any rate or concurrency is allowed (the confirm dialog still
//! shows rate × duration = requests).

use serde::{Deserialize, Deserializer};

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BenchSettings {
    #[serde(default, deserialize_with = "positive")]
    pub max_rate: Option<u64>,
    #[serde(default, deserialize_with = "positive")]
    pub max_concurrency: Option<u64>,
}

fn positive<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let v = i64::deserialize(d)?;
    if v <= 0 {
        return Err(serde::de::Error::custom(format!(
            "must be a whole number above zero, got {v}"
        )));
    }
    Ok(Some(v as u64))
}

#[cfg(test)]
mod tests {
    use crate::config::AppConfig;
    use std::path::Path;

    #[test]
    fn caps_parse_strictly() {
        let c = AppConfig::parse(Path::new("c.toml"), "[bench]\nmax_rate = 2000\n").unwrap();
        assert_eq!(c.bench.max_rate, Some(2000));
        assert_eq!(c.bench.max_concurrency, None);
        assert!(AppConfig::parse(Path::new("c.toml"), "[bench]\nmax_rate = 0\n").is_err());
        assert!(AppConfig::parse(Path::new("c.toml"), "[bench]\nmax_rat = 5\n").is_err());
        assert_eq!(
            AppConfig::parse(Path::new("c.toml"), "")
                .unwrap()
                .bench
                .max_rate,
            None
        );
    }
}
