//! Traffic split arithmetic: the routes of an endpoint as whole percentages per served entity,
//! always totalling 100.
//!
//! * `+` / `-` ([`Split::shift`]) move the selected entity's share up or down by a step; the
//!   points come from (or go to) the other entities in proportion to their shares, rounded by
//!   largest remainder (Hamilton's method) so the total stays exactly 100. When every other
//!   entity is at 0, points given away go to the first other entity in route order. A typed
//!   step (`ENTITY=+STEP`, [`Split::parse_shift`]) is at most 100 points either way and
//!   [`Split::shift_exactly`] refuses one that would have to be cut short, where the keys
//!   ([`Split::shift`]) stop at 0 or 100.
//! * `=` ([`Split::exact`]) takes a typed split such as `a=90,b=10`: every named entity must
//!   exist, each share is an integer 0–100, names are unique, and the total is 100. Entities
//!   not named get 0.
//! * Canary plans ([`Split::canary_step`], [`Split::canary_rollback`], in `split/canary.rs`)
//!   scale every other entity from the split the plan started from; plans saved before that
//!   split was kept use [`Split::with_canary`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::api::models::serving::{Route, ServingEndpoint};

/// One entity's share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub entity: String,
    pub percent: u32,
}

/// Shares in route order (the endpoint's entity order).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    pub shares: Vec<Share>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    #[error("no served entity {entity} on this endpoint (it serves {})", known.join(", "))]
    UnknownEntity { entity: String, known: Vec<String> },
    #[error("{entity} is named twice")]
    Duplicate { entity: String },
    #[error("expected ENTITY=PERCENT[,ENTITY=PERCENT…], got {0:?}")]
    Syntax(String),
    #[error("expected ENTITY=+STEP or ENTITY=-STEP, got {0:?}")]
    ShiftSyntax(String),
    #[error("{entity}={value}: a share is a whole percentage from 0 to 100")]
    OutOfRange { entity: String, value: String },
    #[error("the shares add up to {total}, not 100")]
    Total { total: u32 },
    #[error("{0}")]
    NothingToMove(String),
    #[error("{value:?}: a step is a whole number, at most 100 points either way (e.g. +5 or -5)")]
    Step { value: String },
    #[error("{entity} is at {percent}%: it can move {direction} by at most {most} points")]
    Beyond {
        entity: String,
        percent: u32,
        direction: &'static str,
        most: u32,
    },
}

impl Split {
    pub fn new(pairs: &[(&str, u32)]) -> Split {
        Split {
            shares: pairs
                .iter()
                .map(|(e, p)| Share {
                    entity: e.to_string(),
                    percent: *p,
                })
                .collect(),
        }
    }

    /// The split of routes as written (a route naming an entity twice counts once, summed).
    pub fn from_routes(routes: &[Route]) -> Split {
        let mut split = Split::default();
        for r in routes {
            let pct = r.traffic_percentage.clamp(0, 100) as u32;
            match split.shares.iter_mut().find(|s| s.entity == r.target()) {
                Some(s) => s.percent += pct,
                None => split.shares.push(Share {
                    entity: r.target().to_string(),
                    percent: pct,
                }),
            }
        }
        split
    }

    /// The live split of an endpoint: its routes, plus its served entities without a route at
    /// 0%, in entity order.
    pub fn of_endpoint(ep: &ServingEndpoint) -> Split {
        let Some(config) = &ep.config else {
            return Split::default();
        };
        let routes = config
            .traffic_config
            .as_ref()
            .map(|t| t.routes.as_slice())
            .unwrap_or(&[]);
        let from_routes = Split::from_routes(routes);
        let mut names: Vec<String> = config
            .served_entities
            .iter()
            .map(|e| e.name.clone())
            .collect();
        if names.is_empty() {
            names = config
                .served_models
                .iter()
                .map(|m| m.name.clone())
                .collect();
        }
        let mut split = Split {
            shares: names
                .iter()
                .map(|n| Share {
                    entity: n.clone(),
                    percent: from_routes.percent(n),
                })
                .collect(),
        };
        for s in from_routes.shares {
            if !names.contains(&s.entity) {
                split.shares.push(s);
            }
        }
        split
    }

    pub fn entities(&self) -> Vec<String> {
        self.shares.iter().map(|s| s.entity.clone()).collect()
    }

