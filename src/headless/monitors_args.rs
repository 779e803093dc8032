//! Command-line arguments of the monitor commands: `monitors`, `monitor TABLE` and
//! `monitor refresh TABLE`.

use clap::Args;

use super::change_args::ConfirmArgs;

#[derive(Debug, Clone, Args)]
pub struct MonitorsArgs {
    /// Machine-readable JSON (the listed monitors, and notes on sources not searched).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct MonitorArgs {
    #[command(subcommand)]
    pub action: Option<MonitorAction>,
    /// The monitored table (`catalog.schema.table`).
    #[arg(required = true)]
    pub table: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum MonitorAction {
    /// Start a refresh of a table's monitor; --wait follows it to its end.
    ///
    /// Prints what would start; --yes starts it (production profiles also --confirm TABLE).
    /// Journaled; never sent twice: a lost answer is settled by reading the refreshes back.
    Refresh(MonitorRefreshArgs),
}

#[derive(Debug, Clone, Args)]
pub struct MonitorRefreshArgs {
    /// The monitored table (`catalog.schema.table`).
    pub table: String,
    /// Follow the refresh until it ends (progress on stderr); exit 1 unless it ends in SUCCESS.
    #[arg(long)]
    pub wait: bool,
    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::{Cli, Subcommand};

    use super::*;

    #[test]
    fn monitor_takes_a_table_or_the_refresh_subcommand() {
        let cli = Cli::try_parse_from(["mlops-console", "monitor", "main.ml.t", "--json"]).unwrap();
        let Some(Subcommand::Monitor(m)) = cli.command else {
            panic!("not monitor");
        };
        assert_eq!(m.table.as_deref(), Some("main.ml.t"));
        assert!(m.json && m.action.is_none());
        let cli = Cli::try_parse_from([
            "mlops-console",
            "monitor",
            "refresh",
            "main.ml.t",
            "--wait",
            "--yes",
            "--confirm",
            "main.ml.t",
        ])
        .unwrap();
        let Some(Subcommand::Monitor(MonitorArgs {
            action: Some(MonitorAction::Refresh(r)),
            ..
        })) = cli.command
        else {
            panic!("not monitor refresh");
        };
        assert_eq!(r.table, "main.ml.t");
        assert!(r.wait && r.confirm.yes);
        assert_eq!(r.confirm.confirm.as_deref(), Some("main.ml.t"));
        assert!(Cli::try_parse_from(["mlops-console", "monitor"]).is_err());
        assert!(Cli::try_parse_from(["mlops-console", "monitor", "refresh"]).is_err());
        let cli = Cli::try_parse_from(["mlops-console", "monitors", "--json"]).unwrap();
        assert!(matches!(
            cli.command,
            Some(Subcommand::Monitors(MonitorsArgs { json: true }))
        ));
    }
}
