//! Identity of the caller.

use super::client::Client;
use super::error::ApiResult;
use super::models::scim::Me;

impl Client {
    /// `GET /api/2.0/preview/scim/v2/Me`.
    pub async fn me(&self) -> ApiResult<Me> {
        self.get_json("/api/2.0/preview/scim/v2/Me", &[]).await
    }
}
