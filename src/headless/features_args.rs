//! Command-line arguments of the feature commands: `features` (a subcommand group: the list
//! when none is given) and `feature TABLE`.

use clap::Args;

use super::features_publish::FeaturesPublishArgs;
use super::features_sync::FeaturesSyncArgs;

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
    /// Publish a feature table to an online store (journaled); --wait follows its first sync.
    ///
    /// Prints what would be sent; --yes publishes (production profiles also --confirm TABLE).
    /// The online table's default name is `<catalog>.<schema>_online.<table>`; the default mode
    /// TRIGGERED (CONTINUOUS and TRIGGERED need Change Data Feed on the table). Never sent
    /// twice: a lost answer is settled by reading the online table back.
    Publish(FeaturesPublishArgs),
    /// Start a sync of a TRIGGERED or SNAPSHOT online table (journaled); --wait follows it.
    ///
    /// Prints what would be sent; --yes starts it (production profiles also --confirm TABLE).
    /// CONTINUOUS tables follow their source on their own and are refused.
    Sync(FeaturesSyncArgs),
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

    #[test]
    fn publish_and_sync_parse_with_their_defaults() {
        let cli = Cli::try_parse_from([
            "mlops-console",
            "features",
            "publish",
            "main.features.t",
            "--store",
            "fs-prod",
            "--wait",
            "--yes",
        ])
        .unwrap();
        let Some(Subcommand::Features(FeaturesArgs {
            action: Some(FeaturesAction::Publish(p)),
            ..
        })) = cli.command
        else {
            panic!("not features publish");
        };
        assert_eq!(
            (p.table.as_str(), p.store.as_str()),
            ("main.features.t", "fs-prod")
        );
        assert_eq!(
            p.mode,
            crate::headless::features_publish::ModeArg::Triggered
        );
        assert!(p.wait && p.confirm.yes && p.name.is_none());
        let cli = Cli::try_parse_from([
            "mlops-console",
            "features",
            "sync",
            "main.features_online.t",
            "--confirm",
            "main.features_online.t",
        ])
        .unwrap();
        assert!(matches!(
            cli.command,
            Some(Subcommand::Features(FeaturesArgs { action: Some(FeaturesAction::Sync(s)), .. }))
                if s.table == "main.features_online.t" && !s.wait && !s.confirm.yes
        ));
        for bad in [
            &["mlops-console", "features", "publish", "t"][..],
            &[
                "mlops-console",
                "features",
                "publish",
                "t",
                "--store",
                "s",
                "--mode",
                "hourly",
            ],
            &["mlops-console", "features", "sync"],
        ] {
            assert!(Cli::try_parse_from(bad).is_err(), "{bad:?}");
        }
    }
}
