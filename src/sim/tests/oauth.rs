//! The sign-in stand-ins: workspace OAuth (metadata, client credentials, refresh tokens that
//! are good once) and Entra ID's token endpoint, with the errors the real services send.

use std::time::Duration;

use serde_json::Value;

use super::*;
use crate::sim::oauth::{
    AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_TENANT_ID, CLI_CLIENT_ID, M2M_CLIENT_ID,
    M2M_CLIENT_SECRET,
};

const ME: &str = "/api/2.0/preview/scim/v2/Me";

impl TestSim {
    async fn form(&self, path: &str, fields: &[(&str, &str)]) -> (u16, Value) {
        let resp = self
            .http
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("request");
        decode(resp).await
    }

    async fn me_with(&self, token: &str) -> u16 {
        let resp = self.http.get(self.url(ME)).bearer_auth(token);
        resp.send().await.unwrap().status().as_u16()
    }
}

#[tokio::test]
async fn metadata_names_the_token_endpoint_without_a_token() {
    let t = sim().await;
    let r = t
        .http
        .get(t.url("/oidc/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap();
    let (status, body) = decode(r).await;
    assert_eq!(status, 200);
    assert_eq!(body["token_endpoint"], t.url("/oidc/v1/token"));
    // Other paths under the prefixes still need a token.
    let r = t.http.get(t.url("/oidc/v1/other")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let r = t.http.get(t.url("/entra/x")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
}

#[tokio::test]
async fn client_credentials_tokens_live_for_the_ttl_on_the_clock() {
    let t = sim().await;
    let resp = t
        .http
        .post(t.url("/oidc/v1/token"))
        .basic_auth(M2M_CLIENT_ID, Some(M2M_CLIENT_SECRET))
        .form(&[("grant_type", "client_credentials"), ("scope", "all-apis")])
        .send()
        .await
        .unwrap();
    let (status, body) = decode(resp).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["expires_in"], 3600);
    let token = body["access_token"].as_str().unwrap().to_string();
    assert_eq!(t.me_with(&token).await, 200);
    t.sim.clock.advance(Duration::from_secs(3600));
    assert_eq!(t.me_with(&token).await, 401);
    let (status, body) = t
        .form("/oidc/v1/token", &[("grant_type", "client_credentials")])
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
}

#[tokio::test]
async fn refresh_tokens_are_good_once() {
    let t = sim().await;
    let login = t.sim.sign_in_user();
    assert_eq!(t.me_with(&login.access_token).await, 200);
    let grant = [
        ("grant_type", "refresh_token"),
        ("refresh_token", login.refresh_token.as_str()),
        ("client_id", CLI_CLIENT_ID),
    ];
    let (status, body) = t.form("/oidc/v1/token", &grant).await;
    assert_eq!(status, 200, "{body}");
    assert_ne!(body["refresh_token"], login.refresh_token.as_str());
    let (status, body) = t.form("/oidc/v1/token", &grant).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn entra_checks_tenant_client_secret_and_resource() {
    let t = sim().await;
    let path = format!("/entra/{AZURE_TENANT_ID}/oauth2/token");
    let fields = |id: &'static str, secret: &'static str, resource: &'static str| {
        [
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
            ("resource", resource),
        ]
    };
    let app = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d";
    let (status, body) = t
        .form(&path, &fields(AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, app))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["expires_in"], "3600");
    assert_eq!(t.me_with(body["access_token"].as_str().unwrap()).await, 200);
    let cases = [
        (
            fields("nobody", AZURE_CLIENT_SECRET, app),
            400,
            "AADSTS700016",
        ),
        (fields(AZURE_CLIENT_ID, "wrong", app), 401, "AADSTS7000215"),
        (
            fields(AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, "other"),
            400,
            "AADSTS500011",
        ),
    ];
    for (f, want, code) in cases {
        let (status, body) = t.form(&path, &f).await;
        assert_eq!(status, want, "{body}");
        assert!(
            body["error_description"]
                .as_str()
                .unwrap()
                .starts_with(code)
        );
    }
    let (status, body) = t
        .form(
            "/entra/other-tenant/oauth2/token",
            &fields(AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, app),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .starts_with("AADSTS90002")
    );
    // A management token is no workspace token.
    let (_, body) = t
        .form(
            &path,
            &fields(
                AZURE_CLIENT_ID,
                AZURE_CLIENT_SECRET,
                "https://management.core.windows.net/",
            ),
        )
        .await;
    assert_eq!(t.me_with(body["access_token"].as_str().unwrap()).await, 401);
}
