//! Arguments of `mlops-console lineage`: one of a model version, an endpoint or a feature table.

use clap::{ArgGroup, Args};

#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("what").required(true).args(["model", "endpoint", "table"])))]
pub struct LineageArgs {
    /// A registered model (catalog.schema.model), with VERSION: the feature tables it depends on.
    #[arg(requires = "version", conflicts_with_all = ["endpoint", "table"])]
    pub model: Option<String>,
    /// The model's version.
    pub version: Option<String>,
    /// A serving endpoint: the feature tables of the versions it serves, stale ones named.
    #[arg(long, value_name = "NAME", conflicts_with = "table")]
    pub endpoint: Option<String>,
    /// A feature table (catalog.schema.table): its features, the model versions using them and
    /// the endpoints serving those versions with their traffic share.
    #[arg(long, value_name = "TABLE")]
    pub table: Option<String>,
    /// Hours since the last write after which a table is stale.
    #[arg(long, value_name = "HOURS", default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..))]
    pub sla_hours: u32,
    #[arg(long)]
    pub json: bool,
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::{Cli, Subcommand};

    fn parse(args: &[&str]) -> Result<super::LineageArgs, clap::Error> {
        let mut all = vec!["mlops-console", "lineage"];
        all.extend_from_slice(args);
        match Cli::try_parse_from(all)?.command {
            Some(Subcommand::Lineage(a)) => Ok(a),
            other => panic!("not lineage: {other:?}"),
        }
    }

    #[test]
    fn one_of_version_endpoint_or_table() {
        let a = parse(&["main.ml.churn_model", "5", "--json"]).unwrap();
        assert_eq!(
            (a.model.as_deref(), a.version.as_deref(), a.json),
            (Some("main.ml.churn_model"), Some("5"), true)
        );
        assert_eq!(
            parse(&["--endpoint", "churn-prod"])
                .unwrap()
                .endpoint
                .as_deref(),
            Some("churn-prod")
        );
        let t = parse(&["--table", "main.features.t", "--sla-hours", "48"]).unwrap();
        assert_eq!(
            (t.table.as_deref(), t.sla_hours),
            (Some("main.features.t"), 48)
        );
        assert!(parse(&[]).is_err());
        assert!(parse(&["main.ml.churn_model"]).is_err());
        assert!(parse(&["--endpoint", "e", "--table", "t"]).is_err());
        assert!(parse(&["--table", "t", "--sla-hours", "0"]).is_err());
    }
}
