//! The registry as the Models screen shows it: Unity Catalog and workspace-registry models in
//! one list, and one model's versions with their approval state. Reads only.

use crate::api::models::mlflow::KeyValue;
use crate::api::models::registry::{ModelVersion, RegisteredModel, Stage};
use crate::api::models::uc_models::{ModelVersionInfo, RegisteredModelInfo};
use crate::api::paging::{Page, collect_pages};
use crate::api::{ApiResult, Client};
use crate::config::ApprovalSettings;
use crate::ops::model_versions::list_model_versions;

/// Models listed at most (per registry).
pub const MAX_MODELS: usize = 5_000;
/// Versions read per model.
pub const MAX_VERSIONS: usize = 1_000;
/// UC models whose aliases are read for the list.
pub const MAX_ALIAS_READS: usize = 200;

/// Which registry a model lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    UnityCatalog,
    Workspace,
}

impl Source {
    pub fn label(self) -> &'static str {
        match self {
            Source::UnityCatalog => "UC",
            Source::Workspace => "workspace",
        }
    }
}

/// One row of the Models list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelRow {
    pub source: Source,
    pub name: String,
    pub owner: Option<String>,
    /// `alias → version` (UC) or `stage → version` of the latest versions (workspace).
    pub pointers: Vec<(String, String)>,
    pub updated_ms: Option<i64>,
    pub description: Option<String>,
}

