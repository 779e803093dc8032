//! A planned serving change: the endpoint's config before → after, the `PUT` that makes it, and
//! the words of the confirm dialog (or of the headless twin without `--yes`). Pure.

use serde::Serialize;

use crate::api::models::serving::ServingEndpoint;
use crate::api::models::serving_config::ServedEntityInput;
use crate::ops::change::target::{ChangeAction, ObjectState, Target};
use crate::ops::error::OpError;

use super::config::EndpointConfigState;
use super::split::Split;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrafficPlan {
    pub endpoint: String,
    pub action: ChangeAction,
    pub before: EndpointConfigState,
    pub after: EndpointConfigState,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The journal id of the change this one undoes (roll backs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reverts: Option<String>,
    pub warnings: Vec<String>,
}

impl TrafficPlan {
    /// New routes for `ep`, keeping its served entities. `target` must name exactly the
    /// endpoint's entities (0% allowed) and total 100.
    pub fn routes(
        ep: &ServingEndpoint,
        target: &Split,
        action: ChangeAction,
    ) -> Result<Self, OpError> {
        let before = EndpointConfigState::of(ep);
        if before.served_entities.is_empty() {
            return Err(OpError::Invalid(format!(
                "endpoint {} has no live config to change (yet)",
                ep.name
            )));
        }
        let names = before.entity_names();
        if let Some(unknown) = target.shares.iter().find(|s| !names.contains(&s.entity)) {
            return Err(OpError::Invalid(format!(
                "endpoint {} serves no entity {} (it serves {})",
                ep.name,
                unknown.entity,
                names.join(", ")
            )));
        }
        if target.total() != 100 {
            return Err(OpError::Invalid(format!(
                "the shares add up to {}, not 100",
                target.total()
            )));
        }
        // Every entity appears in the routes, in entity order.
        let routes = Split::new(
            &names
                .iter()
                .map(|n| (n.as_str(), target.percent(n)))
                .collect::<Vec<_>>(),
        );
        Ok(Self::config(ep, before.with_routes(routes), action))
    }

    /// `ep` to an arbitrary config (roll back, adding a canary entity).
    pub fn config(ep: &ServingEndpoint, after: EndpointConfigState, action: ChangeAction) -> Self {
        TrafficPlan {
            endpoint: ep.name.clone(),
            action,
            before: EndpointConfigState::of(ep),
            after,
            comment: None,
            reverts: None,
            warnings: Vec::new(),
        }
    }

    /// `ep` with `entity` added at 0% (routes unchanged).
    pub fn add_entity(
        ep: &ServingEndpoint,
        entity: ServedEntityInput,
        action: ChangeAction,
    ) -> Self {
        let before = EndpointConfigState::of(ep);
        let mut after = before.clone();
        let name = entity.effective_name();
        after.served_entities.push(entity);
        after.routes.shares.push(super::split::Share {
            entity: name,
            percent: 0,
        });
        Self::config(ep, after, action)
    }

    /// `ep` without `entity`, which must take 0% of the traffic and not be the only entity
    /// (e.g. the stable entity a canary promotion left at 0%).
    pub fn remove_entity(
        ep: &ServingEndpoint,
        entity: &str,
        action: ChangeAction,
    ) -> Result<Self, OpError> {
        let before = EndpointConfigState::of(ep);
        let names = before.entity_names();
        if !names.iter().any(|n| n == entity) {
            return Err(OpError::Invalid(format!(
                "endpoint {} serves no entity {entity} (it serves {})",
                ep.name,
                names.join(", ")
            )));
        }
        if names.len() < 2 {
            return Err(OpError::Invalid(format!(
                "{entity} is the only entity of endpoint {}: it is not removed",
                ep.name
            )));
        }
        let share = before.routes.percent(entity);
        if share > 0 {
            return Err(OpError::Invalid(format!(
                "{entity} takes {share}% of endpoint {}'s traffic: move it to 0% first",
                ep.name
            )));
        }
        let mut after = before.clone();
        after
            .served_entities
            .retain(|e| e.effective_name() != entity);
        after.routes.shares.retain(|s| s.entity != entity);
        Ok(Self::config(ep, after, action))
    }

    pub fn with_comment(mut self, comment: Option<String>) -> Self {
        self.comment = comment;
        self
    }

    pub fn target(&self) -> Target {
        Target::Endpoint {
            name: self.endpoint.clone(),
        }
    }

    pub fn before_state(&self) -> ObjectState {
        ObjectState::Endpoint(self.before.clone())
    }

    pub fn after_state(&self) -> ObjectState {
        ObjectState::Endpoint(self.after.clone())
    }

    /// Nothing to send: the endpoint is already so.
    pub fn is_noop(&self) -> bool {
        self.after.satisfied_by(&self.before)
    }

    /// The request, as the journal records it.
    pub fn request_line(&self) -> String {
        format!(
            "PUT /api/2.0/serving-endpoints/{}/config ({})",
            self.endpoint,
            self.after.describe()
        )
    }

    /// One line: `traffic on endpoint churn-prod: a=90, b=10 → a=80, b=20`.
    pub fn summary(&self) -> String {
        format!(
            "{} on endpoint {}: {} → {}",
            self.action,
            self.endpoint,
            self.before.describe(),
            self.after.describe()
        )
    }

    /// What the confirm dialog shows; production profiles must type the endpoint's name.
    pub fn dialog_lines(&self, profile: &str, host: &str, production: bool) -> Vec<String> {
        let mut lines = vec![
            format!(
                "Profile:  {profile}{}",
                if production { " (PRODUCTION)" } else { "" }
            ),
            format!("Host:     {host}"),
            format!("Action:   {}", self.action),
            format!("Object:   endpoint {}", self.endpoint),
            format!("Before:   {}", self.before.describe()),
            format!("After:    {}", self.after.describe()),
        ];
        let added: Vec<String> = self
            .after
            .entity_names()
            .into_iter()
            .filter(|n| self.before.entity(n).is_none())
            .collect();
        let removed: Vec<String> = self
            .before
            .entity_names()
            .into_iter()
            .filter(|n| self.after.entity(n).is_none())
            .collect();
        if !added.is_empty() {
            lines.push(format!("Adds:     {}", added.join(", ")));
        }
        if !removed.is_empty() {
            lines.push(format!("Removes:  {}", removed.join(", ")));
        }
        if let Some(c) = &self.comment {
            lines.push(format!("Comment:  {c}"));
        }
        if let Some(r) = &self.reverts {
            lines.push(format!("Reverts:  journal entry {r}"));
        }
        for w in &self.warnings {
            lines.push(format!("Warning:  {w}"));
        }
        if self.is_noop() {
            lines.push("Nothing to send: the endpoint is already so.".to_string());
        } else {
            lines.push(format!("Sends:    {}", self.request_line()));
            lines.push(
                "Then:     waits for the update (NOT_UPDATING) and reads the routes back"
                    .to_string(),
            );
        }
        if production {
            lines.push(format!("Type '{}' to confirm.", self.endpoint));
        }
        lines
    }
}
