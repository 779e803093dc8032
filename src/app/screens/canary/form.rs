//! The canary plan form: build a plan from fields prefilled from the endpoint, or name a plan
//! file. Building goes through the same TOML validation as a plan file, so both report the same
//! errors, each naming its key.

use tui_input::Input;

use crate::api::models::serving::ServingEndpoint;
use crate::ops::canary::CanaryPlan;
use crate::ops::canary::start::default_steps;
use crate::ops::traffic::Split;

use super::super::super::form::FormField;

/// What the form asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormMode {
    /// Every field of a plan.
    Build,
    /// The path of a plan file.
    File,
}

/// Served entity of the endpoint: its name and the model it serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityInfo {
    pub name: String,
    pub model: Option<String>,
    pub version: Option<String>,
    pub percent: u32,
}

/// The fields of a built plan, in order.
pub const FIELDS: [(&str, &str); 10] = [
    ("stable", "served entity that keeps the traffic"),
    ("canary", "served entity, or a version number to add at 0%"),
    ("steps", "canary percentages, e.g. 5,25,50,100"),
    ("hold", "minimum time at each step, e.g. 2m"),
    ("interval", "how often metrics are judged, e.g. 15s"),
    ("min_requests", "requests per entity before a PASS"),
    (
        "max_error_rate_delta",
        "canary - stable 5xx rate (0.01 = 1 point)",
    ),
    ("max_p99_ms", "canary p99 limit in ms (empty: off)"),
    ("max_p99_ratio", "canary p99 / stable p99 (empty: off)"),
    ("confidence", "confidence of the intervals"),
];

#[derive(Debug, Clone)]
pub struct CanaryForm {
    pub endpoint: String,
    pub mode: FormMode,
    pub fields: Vec<FormField>,
    pub focus: usize,
    /// Why the last submit did not give a plan, one line each.
    pub errors: Vec<String>,
    /// A plan file is being read.
    pub reading: bool,
    pub entities: Vec<EntityInfo>,
}

fn field(name: &str, default: String) -> FormField {
    FormField {
        name: name.to_string(),
        input: Input::new(default.clone()),
        default,
    }
}

/// The endpoint's served entities with their traffic shares, largest share first.
pub fn entities_of(ep: &ServingEndpoint) -> Vec<EntityInfo> {
    let split = Split::of_endpoint(ep);
    let mut out: Vec<EntityInfo> = ep
        .config
        .iter()
        .flat_map(|c| c.served_entities.iter())
        .map(|e| EntityInfo {
            name: e.name.clone(),
            model: e.entity_name.clone(),
            version: e.entity_version.clone(),
            percent: split.percent(&e.name),
        })
        .collect();
    out.sort_by_key(|e| std::cmp::Reverse(e.percent));
    out
}

impl CanaryForm {
    /// A plan for `endpoint`: stable is the entity with the largest share, canary the next one.
    pub fn build(endpoint: &str, entities: Vec<EntityInfo>) -> CanaryForm {
        let stable = entities.first().map(|e| e.name.clone()).unwrap_or_default();
        let canary = entities.get(1).map(|e| e.name.clone()).unwrap_or_default();
        // A canary that already takes traffic is not cut back: the steps start at its share.
        let share = entities.get(1).map_or(0, |e| e.percent);
        let steps: Vec<String> = default_steps(share).iter().map(u32::to_string).collect();
        let defaults = [
            stable,
            canary,
            steps.join(","),
            "2m".to_string(),
            "15s".to_string(),
            "200".to_string(),
            "0.01".to_string(),
            String::new(),
            "1.2".to_string(),
            "0.95".to_string(),
        ];
        CanaryForm {
            endpoint: endpoint.to_string(),
            mode: FormMode::Build,
            fields: FIELDS
                .iter()
                .zip(defaults)
                .map(|((name, _), d)| field(name, d))
                .collect(),
            focus: 0,
            errors: Vec::new(),
            reading: false,
            entities,
        }
    }

    /// A prompt for the path of a plan file.
    pub fn file(endpoint: &str, entities: Vec<EntityInfo>) -> CanaryForm {
        CanaryForm {
            endpoint: endpoint.to_string(),
            mode: FormMode::File,
            fields: vec![field("plan file", String::new())],
            focus: 0,
            errors: Vec::new(),
            reading: false,
            entities,
        }
    }

    pub fn focus_by(&mut self, delta: isize) {
        let n = self.fields.len() as isize;
        if n > 0 {
            self.focus = (self.focus as isize + delta).rem_euclid(n) as usize;
        }
    }