impl ModelRow {
    /// "champion=4 challenger=5" / "Production=3 Staging=4".
    pub fn pointers_text(&self) -> String {
        let at = if self.source == Source::UnityCatalog {
            "@"
        } else {
            ""
        };
        self.pointers
            .iter()
            .map(|(k, v)| format!("{at}{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Whether the `/` filter text (lowercase) matches any column.
    pub fn matches(&self, needle: &str) -> bool {
        needle.is_empty()
            || [
                self.name.as_str(),
                self.source.label(),
                self.owner.as_deref().unwrap_or(""),
                &self.pointers_text(),
            ]
            .iter()
            .any(|t| t.to_lowercase().contains(needle))
    }
}

/// One version of a model.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VersionRow {
    pub version: String,
    pub status: String,
    /// UC aliases pointing here.
    pub aliases: Vec<String>,
    /// Workspace stage.
    pub stage: Option<String>,
    pub created_by: Option<String>,
    pub created_ms: Option<i64>,
    pub run_id: Option<String>,
    /// UC approval tag value, or "requested → Production" for open workspace requests.
    pub approval: Option<String>,
    pub description: Option<String>,
    /// Open workspace transition requests: "alice asked for Production (comment)".
    pub requests: Vec<String>,
}

/// A model with its versions, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelDetail {
    pub row: ModelRow,
    pub tags: Vec<(String, String)>,
    pub versions: Vec<VersionRow>,
}

fn uc_row(m: RegisteredModelInfo) -> ModelRow {
    let mut pointers: Vec<(String, String)> = m
        .aliases
        .iter()
        .map(|a| (a.alias_name.clone(), a.version_num.to_string()))
        .collect();
    pointers.sort();
    ModelRow {
        source: Source::UnityCatalog,
        name: m.full_name,
        owner: m.owner,
        pointers,
        updated_ms: m.updated_at.or(m.created_at),
        description: m.comment,
    }
}

fn ws_row(m: RegisteredModel) -> ModelRow {
    let mut pointers: Vec<(String, String)> = m
        .latest_versions
        .iter()
        .filter_map(|v| {
            let stage = v.current_stage.clone()?;
            (stage != Stage::None && stage != Stage::Archived)
                .then(|| (stage.to_string(), v.version.clone()))
        })
        .collect();
    pointers.sort_by(|a, b| b.0.cmp(&a.0));
    ModelRow {
        source: Source::Workspace,
        name: m.name,
        owner: m.user_id,
        pointers,
        updated_ms: m.last_updated_timestamp.or(m.creation_timestamp),
        description: m.description,
    }
}

/// UC models (every catalog and schema, paged, with aliases) then workspace-registry models.
/// A registry the server lacks is left out; an error in both fails the list.
pub async fn list_models(client: &Client) -> ApiResult<Vec<ModelRow>> {
    let uc = collect_pages(
        "unity-catalog/models",
        |token| async move {
            let r = client
                .list_uc_models(None, Some(100), token.as_deref())
                .await?;
            Ok(Page {
                items: r.registered_models,
                next_page_token: r.next_page_token,
            })
        },
        Some(MAX_MODELS),
    )
    .await;
    let ws = collect_pages(
        "registered-models/search",
        |token| async move {
            let r = client
                .search_registered_models(None, Some(100), token.as_deref())
                .await?;
            Ok(Page {
                items: r.registered_models,
                next_page_token: r.next_page_token,
            })
        },
        Some(MAX_MODELS),
    )
    .await;
    let mut rows = Vec::new();
    let mut first_error = None;
    match uc {
        Ok(models) => rows.extend(with_aliases(client, models).await),
        Err(e) if e.is_not_available() => {}
        Err(e) => first_error = Some(e),
    }
    match ws {
        Ok(models) => rows.extend(models.into_iter().map(ws_row)),
        Err(e) if e.is_not_available() => {}
        Err(e) => {
            if rows.is_empty() {
                return Err(e);
            }
        }
    }
    match first_error {
        Some(e) if rows.is_empty() => Err(e),
        _ => Ok(rows),
    }
}

/// Listed UC models carry no aliases: read each model (up to [`MAX_ALIAS_READS`], a few at a
/// time); a model that cannot be read keeps its listed row.
async fn with_aliases(client: &Client, models: Vec<RegisteredModelInfo>) -> Vec<ModelRow> {
    use futures::stream::{self, StreamExt};
    stream::iter(models.into_iter().enumerate())
        .map(|(i, m)| async move {
            if i >= MAX_ALIAS_READS || !m.aliases.is_empty() {
                return uc_row(m);
            }
            match client.get_uc_model(&m.full_name).await {
                Ok(full) => uc_row(full),
                Err(_) => uc_row(m),
            }
        })
        .buffered(8)
        .collect()
        .await
}

fn tag(tags: &[KeyValue], key: &str) -> Option<String> {
    tags.iter().find(|t| t.key == key).map(|t| t.value.clone())
}

fn uc_version(v: ModelVersionInfo, aliases: Vec<String>, approval: Option<String>) -> VersionRow {
    VersionRow {
        version: v.version.to_string(),
        status: v.status.map(|s| s.to_string()).unwrap_or_default(),
        aliases,
        stage: None,
        created_by: v.created_by,
        created_ms: v.created_at,
        run_id: v.run_id,
        approval,
        description: v.comment,
        requests: Vec::new(),
    }
}

fn ws_version(v: ModelVersion) -> VersionRow {
    VersionRow {
        version: v.version,
        status: v.status.map(|s| s.to_string()).unwrap_or_default(),
        aliases: v.aliases,
        stage: v.current_stage.map(|s| s.to_string()),
        created_by: v.user_id,
        created_ms: v.creation_timestamp,
        run_id: v.run_id,
        approval: None,
        description: v.description,
        requests: Vec::new(),
    }
}

async fn uc_detail(
    client: &Client,
    name: &str,
    settings: &ApprovalSettings,
) -> ApiResult<ModelDetail> {
    let model = client.get_uc_model(name).await?;
    let page = client
        .list_uc_model_versions(name, Some(MAX_VERSIONS as i64), None)
        .await?;
    let mut versions = Vec::new();
    for v in page.model_versions {
        let aliases = model
            .aliases
            .iter()
            .filter(|a| a.version_num == v.version)
            .map(|a| a.alias_name.clone())
            .collect();
        // List items usually carry no tags: read them (the approval state lives there).
        let tags = if v.tags.is_empty() {
            client
                .get_uc_version_tags(name, &v.version.to_string())
                .await
                .unwrap_or_default()
        } else {
            v.tags.clone()
        };
        let approval = tag(&tags, &settings.tag);
        versions.push(uc_version(v, aliases, approval));
    }
    versions.sort_by_key(|v| std::cmp::Reverse(v.version.parse::<i64>().unwrap_or(0)));
    Ok(ModelDetail {
        row: uc_row(model),
        tags: Vec::new(),
        versions,
    })
}

async fn ws_detail(client: &Client, name: &str) -> ApiResult<ModelDetail> {
    let model = client.get_registered_model(name).await?;
    let found = list_model_versions(client, name, MAX_VERSIONS).await?;
    let mut versions = Vec::new();
    for v in found {
        let mut row = ws_version(v);
        if let Ok(open) = client.list_transition_requests(name, &row.version).await {
            for r in open {
                let to = r.to_stage.unwrap_or_default();
                row.approval
                    .get_or_insert_with(|| format!("requested {to}"));
                let mut text = format!(
                    "{} asked for {to}",
                    r.user_id.unwrap_or_else(|| "someone".into())
                );
                if let Some(c) = r.comment.filter(|c| !c.is_empty()) {
                    text.push_str(&format!(" ({c})"));
                }
                row.requests.push(text);
            }
        }
        versions.push(row);
    }
    versions.sort_by_key(|v| std::cmp::Reverse(v.version.parse::<i64>().unwrap_or(0)));
    let tags = model
        .tags
        .iter()
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect();
    Ok(ModelDetail {
        row: ws_row(model),
        tags,
        versions,
    })
}

/// One model with its versions (three-level names are Unity Catalog).
pub async fn model_detail(
    client: &Client,
    name: &str,
    source: Source,
    settings: &ApprovalSettings,
) -> ApiResult<ModelDetail> {
    match source {
        Source::UnityCatalog => uc_detail(client, name, settings).await,
        Source::Workspace => ws_detail(client, name).await,
    }
}
