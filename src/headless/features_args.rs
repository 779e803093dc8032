//! Command-line arguments of the feature commands: `features` (a subcommand group: the list
//! when none is given) and `feature TABLE`.

use clap::Args;

#[derive(Debug, Clone, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct FeaturesArgs {
    #[command(subcommand)]
    pub action: Option<FeaturesAction>,
    /// Machine-readable JSON (the rows, the schemas searched, notes on what was not read).
    #[arg(long)]
    pub json: bool,
}

/// `features …`: one variant per subcommand (`list` is also what `features` alone runs).
#[derive(Debug, Clone, clap::Subcommand)]
pub enum FeaturesAction {
    /// Feature tables: keys, freshness against the SLA, online tables, monitor, models.
    List(FeaturesListArgs),
}

#[derive(Debug, Clone, Args)]
pub struct FeaturesListArgs {
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct FeatureArgs {
    /// The feature table (`catalog.schema.table`).
    pub table: String,
    #[arg(long)]
    pub json: bool,
    /// A pipeline gate: exit 7 when the table's last write is older than this (e.g. 24h, 90m).
    #[arg(long, value_name = "AGE", value_parser = parse_age)]
    pub max_age: Option<i64>,
}

/// A positive duration in ms (`24h`, `1h30m`).
pub fn parse_age(text: &str) -> Result<i64, String> {
    match crate::ops::canary::plan::parse_duration(text)? {
        ms if ms > 0 => Ok(ms),
        _ => Err("the age must be longer than zero".into()),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::{Cli, Subcommand};

    use super::*;

    #[test]
    fn features_is_a_group_with_the_list_as_default() {
        let cli = Cli::try_parse_from(["mlops-console", "features", "--json"]).unwrap();
        let Some(Subcommand::Features(f)) = cli.command else {
            panic!("not features");
        };
        assert!(f.json && f.action.is_none());
        let cli = Cli::try_parse_from(["mlops-console", "features", "list", "--json"]).unwrap();
        let Some(Subcommand::Features(FeaturesArgs {
            action: Some(FeaturesAction::List(l)),
            ..
        })) = cli.command
        else {
            panic!("not features list");
        };
        assert!(l.json);
        let cli = Cli::try_parse_from([
            "mlops-console",
            "feature",
            "main.features.t",
            "--max-age",
            "2h",
        ])
        .unwrap();
        let Some(Subcommand::Feature(f)) = cli.command else {
            panic!("not feature");
        };
        assert_eq!(
            (f.table.as_str(), f.max_age),
            ("main.features.t", Some(7_200_000))
        );
        for bad in [
            &["feature"][..],
            &["feature", "t", "--max-age", "soon"],
            &["feature", "t", "--max-age", "0s"],
            &["features", "nope"],
        ] {
            let argv = [&["mlops-console"][..], bad].concat();
            assert!(Cli::try_parse_from(argv).is_err(), "{bad:?}");
        }
    }
}