    fn value(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.input.value().trim().to_string())
            .unwrap_or_default()
    }

    /// The typed path (file mode).
    pub fn path(&self) -> String {
        self.value("plan file")
    }

    /// The plan the fields describe, or every problem with them.
    pub fn plan(&self) -> Result<CanaryPlan, Vec<String>> {
        let mut errors = Vec::new();
        let mut t = toml::Table::new();
        t.insert("endpoint".into(), self.endpoint.clone().into());
        let stable = self.value("stable");
        if !stable.is_empty() {
            t.insert("stable".into(), stable.clone().into());
        }
        let canary = self.value("canary");
        let is_version = !canary.is_empty() && canary.chars().all(|c| c.is_ascii_digit());
        let served = self.entities.iter().find(|e| e.name == canary);
        match (served, is_version) {
            (Some(_), _) | (None, false) if !canary.is_empty() => {
                t.insert("canary".into(), canary.clone().into());
            }
            (None, true) => {
                let stable_entity = self.entities.iter().find(|e| e.name == stable);
                let model = stable_entity.and_then(|e| e.model.clone());
                // A version the endpoint already serves is that entity, not a new one.
                let same = self.entities.iter().find(|e| {
                    e.model.is_some() && e.model == model && e.version.as_deref() == Some(&canary)
                });
                match (same, model) {
                    (Some(e), _) => {
                        t.insert("canary".into(), e.name.clone().into());
                    }
                    (None, Some(m)) => {
                        t.insert("canary_model".into(), m.into());
                        t.insert("canary_version".into(), canary.clone().into());
                    }
                    (None, None) => errors.push(format!(
                        "canary: version {canary} needs the stable entity's model, and {stable:?} \
                         serves no model"
                    )),
                }
            }
            _ => {}
        }
        let steps: Result<Vec<i64>, _> = self
            .value("steps")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.trim_end_matches('%').parse::<i64>())
            .collect();
        match steps {
            Ok(s) => {
                t.insert("steps".into(), s.into());
            }
            Err(_) => errors.push(format!(
                "steps: whole percentages separated by commas, got {:?}",
                self.value("steps")
            )),
        }
        for key in ["hold", "interval"] {
            let v = self.value(key);
            if !v.is_empty() {
                t.insert(key.into(), v.into());
            }
        }
        let mut guards = toml::Table::new();
        let v = self.value("min_requests");
        if !v.is_empty() {
            match v.parse::<i64>() {
                Ok(n) => {
                    guards.insert("min_requests".into(), n.into());
                }
                Err(_) => errors.push(format!("min_requests: a whole number, got {v:?}")),
            }
        }
        for key in [
            "max_error_rate_delta",
            "max_p99_ms",
            "max_p99_ratio",
            "confidence",
        ] {
            let v = self.value(key);
            if v.is_empty() {
                continue;
            }
            match v.parse::<f64>() {
                Ok(x) if x.is_finite() => {
                    guards.insert(key.into(), x.into());
                }
                _ => errors.push(format!("{key}: a number, got {v:?}")),
            }
        }
        t.insert("guards".into(), guards.into());
        if !stable.is_empty()
            && !self.entities.is_empty()
            && !self.entities.iter().any(|e| e.name == stable)
        {
            errors.push(format!(
                "stable: {stable} is not served by {} (served: {})",
                self.endpoint,
                self.served_names()
            ));
        }
        if !canary.is_empty() && !is_version && !self.entities.is_empty() && served.is_none() {
            errors.push(format!(
                "canary: {canary} is not served by {} (served: {}); type a version number to \
                 add one at 0%",
                self.endpoint,
                self.served_names()
            ));
        }
        let parsed = toml::to_string(&t)
            .map_err(|e| vec![e.to_string()])
            .and_then(|text| CanaryPlan::parse(&text).map_err(|e| e.messages()));
        match parsed {
            Ok(plan) if errors.is_empty() => Ok(plan),
            Ok(_) => Err(errors),
            Err(more) => {
                errors.extend(more);
                Err(errors)
            }
        }
    }

    fn served_names(&self) -> String {
        self.entities
            .iter()
            .map(|e| e.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::canary::Canary;

    fn entities() -> Vec<EntityInfo> {
        vec![
            EntityInfo {
                name: "churn_model-4".into(),
                model: Some("main.ml.churn_model".into()),
                version: Some("4".into()),
                percent: 90,
            },
            EntityInfo {
                name: "churn_model-5".into(),
                model: Some("main.ml.churn_model".into()),
                version: Some("5".into()),
                percent: 10,
            },
        ]
    }

    fn set(f: &mut CanaryForm, name: &str, v: &str) {
        let field = f.fields.iter_mut().find(|x| x.name == name).unwrap();
        field.input = Input::new(v.into());
    }

    #[test]
    fn defaults_make_a_valid_plan_from_the_largest_share_to_the_other_entity() {
        let plan = CanaryForm::build("churn-prod", entities()).plan().unwrap();
        assert_eq!(plan.stable, "churn_model-4");
        assert_eq!(
            plan.canary,
            Canary::Served {
                name: "churn_model-5".into()
            }
        );
        // From the canary's current 10%: no step cuts it.
        assert_eq!(plan.steps, vec![10, 25, 50, 100]);
        assert_eq!((plan.hold_ms, plan.interval_ms), (120_000, 15_000));
        assert_eq!(plan.guards.max_p99_ms, None);
        assert_eq!(plan.guards.max_p99_ratio, Some(1.2));
    }

    #[test]
    fn a_version_number_adds_the_stable_model_at_that_version() {
        let mut f = CanaryForm::build("churn-prod", entities());
        set(&mut f, "canary", "6");
        let plan = f.plan().unwrap();
        assert_eq!(
            plan.canary,
            Canary::New {
                model: "main.ml.churn_model".into(),
                version: "6".into()
            }
        );
        // A version already served is that entity.
        set(&mut f, "canary", "5");
        assert!(matches!(f.plan().unwrap().canary, Canary::Served { .. }));
    }

    #[test]
    fn every_problem_is_reported_with_its_key() {
        let mut f = CanaryForm::build("churn-prod", entities());
        set(&mut f, "canary", "nope");
        set(&mut f, "steps", "50,25");
        set(&mut f, "hold", "soon");
        set(&mut f, "min_requests", "lots");
        let errors = f.plan().unwrap_err();
        let all = errors.join("\n");
        for key in ["canary:", "steps:", "hold:", "min_requests:"] {
            assert!(all.contains(key), "{key} missing in {all}");
        }
    }
}