    pub fn percent(&self, entity: &str) -> u32 {
        self.shares
            .iter()
            .filter(|s| s.entity == entity)
            .map(|s| s.percent)
            .sum()
    }

    pub fn total(&self) -> u32 {
        self.shares.iter().map(|s| s.percent).sum()
    }

    /// Non-zero shares by entity.
    fn map(&self) -> BTreeMap<&str, u32> {
        let mut m = BTreeMap::new();
        for s in self.shares.iter().filter(|s| s.percent > 0) {
            *m.entry(s.entity.as_str()).or_insert(0) += s.percent;
        }
        m
    }

    /// Same traffic per entity (an entity at 0% and one without a route are the same).
    pub fn same_as(&self, other: &Split) -> bool {
        self.map() == other.map()
    }

    /// Routes for `traffic_config`, one per share (0% included), in order.
    pub fn to_routes(&self) -> Vec<Route> {
        self.shares
            .iter()
            .map(|s| Route {
                served_entity_name: Some(s.entity.clone()),
                served_model_name: None,
                traffic_percentage: i64::from(s.percent),
            })
            .collect()
    }

    /// `a=90, b=10`.
    pub fn describe(&self) -> String {
        if self.shares.is_empty() {
            return "(no routes)".to_string();
        }
        self.shares
            .iter()
            .map(|s| format!("{}={}", s.entity, s.percent))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn check_known(&self, entity: &str) -> Result<(), SplitError> {
        if self.shares.iter().any(|s| s.entity == entity) {
            Ok(())
        } else {
            Err(SplitError::UnknownEntity {
                entity: entity.to_string(),
                known: self.entities(),
            })
        }
    }

    /// Moves `entity` up (`delta > 0`) or down by `|delta|` points, as far as possible; the
    /// others give or take in proportion to their shares (largest remainder).
    pub fn shift(&self, entity: &str, delta: i32) -> Result<Split, SplitError> {
        self.check_known(entity)?;
        let mine = self.percent(entity);
        let others: u32 = self.total() - mine;
        let mut next = self.clone();
        let n = self.shares.len();
        if delta > 0 {
            let amount = (delta as u32).min(others);
            if amount == 0 {
                return Err(SplitError::NothingToMove(format!(
                    "{entity} already takes all the traffic"
                )));
            }
            let weights: Vec<u32> = self
                .shares
                .iter()
                .map(|s| if s.entity == entity { 0 } else { s.percent })
                .collect();
            for (i, take) in apportion(amount, &weights).into_iter().enumerate() {
                next.shares[i].percent -= take;
            }
            set(&mut next, entity, mine + amount);
        } else if delta < 0 {
            let amount = delta.unsigned_abs().min(mine);
            if amount == 0 || n < 2 {
                return Err(SplitError::NothingToMove(format!(
                    "{entity} takes no traffic to move"
                )));
            }
            let mut weights: Vec<u32> = self
                .shares
                .iter()
                .map(|s| if s.entity == entity { 0 } else { s.percent })
                .collect();
            if weights.iter().all(|w| *w == 0) {
                let first = self.shares.iter().position(|s| s.entity != entity);
                if let Some(i) = first {
                    weights[i] = 1;
                }
            }
            for (i, give) in apportion(amount, &weights).into_iter().enumerate() {
                next.shares[i].percent += give;
            }
            set(&mut next, entity, mine - amount);
        }
        Ok(next)
    }

    /// [`Split::shift`] by exactly `delta` points: a step that cannot be taken in full (the
    /// entity would pass 0% or 100%) is refused, saying how far it can go.
    pub fn shift_exactly(&self, entity: &str, delta: i32) -> Result<Split, SplitError> {
        self.check_known(entity)?;
        let mine = self.percent(entity);
        let (direction, most) = if delta > 0 {
            ("up", self.total().saturating_sub(mine))
        } else {
            ("down", mine)
        };
        if most > 0 && delta.unsigned_abs() > most {
            return Err(SplitError::Beyond {
                entity: entity.to_string(),
                percent: mine,
                direction,
                most,
            });
        }
        self.shift(entity, delta)
    }

    /// Parses `ENTITY=+STEP` or `ENTITY=-STEP` (a bare number is a step up): whole points, at
    /// most 100 either way.
    pub fn parse_shift(text: &str) -> Result<(String, i32), SplitError> {
        let (entity, step) = text
            .rsplit_once('=')
            .map(|(e, s)| (e.trim(), s.trim()))
            .filter(|(e, _)| !e.is_empty())
            .ok_or_else(|| SplitError::ShiftSyntax(text.to_string()))?;
        let delta = step
            .parse::<i32>()
            .ok()
            .filter(|d| d.unsigned_abs() <= 100)
            .ok_or_else(|| SplitError::Step {
                value: step.to_string(),
            })?;
        Ok((entity.to_string(), delta))
    }

    /// Parses `a=90,b=10` (blanks allowed around names and numbers).
    pub fn parse_assignment(text: &str) -> Result<Vec<(String, u32)>, SplitError> {
        let mut out: Vec<(String, u32)> = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = part
                .split_once('=')
                .ok_or_else(|| SplitError::Syntax(text.to_string()))?;
            let (name, value) = (name.trim(), value.trim().trim_end_matches('%'));
            if name.is_empty() {
                return Err(SplitError::Syntax(text.to_string()));
            }
            let pct = value
                .parse::<u32>()
                .ok()
                .filter(|p| *p <= 100)
                .ok_or_else(|| SplitError::OutOfRange {
                    entity: name.to_string(),
                    value: value.to_string(),
                })?;
            if out.iter().any(|(n, _)| n == name) {
                return Err(SplitError::Duplicate {
                    entity: name.to_string(),
                });
            }
            out.push((name.to_string(), pct));
        }
        if out.is_empty() {
            return Err(SplitError::Syntax(text.to_string()));
        }
        Ok(out)
    }

