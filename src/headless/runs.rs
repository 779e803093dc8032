//! `mlops-console runs EXPERIMENT`: the runs of an experiment, filtered and ordered by the server,
//! page after page up to `--max` (or `--all`), as a table or as the wire's `Run` objects.

use crate::api::Client;
use crate::api::models::mlflow::{Run, SearchRunsRequest, ViewType};
use crate::cli::{RunView, RunsArgs};

use super::fetch::{self, Lookup, Reading};
use super::json_array::JsonArrayWriter;
use super::run_stream::{self, StreamError};
use super::runview::{self as view, COMMON_COLUMNS};
use super::{exit, output, report, table};

pub fn view_type(v: RunView) -> ViewType {
    match v {
        RunView::Active => ViewType::ActiveOnly,
        RunView::Deleted => ViewType::DeletedOnly,
        RunView::All => ViewType::All,
    }
}

pub async fn run(client: &Client, args: &RunsArgs) -> i32 {
    let experiment = match fetch::experiment(client, &args.experiment).await {
        Ok(e) => e,
        Err(Lookup::Missing) => {
            let e = &args.experiment;
            if fetch::is_numeric(e) {
                crate::eprintln_escaped!(
                    "error: experiment '{e}' not found (neither as a name nor as an id)"
                );
                return exit::NOT_FOUND;
            }
            return report::not_found(&format!("experiment '{e}'"));
        }
        Err(Lookup::Failed(e)) => {
            return report::failed(&format!("experiment '{}'", args.experiment), &e);
        }
    };
    let req = SearchRunsRequest {
        experiment_ids: vec![experiment.experiment_id.clone()],
        filter: args.filter.clone().filter(|f| !f.trim().is_empty()),
        run_view_type: Some(view_type(args.view)),
        order_by: args.order_by.clone(),
        ..Default::default()
    };
    let reading = Reading {
        limit: (!args.all).then_some(args.max as usize),
        page_size: args.page_size as usize,
    };
    if args.output.json {
        return json(client, &req, reading, &experiment.name).await;
    }
    let found = match fetch::search_runs(client, &req, reading).await {
        Ok(f) => f,
        Err(e) => return report::failed(&format!("runs of '{}'", experiment.name), &e),
    };
    output::print(&render(&found.items, &args.order_by, now_ms()));
    if found.more {
        crate::eprintln_escaped!(
            "note: showing the first {} runs; more match (raise --max or use --all)",
            found.items.len()
        );
    }
    exit::OK
}

/// The runs as one JSON array, written page by page as the pages arrive (see README, "JSON
/// output"). When a later page fails, the pages before it are out already and the array is
/// left open, so no reader mistakes it for the whole listing; the error goes to stderr.
async fn json(client: &Client, req: &SearchRunsRequest, reading: Reading, name: &str) -> i32 {
    let writer = JsonArrayWriter::new(std::io::stdout());
    let result = match run_stream::stream_runs(client, req, reading, writer).await {
        Ok((writer, _)) => writer.finish().map(drop),
        Err(StreamError::Write(e)) => Err(e),
        Err(StreamError::Api(e)) => return report::failed(&format!("runs of '{name}'"), &e),
    };
    match result {
        Ok(()) => exit::OK,
        // The reader went away (`| head`): normal for a command-line tool.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::OK,
        Err(e) => {
            crate::eprintln_escaped!("error: cannot write output: {e}");
            exit::FAILURE
        }
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The runs table: id, name, status, start, duration, user, then the most common metrics and
/// params (the ordered-by ones first). `now_ms` is the end of runs still going.
pub fn render(runs: &[Run], order_by: &[String], now_ms: i64) -> String {
    if runs.is_empty() {
        return "no runs\n".to_string();
    }
    let cols = view::common_columns(runs, order_by, COMMON_COLUMNS);
    let mut header: Vec<&str> = vec!["RUN ID", "NAME", "STATUS", "START", "DURATION", "USER"];
    header.extend(cols.metrics.iter().map(String::as_str));
    header.extend(cols.params.iter().map(String::as_str));
    let rows: Vec<Vec<String>> = runs
        .iter()
        .map(|r| {
            let mut row = vec![
                r.info.run_id.clone(),
                view::one_line(&view::run_name(r)),
                view::run_status(r),
                table::timestamp(r.info.start_time),
                view::run_duration(r, now_ms),
                view::run_user(r),
            ];
            row.extend(cols.metrics.iter().map(|k| view::metric_cell(r, k)));
            row.extend(cols.params.iter().map(|k| view::param_cell(r, k)));
            row
        })
        .collect();
    table::render(&header, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::mlflow::{KeyValue, Metric, RunStatus};

    #[test]
    fn table_shows_the_common_columns() {
        let mut r = Run::default();
        r.info.run_id = "r1".into();
        r.info.run_name = Some("trial-1".into());
        r.info.status = Some(RunStatus::Running);
        r.info.start_time = Some(1_000);
        r.data.tags = vec![KeyValue::new("mlflow.user", "ml-eng@acme.com")];
        r.data.params = vec![KeyValue::new("max_depth", "6")];
        r.data.metrics = vec![Metric {
            key: "loss".into(),
            value: 0.25,
            timestamp: 0,
            step: 3,
        }];
        let out = render(&[r], &[], 66_000);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[0],
            "RUN ID  NAME     STATUS   START             DURATION  USER             loss  max_depth"
        );
        assert_eq!(
            lines[1],
            "r1      trial-1  RUNNING  1970-01-01 00:00  1m 05s    ml-eng@acme.com  0.25  6"
        );
        assert_eq!(render(&[], &[], 0), "no runs\n");
    }
}
