//! `mlops-console metrics RUN_ID KEY`: every point of one metric's history, read page by page
//! (`metrics/get-history`), ordered by step then timestamp, as a table or the wire's `Metric`s.

use super::tracking_args::MetricsArgs;
use crate::api::Client;
use crate::api::models::mlflow::Metric;

use super::fetch::{self, Reading, is_missing};
use super::{exit, output, report, runview};

pub async fn run(client: &Client, args: &MetricsArgs) -> i32 {
    let reading = Reading {
        limit: args.max.map(|m| m as usize),
        page_size: args.page_size as usize,
    };
    let what = format!("run '{}'", args.run_id);
    let history = match fetch::metric_history(client, &args.run_id, &args.key, reading).await {
        Ok(h) => h,
        Err(e) => return report::failed(&what, &e),
    };
    if history.items.is_empty() {
        // An empty history is how servers answer both an unknown key and (OSS) an unknown run.
        return match client.get_run(&args.run_id).await {
            Ok(r) => {
                let mut keys: Vec<&str> = r.data.metrics.iter().map(|m| m.key.as_str()).collect();
                keys.sort_unstable();
                let known = if keys.is_empty() {
                    "it has none".to_string()
                } else {
                    format!("it has: {}", keys.join(", "))
                };
                crate::eprintln_escaped!(
                    "error: run '{}' has no metric '{}' ({known})",
                    args.run_id,
                    args.key
                );
                exit::NOT_FOUND
            }
            Err(e) if is_missing(&e) => report::not_found(&what),
            Err(e) => report::failed(&what, &e),
        };
    }
    if args.output.json {
        output::json(&history.items);
        return exit::OK;
    }
    output::print(&render(&history.items));
    if history.more {
        crate::eprintln_escaped!(
            "note: showing the first {} points; the history has more (raise --max)",
            history.items.len()
        );
    }
    exit::OK
}

/// Epoch milliseconds as `YYYY-MM-DD HH:MM:SS.mmm` UTC: points of one run are seconds apart.
fn precise(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S%.3f").to_string())
        .unwrap_or_else(|| ms.to_string())
}

/// Step, timestamp and value, one point a line.
pub fn render(points: &[Metric]) -> String {
    let rows: Vec<Vec<String>> = points
        .iter()
        .map(|m| {
            vec![
                m.step.to_string(),
                precise(m.timestamp),
                runview::exact(m.value),
            ]
        })
        .collect();
    super::table::render(&["STEP", "TIMESTAMP", "VALUE"], &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_print_step_time_and_value() {
        let p = |step, value| Metric {
            key: "loss".into(),
            value,
            timestamp: 1_717_243_200_123 + step * 1000,
            step,
        };
        assert_eq!(
            render(&[p(0, 0.9), p(1, 0.45)]),
            "STEP  TIMESTAMP                VALUE\n\
             0     2024-06-01 12:00:00.123  0.9\n\
             1     2024-06-01 12:00:01.123  0.45\n"
        );
    }
}
