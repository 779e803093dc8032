//! `mlops-console runs EXPERIMENT`: the runs of an experiment, filtered and ordered by the server,
//! page after page up to `--max` (or `--all`), as a table or as the wire's `Run` objects.

use super::tracking_args::{RunView, RunsArgs};
use crate::api::Client;
use crate::api::models::mlflow::{Run, SearchRunsRequest, ViewType};

use super::fetch::{self, Lookup, Reading};
use super::json_array::JsonArrayWriter;
use super::run_nesting::{self, Nesting};
use super::run_stream::{self, More, StreamError};
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
    let nesting = match args.nested {
        true => Nesting::All,
        false => Nesting::TopLevel,
    };
    let what = format!("runs of '{}'", experiment.name);
    let (runs, done) = if args.output.json {
        let writer = JsonArrayWriter::new(std::io::stdout());
        match run_stream::stream_runs(client, &req, nesting, reading, writer).await {
            Ok((writer, done)) => match writer.finish() {
                Ok(_) => (Vec::new(), done),
                Err(e) => return write_failed(&e),
            },
            Err(StreamError::Write(e)) => return write_failed(&e),
            Err(StreamError::Api(e)) => return report::failed(&what, &e),
        }
    } else {
        let gathered = run_stream::Gathered::default();
        match run_stream::stream_runs(client, &req, nesting, reading, gathered).await {
            Ok((gathered, done)) => (gathered.into_runs(), done),
            Err(StreamError::Api(e)) => return report::failed(&what, &e),
            Err(StreamError::Write(e)) => return write_failed(&e),
        }
    };
    if done.filtered_here {
        crate::eprintln_escaped!(
            "note: this server cannot filter top-level runs (IS NULL): nested runs were left \
             out here"
        );
    }
    if done.runs == 0 {
        let nested = match (nesting, done.filtered_here) {
            (Nesting::All, _) => None,
            // Read to the end: every nested run was seen.
            (Nesting::TopLevel, true) => Some((done.left_out, false)),
            (Nesting::TopLevel, false) => {
                run_nesting::count_nested(client, &req, reading.page_size)
                    .await
                    .ok()
            }
        };
        // JSON stays an empty array; a note only when nested runs may be what matched.
        let none_nested = nesting == Nesting::All || nested == Some((0, false));
        if !(args.output.json && none_nested) {
            output::eprint_line(&run_nesting::nothing_found(nesting, nested));
        }
        return exit::OK;
    }
    if args.output.json {
        return exit::OK;
    }
    output::print(&render(&runs, &args.order_by, now_ms(), nesting));
    match done.more {
        More::No => {}
        More::Yes => crate::eprintln_escaped!(
            "note: showing the first {} runs; more match (raise --max or use --all)",
            done.runs
        ),
        More::Maybe => crate::eprintln_escaped!(
            "note: showing the first {} runs; more may match (raise --max or use --all)",
            done.runs
        ),
    }
    exit::OK
}

/// Output that could not be written: a reader that went away (`| head`) is normal for a
/// command-line tool.
fn write_failed(e: &std::io::Error) -> i32 {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return exit::OK;
    }
    crate::eprintln_escaped!("error: cannot write output: {e}");
    exit::FAILURE
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The runs table: id, name (with `--nested`, the parent run id, cut), status, start, duration,
/// user, then the most common metrics and params (the ordered-by ones first). `now_ms` is the
/// end of runs still going.
pub fn render(runs: &[Run], order_by: &[String], now_ms: i64, nesting: Nesting) -> String {
    if runs.is_empty() {
        return "no runs\n".to_string();
    }
    let cols = view::common_columns(runs, order_by, COMMON_COLUMNS);
    let parents = nesting == Nesting::All;
    let mut header: Vec<&str> = vec!["RUN ID", "NAME"];
    if parents {
        header.push("PARENT");
    }
    header.extend(["STATUS", "START", "DURATION", "USER"]);
    header.extend(cols.metrics.iter().map(String::as_str));
    header.extend(cols.params.iter().map(String::as_str));
    let rows: Vec<Vec<String>> = runs
        .iter()
        .map(|r| {
            let mut row = vec![r.info.run_id.clone(), view::one_line(&view::run_name(r))];
            if parents {
                let parent = r.parent_run_id().map(view::short_id);
                row.push(parent.unwrap_or_else(|| "-".to_string()));
            }
            row.extend([
                view::run_status(r),
                table::timestamp(r.info.start_time),
                view::run_duration(r, now_ms),
                view::run_user(r),
            ]);
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
        let out = render(&[r.clone()], &[], 66_000, Nesting::TopLevel);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[0],
            "RUN ID  NAME     STATUS   START             DURATION  USER             loss  max_depth"
        );
        assert_eq!(
            lines[1],
            "r1      trial-1  RUNNING  1970-01-01 00:00  1m 05s    ml-eng@acme.com  0.25  6"
        );
        assert_eq!(render(&[], &[], 0, Nesting::TopLevel), "no runs\n");

        // With nested runs, the parent: cut, and marked as cut.
        let mut child = r.clone();
        child.info.run_id = "r2".into();
        child.data.tags.push(KeyValue::new(
            crate::api::models::mlflow::PARENT_TAG,
            "0123456789abcdef0123456789abcdef",
        ));
        let out = render(&[r, child], &[], 66_000, Nesting::All);
        let lines: Vec<&str> = out.lines().collect();
        assert!(
            lines[0].starts_with("RUN ID  NAME     PARENT     STATUS"),
            "{}",
            lines[0]
        );
        assert!(lines[1].starts_with("r1      trial-1  -          RUNNING"));
        assert!(lines[2].starts_with("r2      trial-1  01234567…  RUNNING"));
    }
}
