//! Azure: an Entra ID application's client-credentials grant, and the Azure CLI's sign-in.

use reqwest::Url;

use super::super::Inner;
use super::super::oauth::{Lifetime, Token};
use super::{auth_error, describe_run};
use crate::api::auth::command;
use crate::api::credentials::{AzureCli, AzureServicePrincipal};
use crate::api::error::ApiResult;

impl Inner {
    /// Entra ID's client-credentials grant (the v1 endpoint, as the Databricks SDKs use it).
    pub(super) async fn entra_token(
        &self,
        sp: &AzureServicePrincipal,
        url: &Url,
        resource: &str,
    ) -> ApiResult<Token> {
        let form = vec![
            ("grant_type", "client_credentials".to_string()),
            ("client_id", sp.client_id.clone()),
            ("client_secret", sp.client_secret.expose().to_string()),
            ("resource", resource.to_string()),
        ];
        self.token_request(Some(url.clone()), url.path(), None, form)
            .await
    }

    /// `az account get-access-token`, for the subscription of the workspace when known and,
    /// as the SDK does, without it when that fails (access to the workspace but not to the
    /// subscription).
    pub(super) async fn az_token(&self, az: &AzureCli) -> ApiResult<Token> {
        let mut args = vec![
            "account",
            "get-access-token",
            "--resource",
            az.resource.as_str(),
            "--output",
            "json",
        ];
        if let Some(tenant) = &az.tenant_id {
            args.extend(["--tenant", tenant.as_str()]);
        }
        let limit = self.options.command_timeout;
        let program = az.program.as_os_str();
        let mut out = Err(command::RunError::NotFound);
        if let Some(subscription) = &az.subscription {
            let mut with = args.clone();
            with.extend(["--subscription", subscription.as_str()]);
            out = command::run(program, &with, limit).await;
        }
        if !matches!(out, Ok(_) | Err(command::RunError::TimedOut(_))) {
            out = command::run(program, &args, limit).await;
        }
        let stdout =
            out.map_err(|e| auth_error(describe_run("az", "az account get-access-token", &e)))?;
        let t = command::az_token(&stdout)
            .map_err(|e| auth_error(format!("`az account get-access-token`: {e}")))?;
        Ok(Token::new(
            &t.token_type,
            t.access.expose(),
            Lifetime::Until(t.expiry),
        ))
    }
}
