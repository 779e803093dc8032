//! `mlops-console query NAME --data FILE [--json]`: one scoring request (the `t` key's twin):
//! the predictions, the served entity that answered (`served-model-name`) and the latency.

use serde_json::Value;

use crate::api::Client;
use crate::api::models::serving_config::INPUT_KEYS;

use super::serving_args::QueryArgs;
use super::{exit, output};

pub async fn run(client: &Client, args: &QueryArgs) -> i32 {
    let text = match std::fs::read_to_string(&args.data) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {}: {e}", args.data.display());
            return exit::USAGE;
        }
    };
    let body: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: {}: not JSON: {e}", args.data.display());
            return exit::USAGE;
        }
    };
    let keys = body
        .as_object()
        .map(|o| INPUT_KEYS.iter().filter(|k| o.contains_key(**k)).count())
        .unwrap_or(0);
    if keys != 1 {
        // Sent anyway: the server has the last word on its input shapes.
        eprintln!(
            "warning: {} has {keys} of the input keys {INPUT_KEYS:?}; exactly one is expected",
            args.data.display()
        );
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
            eprintln!("error: {e}");
            exit::for_api_error(&e)
        }
    }
}
