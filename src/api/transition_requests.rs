//! Transition requests and comments of the workspace registry (reference §4.3, Databricks only;
//! an open-source server answers these paths with 404 `ENDPOINT_NOT_FOUND`).

use super::client::Client;
use super::error::ApiResult;
use super::models::transition_requests::*;

impl Client {
    pub async fn create_transition_request(
        &self,
        name: &str,
        version: &str,
        stage: &str,
        comment: Option<&str>,
    ) -> ApiResult<TransitionRequest> {
        let body = TransitionRequestBody {
            name: name.to_string(),
            version: version.to_string(),
            stage: stage.to_string(),
            archive_existing_versions: None,
            comment: comment.map(str::to_string),
        };
        let r: CreateTransitionRequestResponse = self
            .post_json("/api/2.0/mlflow/transition-requests/create", &body)
            .await?;
        Ok(r.request)
    }

    /// The open requests of one version (not paginated).
    pub async fn list_transition_requests(
        &self,
        name: &str,
        version: &str,
    ) -> ApiResult<Vec<Activity>> {
        let r: ListTransitionRequestsResponse = self
            .get_json(
                "/api/2.0/mlflow/transition-requests/list",
                &[("name", name.to_string()), ("version", version.to_string())],
            )
            .await?;
        Ok(r.requests)
    }

    /// Approves the open request to `stage`, which moves the version there (archiving the
    /// versions already in `stage` when asked).
    pub async fn approve_transition_request(
        &self,
        name: &str,
        version: &str,
        stage: &str,
        archive_existing_versions: bool,
        comment: Option<&str>,
    ) -> ApiResult<Activity> {
        let body = TransitionRequestBody {
            name: name.to_string(),
            version: version.to_string(),
            stage: stage.to_string(),
            archive_existing_versions: Some(archive_existing_versions),
            comment: comment.map(str::to_string),
        };
        let r: ActivityResponse = self
            .post_json("/api/2.0/mlflow/transition-requests/approve", &body)
            .await?;
        Ok(r.activity)
    }

    pub async fn reject_transition_request(
        &self,
        name: &str,
        version: &str,
        stage: &str,
        comment: Option<&str>,
    ) -> ApiResult<Activity> {
        let body = TransitionRequestBody {
            name: name.to_string(),
            version: version.to_string(),
            stage: stage.to_string(),
            archive_existing_versions: None,
            comment: comment.map(str::to_string),
        };
        let r: ActivityResponse = self
            .post_json("/api/2.0/mlflow/transition-requests/reject", &body)
            .await?;
        Ok(r.activity)
    }

    /// Cancels `creator`'s open request to `stage` (only the requester may).
    pub async fn delete_transition_request(
        &self,
        name: &str,
        version: &str,
        stage: &str,
        creator: &str,
        comment: Option<&str>,
    ) -> ApiResult<Activity> {
        let mut q = vec![
            ("name", name.to_string()),
            ("version", version.to_string()),
            ("stage", stage.to_string()),
            ("creator", creator.to_string()),
        ];
        if let Some(c) = comment {
            q.push(("comment", c.to_string()));
        }
        let r: ActivityResponse = self
            .delete_json("/api/2.0/mlflow/transition-requests/delete", &q)
            .await?;
        Ok(r.activity)
    }

    pub async fn create_comment(
        &self,
        name: &str,
        version: &str,
        comment: &str,
    ) -> ApiResult<CommentObject> {
        let body = CreateCommentRequest {
            name: name.to_string(),
            version: version.to_string(),
            comment: comment.to_string(),
        };
        let r: CommentResponse = self
            .post_json("/api/2.0/mlflow/comments/create", &body)
            .await?;
        Ok(r.comment)
    }
}
