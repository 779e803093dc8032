//! `mlops-console query NAME [--data FILE] [--json]`: one scoring request (the `t` key's twin):
//! the predictions, the served entity that answered (`served-model-name`) and the latency.
//! Without `--data` the endpoint's own example request (its OpenAPI schema) is sent.

use crate::api::Client;
use crate::ops::query::{PayloadError, PayloadSource, load_payload, shape_warning};

use super::serving_args::QueryArgs;
use super::{exit, output};

pub async fn run(client: &Client, args: &QueryArgs) -> i32 {
    let source = match &args.data {
        Some(path) => PayloadSource::File(path.clone()),
        None => PayloadSource::EndpointExample,
    };
    let body = match load_payload(client, &args.endpoint, &source).await {
        Ok(b) => b,
        Err(e) => {
            crate::eprintln_escaped!("error: {e}");
            return match &e {
                PayloadError::File(_) => exit::USAGE,
                // A missing endpoint (3), a wrong token (5), a dead host (1), …
                PayloadError::Schema(api) => exit::for_api_error(api),
                PayloadError::NoExample(_) => exit::FAILURE,
            };
        }
    };
    if let Some(w) = shape_warning(&body) {
        // Sent anyway: the server has the last word on its input shapes.
        crate::eprintln_escaped!("warning: {}: {w}", source.describe());
    }
    match client.query_endpoint(&args.endpoint, &body).await {
        Ok(q) => {
            if args.json {
                output::json(&q);
            } else {
                let pretty =
                    serde_json::to_string_pretty(&q.predictions).unwrap_or_else(|_| "null".into());
                output::print(&format!(
                    "served by {} in {:.1} ms\n{pretty}\n",
                    q.served_model_name.as_deref().unwrap_or("(not named)"),
                    q.latency.as_secs_f64() * 1000.0
                ));
            }
            exit::OK
        }
        Err(e) => {
            crate::eprintln_escaped!("error: {e}");
            exit::for_api_error(&e)
        }
    }
}
