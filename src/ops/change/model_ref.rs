//! Which registry a model name belongs to: a three-part `catalog.schema.model` is Unity Catalog,
//! anything else the workspace (or open-source MLflow) registry.

/// A model named on the command line or selected in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelRef {
    /// `catalog.schema.model`.
    Uc(String),
    /// A workspace-registry or open-source MLflow model name.
    Registry(String),
}

impl ModelRef {
    pub fn parse(name: &str) -> ModelRef {
        let name = name.trim();
        let parts: Vec<&str> = name.split('.').collect();
        if parts.len() == 3 && parts.iter().all(|p| !p.is_empty()) {
            ModelRef::Uc(name.to_string())
        } else {
            ModelRef::Registry(name.to_string())
        }
    }

    pub fn name(&self) -> &str {
        match self {
            ModelRef::Uc(n) | ModelRef::Registry(n) => n,
        }
    }
}

/// A version number as typed (`5`, `v5`), normalised to its digits.
pub fn parse_version(text: &str) -> Result<String, String> {
    let t = text.trim();
    let digits = t.strip_prefix(['v', 'V']).unwrap_or(t);
    match digits.parse::<u64>() {
        Ok(n) if n > 0 => Ok(n.to_string()),
        _ => Err(format!(
            "'{text}' is not a model version (versions are positive integers)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_parts_are_unity_catalog() {
        assert_eq!(
            ModelRef::parse("main.ml.churn_model"),
            ModelRef::Uc("main.ml.churn_model".into())
        );
        for other in ["fraud_model", "a.b", "a..c", "a.b.c.d", "feas-model"] {
            assert!(
                matches!(ModelRef::parse(other), ModelRef::Registry(_)),
                "{other}"
            );
        }
    }

    #[test]
    fn versions_accept_a_v_prefix() {
        assert_eq!(parse_version("v5").unwrap(), "5");
        assert_eq!(parse_version(" 12 ").unwrap(), "12");
        assert!(parse_version("0").is_err());
        assert!(parse_version("five").is_err());
    }
}
