//! Following an online table after a change (publish, sync): the table is re-read every 2 s
//! until its sync has ended. One that never appears is not re-read forever: after
//! [`FOLLOW_GIVE_UP_MS`] of reads without it, following stops and the detail says so (`r`
//! re-reads by hand). Giving up journals nothing: the change's outcome stays as it was.

use super::FeaturesState;

/// How long a followed online table may stay unseen before following stops.
pub const FOLLOW_GIVE_UP_MS: i64 = 120_000;

/// Following stopped: `name` was not found for [`FOLLOW_GIVE_UP_MS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowGaveUp {
    pub name: String,
    pub after_ms: i64,
}

impl FollowGaveUp {
    pub fn text(&self) -> String {
        format!(
            "{} not found after {}; stopped following — r to re-read",
            self.name,
            crate::app::format::duration(self.after_ms)
        )
    }
}

impl FeaturesState {
    /// Starts following `name` (after a change), forgetting an earlier give-up.
    pub(crate) fn follow(&mut self, name: Option<String>) {
        self.following = name;
        self.follow_unseen_since = None;
        self.follow_gave_up = None;
    }

    /// After a read of the table at `now_ms` (the console's clock): a followed online table
    /// unseen since [`FOLLOW_GIVE_UP_MS`] is no longer followed; a given-up one that shows up
    /// again clears the note.
    pub(super) fn follow_read(&mut self, now_ms: i64) {
        let seen = |f: &FeaturesState, name: &str| {
            f.detail
                .data
                .as_ref()
                .is_some_and(|d| d.online.iter().any(|o| o.name.eq_ignore_ascii_case(name)))
        };
        if let Some(g) = &self.follow_gave_up
            && seen(self, &g.name)
        {
            self.follow_gave_up = None;
        }
        let Some(name) = self.following.clone() else {
            self.follow_unseen_since = None;
            return;
        };
        if seen(self, &name) {
            self.follow_unseen_since = None;
            return;
        }
        let since = *self.follow_unseen_since.get_or_insert(now_ms);
        if now_ms - since >= FOLLOW_GIVE_UP_MS {
            self.following = None;
            self.follow_unseen_since = None;
            self.follow_gave_up = Some(FollowGaveUp {
                name,
                after_ms: now_ms - since,
            });
        }
    }
}
