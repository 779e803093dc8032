//! The reverse lineage's jump (issue 14 §3, "lineage jumps work both ways"): from the endpoint
//! screen or a model version, `F` opens a feature table it depends on on the Features screen.
//! One key, no picker: the first stale table (on an endpoint, the first one live traffic
//! reaches, as its "depends on" lines list them), else the first table.

use crate::app::effect::Effect;
use crate::app::screens::features::detail::open_table;
use crate::app::state::{State, ToastLevel};
use crate::ops::feature_lineage::TableState;

/// The table `F` opens among `tables`: the first stale one `live` says traffic reaches, else the
/// first stale, else the first.
pub fn pick(tables: &[TableState], live: impl Fn(&str) -> bool) -> Option<&str> {
    let stale = || tables.iter().filter(|t| t.is_stale());
    stale()
        .find(|t| live(&t.table))
        .or_else(|| stale().next())
        .or_else(|| tables.first())
        .map(|t| t.table.as_str())
}

/// The table `F` opens from endpoint `name`, once its lineage is read.
pub fn endpoint_table(state: &State, name: &str) -> Option<String> {
    let l = state.feature_lineage.endpoint(name)?;
    let uses = l.stale_uses();
    pick(&l.tables, |t| uses.iter().any(|u| u.table.table == t)).map(str::to_string)
}

/// The table `F` opens from the version selected on the Models screen, once read.
pub fn version_table(state: &State) -> Option<String> {
    let v = state.models.selected_version()?;
    let l = state
        .feature_lineage
        .version(&state.models.name, &v.version)?;
    pick(&l.tables, |_| true).map(str::to_string)
}

/// Opens the endpoint's table, or says why there is none.
pub(crate) fn from_endpoint(state: &mut State, fx: &mut Vec<Effect>) {
    let name = state.serving.name.clone();
    match endpoint_table(state, &name) {
        Some(table) => open_table(state, &table, fx),
        None => {
            let f = &state.feature_lineage.endpoints;
            let why = if f.data.is_none() && f.is_loading() {
                "the feature lineage is being read"
            } else if f.data.is_none() {
                "the feature lineage is not read yet"
            } else {
                "no feature table found for this endpoint's versions"
            };
            state.toast(ToastLevel::Info, why);
        }
    }
}

/// Opens the selected version's table, or says why there is none.
pub(crate) fn from_version(state: &mut State, fx: &mut Vec<Effect>) {
    match version_table(state) {
        Some(table) => open_table(state, &table, fx),
        None => {
            let f = &state.feature_lineage.versions;
            let why = if f.data.is_none() && f.is_loading() {
                "the feature lineage is being read"
            } else if f.data.is_none() {
                "the feature lineage is not read (Unity Catalog models only)"
            } else {
                "no feature table found for this version"
            };
            state.toast(ToastLevel::Info, why);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::feature_lineage::Freshness;

    fn table(name: &str, stale: bool) -> TableState {
        let freshness = if stale {
            Freshness::Stale { age_ms: 1 }
        } else {
            Freshness::Fresh { age_ms: 0 }
        };
        TableState {
            table: name.to_string(),
            updated_at: None,
            freshness,
            online: Vec::new(),
            error: None,
        }
    }

    #[test]
    fn picks_the_live_stale_then_the_first_stale_then_the_first() {
        let tables = vec![table("a", false), table("b", true), table("c", true)];
        assert_eq!(pick(&tables, |t| t == "c"), Some("c"));
        assert_eq!(pick(&tables, |_| false), Some("b"));
        assert_eq!(pick(&tables[..1], |_| true), Some("a"));
        assert_eq!(pick(&[], |_| true), None);
    }
}