    /// The exact split `assignment` over this split's entities (unnamed ones get 0).
    pub fn exact(&self, assignment: &[(String, u32)]) -> Result<Split, SplitError> {
        for (name, _) in assignment {
            self.check_known(name)?;
        }
        let total: u32 = assignment.iter().map(|(_, p)| p).sum();
        if total != 100 {
            return Err(SplitError::Total { total });
        }
        let mut next = self.clone();
        for s in &mut next.shares {
            s.percent = assignment
                .iter()
                .find(|(n, _)| *n == s.entity)
                .map_or(0, |(_, p)| *p);
        }
        Ok(next)
    }

    /// `canary` at `percent`, `stable` taking what the others leave; other entities keep their
    /// shares. Fails when they leave too little. (The arithmetic of canary plans saved without
    /// the split they started from.)
    pub fn with_canary(
        &self,
        stable: &str,
        canary: &str,
        percent: u32,
    ) -> Result<Split, SplitError> {
        self.check_known(stable)?;
        self.check_known(canary)?;
        let others: u32 = self
            .shares
            .iter()
            .filter(|s| s.entity != stable && s.entity != canary)
            .map(|s| s.percent)
            .sum();
        if percent + others > 100 {
            return Err(SplitError::NothingToMove(format!(
                "{canary} cannot take {percent}%: other entities hold {others}%"
            )));
        }
        let mut next = self.clone();
        set(&mut next, canary, percent);
        set(&mut next, stable, 100 - others - percent);
        Ok(next)
    }
}

fn set(split: &mut Split, entity: &str, percent: u32) {
    let mut first = true;
    for s in split.shares.iter_mut().filter(|s| s.entity == entity) {
        s.percent = if first { percent } else { 0 };
        first = false;
    }
}

/// Splits `amount` whole points across `weights` in proportion, by largest remainder (ties go
/// to the earlier entry). Never gives an entry more than its weight when `amount ≤ Σweights`.
fn apportion(amount: u32, weights: &[u32]) -> Vec<u32> {
    let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
    if total == 0 {
        return vec![0; weights.len()];
    }
    let mut parts: Vec<u32> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(u64, usize)> = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let exact = u64::from(amount) * u64::from(*w);
        parts.push((exact / total) as u32);
        remainders.push((exact % total, i));
    }
    let mut left = amount - parts.iter().sum::<u32>();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders {
        if left == 0 {
            break;
        }
        if weights[i] > 0 {
            parts[i] += 1;
            left -= 1;
        }
    }
    parts
}

mod canary;

#[cfg(test)]
mod tests;
