//! Putting the cursor on a feature from outside the room (an alert's jump).

use super::MonitoringState;

/// Moves the cursor to `feature`'s row of the ranked matrix (newest window); `false` while
/// the matrix is not there or lacks the feature.
pub fn select_feature(state: &mut MonitoringState, feature: &str) -> bool {
    let Some(row) = state
        .matrix()
        .and_then(|m| m.features.iter().position(|f| f.name == feature))
    else {
        return false;
    };
    state.row = row;
    state.column = None;
    true
}
