//! The `features` command group as far as this build has it: the online-serving changes
//! `features publish` and `features sync`. (The feature-table listings join this group.)

use clap::{Args, Subcommand};

use super::features_publish::FeaturesPublishArgs;
use super::features_sync::FeaturesSyncArgs;

#[derive(Debug, Clone, Args)]
pub struct FeaturesArgs {
    #[command(subcommand)]
    pub action: FeaturesAction,
}

#[derive(Debug, Clone, Subcommand)]
pub enum FeaturesAction {
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

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::{Cli, Subcommand};

    use super::*;
    use crate::headless::features_publish::ModeArg;

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
            action: FeaturesAction::Publish(p),
        })) = cli.command
        else {
            panic!("not features publish");
        };
        assert_eq!(
            (p.table.as_str(), p.store.as_str()),
            ("main.features.t", "fs-prod")
        );
        assert_eq!(p.mode, ModeArg::Triggered);
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
            Some(Subcommand::Features(FeaturesArgs { action: FeaturesAction::Sync(s) }))
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
