//! `mlops-console status`: the Overview's numbers without a terminal UI.

use crate::api::Client;
use crate::ops::inventory::{Inventory, Part, read_inventory};

use super::{exit, output, report};

/// Prints the inventory; returns the exit code (non-zero, with one error line, when any part
/// failed).
pub async fn run(client: &Client, profile: &str, json: bool) -> i32 {
    let inv = read_inventory(client).await;
    if json {
        let doc = serde_json::json!({
            "profile": profile,
            "host": client.host(),
            "inventory": inv,
        });
        output::json(&doc);
    } else {
        output::print(&human(profile, client.host(), &inv));
    }
    match &inv.failure {
        // One line for the whole inventory, with the code of what went wrong.
        Some(f) => report::incomplete(&format!("the inventory is incomplete: {}", f.0), &f.0),
        None => exit::OK,
    }
}

fn part<T>(p: &Part<T>, show: impl Fn(&T) -> String) -> String {
    match p {
        Part::Ok(v) => show(v),
        Part::NotAvailable => "not available on this server".to_string(),
        Part::Error(e) => format!("error: {e}"),
    }
}

/// The human form of the inventory.
pub fn human(profile: &str, host: &str, inv: &Inventory) -> String {
    let mut s = String::new();
    s.push_str(&format!("profile      {profile}\nhost         {host}\n"));
    s.push_str(&format!(
        "user         {}\n",
        part(&inv.user, |u| u.clone())
    ));
    s.push_str(&format!(
        "experiments  {}\n",
        part(&inv.experiments, |c| c.to_string())
    ));
    s.push_str(&format!(
        "uc models    {}\n",
        part(&inv.uc_models, |c| c.to_string())
    ));
    s.push_str(&format!(
        "ws models    {}\n",
        part(&inv.workspace_models, |c| c.to_string())
    ));
    s.push_str(&format!(
        "endpoints    {}\n",
        part(&inv.endpoints, |h| format!(
            "{} total: {} ready, {} updating, {} failed, {} other",
            h.total, h.ready, h.updating, h.failed, h.other
        ))
    ));
    s
}
