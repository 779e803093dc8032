"""(b) Our client against a real open-source `mlflow server`: seed it with the official MLflow
client, then check that what our binary and library read back matches what was logged."""

import json
import os
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import pytest
from mlflow import MlflowClient
from mlflow.entities import Metric, ViewType

from conftest import REPO, binary


LONG_HISTORY = 2500  # points: more than two pages of 1000


@pytest.fixture(scope="module")
def seeded(mlflow_server):
    c = MlflowClient(tracking_uri=mlflow_server)
    exp_id = c.create_experiment("contract/churn", tags={"team": "ml", "purpose": "contract"})
    c.create_experiment("contract/other")
    parent = c.create_run(exp_id, run_name="sweep-parent")
    children = []
    for i, (depth, acc) in enumerate([(3, 0.71), (6, 0.83), (9, 0.79)]):
        run = c.create_run(exp_id, run_name=f"trial-{i}", tags={"mlflow.parentRunId": parent.info.run_id})
        c.log_param(run.info.run_id, "max_depth", str(depth))
        c.log_param(run.info.run_id, "feature set", f"v{i}")
        c.log_metric(run.info.run_id, "acc", acc)
        for step in range(25):
            c.log_metric(run.info.run_id, "loss", 1.0 / (step + 1 + i), step=step)
        c.set_terminated(run.info.run_id)
        children.append({"run_id": run.info.run_id, "max_depth": str(depth), "acc": acc})
    c.set_terminated(parent.info.run_id)

    # A trial deleted afterwards: only DELETED_ONLY and ALL searches may show it.
    gone = c.create_run(exp_id, run_name="trial-deleted", tags={"mlflow.parentRunId": parent.info.run_id})
    c.log_param(gone.info.run_id, "max_depth", "4")
    c.log_metric(gone.info.run_id, "acc", 0.99)
    c.set_terminated(gone.info.run_id)
    c.delete_run(gone.info.run_id)

    # A top-level run with a metric history longer than one page of get-history.
    long = c.create_run(exp_id, run_name="long-history", tags={"stage": "warmup schedule"})
    t0 = int(time.time() * 1000)
    points = [Metric("lr", 0.1 * 0.999**step, t0 + step, step) for step in range(LONG_HISTORY)]
    for i in range(0, len(points), 1000):
        c.log_batch(long.info.run_id, metrics=points[i:i + 1000])
    c.set_terminated(long.info.run_id)

    history = [m.value for m in sorted(c.get_metric_history(children[1]["run_id"], "loss"), key=lambda m: m.step)]
    long_history = [
        [m.step, m.timestamp, m.value]
        for m in sorted(c.get_metric_history(long.info.run_id, "lr"), key=lambda m: (m.step, m.timestamp))
    ]
    assert len(long_history) == LONG_HISTORY
    active = [parent.info.run_id, long.info.run_id] + [ch["run_id"] for ch in children]
    expected = {
        "experiment_id": exp_id,
        "experiment_name": "contract/churn",
        "tags": {"team": "ml", "purpose": "contract"},
        "parent_run_id": parent.info.run_id,
        "children": children,
        "filter": "metrics.acc > 0.75",
        "filtered": sorted(ch["run_id"] for ch in children if ch["acc"] > 0.75),
        "quoted_filters": ["params.\"feature set\" = 'v1'", "params.`feature set` = \"v1\""],
        "quoted_match": children[1]["run_id"],
        "history_run_id": children[1]["run_id"],
        "history": history,
        "deleted_run_id": gone.info.run_id,
        "active_run_ids": sorted(active),
        "long_run_id": long.info.run_id,
        "long_history": long_history,
    }
    path = Path(tempfile.mkdtemp()) / "expected.json"
    path.write_text(json.dumps(expected))
    return mlflow_server, expected, path


def test_experiments_listing_matches(seeded):
    url, expected, _ = seeded
    out = subprocess.run(
        [binary(), "--host", url, "experiments", "--json"],
        capture_output=True, text=True, timeout=60, env=clean_env(),
    )
    assert out.returncode == 0, out.stderr
    exps = {e["name"]: e for e in json.loads(out.stdout)}
    assert {"contract/churn", "contract/other", "Default"} <= exps.keys()
    churn = exps["contract/churn"]
    assert churn["experiment_id"] == expected["experiment_id"]
    tags = {t["key"]: t["value"] for t in churn.get("tags", [])}
    for k, v in expected["tags"].items():
        assert tags.get(k) == v


def test_status_says_what_the_server_lacks(seeded):
    url, _, _ = seeded
    out = subprocess.run(
        [binary(), "--host", url, "status", "--json"],
        capture_output=True, text=True, timeout=60, env=clean_env(),
    )
    assert out.returncode == 0, out.stdout + out.stderr
    inv = json.loads(out.stdout)["inventory"]
    assert inv["experiments"]["state"] == "ok" and inv["experiments"]["value"]["n"] >= 3
    assert inv["uc_models"]["state"] == "not_available"
    assert inv["endpoints"]["state"] == "not_available"


def cli(url, *args):
    """Our binary against the mlflow server; returns (exit code, stdout, stderr)."""
    out = subprocess.run(
        [binary(), "--host", url, *args],
        capture_output=True, text=True, timeout=120, env=clean_env(),
    )
    return out.returncode, out.stdout, out.stderr


def cli_json(url, *args):
    code, stdout, stderr = cli(url, *args, "--json")
    assert code == 0, stderr
    return json.loads(stdout)


def test_headless_runs_by_name_and_id_follow_the_view_type(seeded):
    url, expected, _ = seeded
    c = MlflowClient(tracking_uri=url)
    exp_id = expected["experiment_id"]
    by_name = cli_json(url, "runs", "contract/churn", "--nested")
    assert sorted(r["info"]["run_id"] for r in by_name) == expected["active_run_ids"]
    by_id = cli_json(url, "runs", exp_id, "--nested")
    assert by_id == by_name
    # The default order is the server's: newest first.
    starts = [r["info"]["start_time"] for r in by_name]
    assert starts == sorted(starts, reverse=True)

    deleted = cli_json(url, "runs", "contract/churn", "--nested", "--view", "deleted")
    official = c.search_runs([exp_id], run_view_type=ViewType.DELETED_ONLY)
    assert [r["info"]["run_id"] for r in deleted] == [r.info.run_id for r in official] == [expected["deleted_run_id"]]
    assert deleted[0]["info"]["lifecycle_stage"] == "deleted"
    everything = cli_json(url, "runs", "contract/churn", "--nested", "--view", "all")
    assert sorted(r["info"]["run_id"] for r in everything) == sorted(expected["active_run_ids"] + [expected["deleted_run_id"]])

    two = cli_json(url, "runs", "contract/churn", "--nested", "--max", "2", "--page-size", "1")
    assert two == by_name[:2]


def test_headless_runs_filter_and_order_by(seeded):
    url, expected, _ = seeded
    parent = expected["parent_run_id"]
    children = cli_json(
        url, "runs", "contract/churn", "--nested",
        "--filter", f"tags.mlflow.parentRunId = '{parent}'",
        "--order-by", "metrics.acc DESC",
    )
    accs = [next(m["value"] for m in r["data"]["metrics"] if m["key"] == "acc") for r in children]
    assert accs == sorted((ch["acc"] for ch in expected["children"]), reverse=True)
    by_depth = cli_json(
        url, "runs", "contract/churn", "--nested",
        "--filter", f"tags.mlflow.parentRunId = '{parent}'",
        "--order-by", "params.max_depth DESC",
    )
    depths = [next(p["value"] for p in r["data"]["params"] if p["key"] == "max_depth") for r in by_depth]
    assert depths == ["9", "6", "3"]
    filtered = cli_json(url, "runs", "contract/churn", "--nested", "--filter", expected["filter"])
    assert sorted(r["info"]["run_id"] for r in filtered) == expected["filtered"]
    for quoted in expected["quoted_filters"]:
        found = cli_json(url, "runs", "contract/churn", "--nested", "--filter", quoted)
        assert [r["info"]["run_id"] for r in found] == [expected["quoted_match"]], quoted

    code, stdout, stderr = cli(
        url, "runs", "contract/churn", "--nested", "--order-by", "metrics.acc DESC", "--max", "3",
    )
    assert code == 0, stderr
    lines = stdout.splitlines()
    assert lines[0].split()[:9] == ["RUN", "ID", "NAME", "PARENT", "STATUS", "START", "DURATION", "USER", "acc"]
    assert len(lines) == 4 and "more match" in stderr


def test_headless_runs_are_top_level_unless_nested(seeded):
    """The server filters with `tags.mlflow.parentRunId IS NULL`: only the sweep parent and the
    long-history run are top-level; the trials come with --nested, each naming its parent."""
    url, expected, _ = seeded
    parent = expected["parent_run_id"]
    top = cli_json(url, "runs", "contract/churn")
    assert sorted(r["info"]["run_id"] for r in top) == sorted([parent, expected["long_run_id"]])
    assert all(r["parent_run_id"] is None for r in top)
    assert all(t["key"] != "mlflow.parentRunId" for r in top for t in r["data"].get("tags", []))

    nested = cli_json(url, "runs", "contract/churn", "--nested")
    parents = {r["info"]["run_id"]: r["parent_run_id"] for r in nested}
    for child in expected["children"]:
        assert parents[child["run_id"]] == parent

    code, stdout, stderr = cli(url, "runs", "contract/churn")
    assert code == 0, stderr
    lines = stdout.splitlines()
    assert len(lines) == 3 and "PARENT" not in lines[0], stdout

    only_trials = f"tags.mlflow.parentRunId = '{parent}'"
    code, stdout, stderr = cli(url, "runs", "contract/churn", "--filter", only_trials)
    assert code == 0 and stdout == "", stderr
    assert stderr.strip() == "no top-level runs found (3 nested runs: use --nested)", stderr


def test_headless_errors_map_to_exit_codes(seeded):
    url, expected, _ = seeded
    c = MlflowClient(tracking_uri=url)
    bad = "metrics.acc >"
    with pytest.raises(Exception) as official:
        c.search_runs([expected["experiment_id"]], filter_string=bad)
    code, stdout, stderr = cli(url, "runs", "contract/churn", "--filter", bad)
    assert code == 2 and stdout == ""
    assert "INVALID_PARAMETER_VALUE" in stderr and len(stderr.splitlines()) == 1, stderr
    # The server's own words reach the user (the official client shows the same text).
    server_words = stderr.split("(400): ", 1)[1].strip()
    assert server_words in str(official.value), (server_words, str(official.value))

    missing = "0" * 32
    for args, words in [
        (["run", missing], f"run '{missing}' not found"),
        (["metrics", missing, "loss"], f"run '{missing}' not found"),
        (["runs", "contract/nope"], "experiment 'contract/nope' not found"),
        (["runs", "987654321"], "experiment '987654321' not found"),
        (["metrics", expected["long_run_id"], "no_such_metric"], "has no metric 'no_such_metric'"),
    ]:
        code, stdout, stderr = cli(url, *args)
        assert code == 3, (args, stderr)
        assert words in stderr and len(stderr.splitlines()) == 1, (args, stderr)


def test_headless_run_detail_matches_the_official_client(seeded):
    url, expected, _ = seeded
    c = MlflowClient(tracking_uri=url)
    child = expected["children"][1]["run_id"]
    ours = cli_json(url, "run", child)
    theirs = c.get_run(child)
    assert ours["info"]["run_id"] == theirs.info.run_id
    assert ours["info"]["run_name"] == theirs.info.run_name
    assert ours["info"]["status"] == theirs.info.status
    assert ours["info"]["start_time"] == theirs.info.start_time
    assert ours["info"]["end_time"] == theirs.info.end_time
    assert {p["key"]: p["value"] for p in ours["data"]["params"]} == theirs.data.params
    assert {m["key"]: m["value"] for m in ours["data"]["metrics"]} == theirs.data.metrics
    assert {t["key"]: t["value"] for t in ours["data"]["tags"]} == theirs.data.tags

    code, stdout, stderr = cli(url, "run", child)
    assert code == 0, stderr
    assert f"parent run  {expected['parent_run_id']}\n" in stdout
    assert "\nPARAMS\n" in stdout and "feature set" in stdout
    assert "\nMETRICS (latest)\n" in stdout


def test_headless_metrics_follow_pages_of_a_long_history(seeded):
    url, expected, _ = seeded
    # The default page is 1000 points, so 2500 points take three requests.
    points = cli_json(url, "metrics", expected["long_run_id"], "lr")
    assert [[p["step"], p["timestamp"], p["value"]] for p in points] == expected["long_history"]
    assert {p["key"] for p in points} == {"lr"}
    short = cli_json(url, "metrics", expected["history_run_id"], "loss", "--page-size", "7")
    assert [p["value"] for p in short] == expected["history"]
    first = cli_json(url, "metrics", expected["long_run_id"], "lr", "--max", "1500")
    assert [[p["step"], p["timestamp"], p["value"]] for p in first] == expected["long_history"][:1500]


def test_library_runs_filter_and_history(seeded):
    """Runs the Rust integration test that is enabled by MLOPS_MLFLOW_URL."""
    url, _, path = seeded
    env = clean_env() | {"MLOPS_MLFLOW_URL": url, "MLOPS_MLFLOW_EXPECTED": str(path), "RUST_BACKTRACE": "0"}
    out = subprocess.run(
        ["cargo", "test", "--test", "mlflow_server", "--", "--ignored", "--nocapture"],
        cwd=REPO, capture_output=True, text=True, timeout=1200, env=env,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-4000:]
    assert "2 passed" in out.stdout


def clean_env():
    """No Databricks settings from the machine may leak into these runs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABRICKS_")}
    env["DATABRICKS_CONFIG_FILE"] = "/nonexistent/databrickscfg"
    return env


# --- Registry: aliases (DELETE with a JSON body) and transition-stage on a real server ---------


def seed_registry(url, name):
    """A model with v1 in Production, v2 in Staging, v3 in None, and `champion` → v1."""
    c = MlflowClient(tracking_uri=url, registry_uri=url)
    exp = c.create_experiment(f"contract/{name}")
    c.create_registered_model(name, description="registry contract")
    for i in range(3):
        run = c.create_run(exp, run_name=f"train-{i}")
        c.set_terminated(run.info.run_id)
        c.create_model_version(name, source=f"runs:/{run.info.run_id}/model", run_id=run.info.run_id)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # stages are deprecated, still served
        c.transition_model_version_stage(name, "1", "Production")
        c.transition_model_version_stage(name, "2", "Staging")
    c.set_registered_model_alias(name, "champion", "1")
    return c


def test_library_registry_aliases_and_stages(mlflow_server):
    """Runs the Rust integration test that is enabled by MLOPS_MLFLOW_REGISTRY_MODEL."""
    seed_registry(mlflow_server, "contract-registry-lib")
    env = clean_env() | {
        "MLOPS_MLFLOW_URL": mlflow_server,
        "MLOPS_MLFLOW_REGISTRY_MODEL": "contract-registry-lib",
    }
    out = subprocess.run(
        ["cargo", "test", "--test", "mlflow_registry", "--", "--ignored", "--nocapture"],
        cwd=REPO, capture_output=True, text=True, timeout=1200, env=env,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-4000:]
    assert "1 passed" in out.stdout


def test_binary_promotes_and_rolls_back_on_mlflow(mlflow_server):
    name = "contract-registry-cli"
    c = seed_registry(mlflow_server, name)
    data = tempfile.mkdtemp(prefix="mlops-audit-")
    env = clean_env() | {"MLOPS_CONSOLE_DATA_DIR": data, "MLOPS_CONSOLE_CONFIG_DIR": data}

    def run(*args):
        return subprocess.run(
            [binary(), "--host", mlflow_server, *args],
            capture_output=True, text=True, timeout=60, env=env,
        )

    out = run("promote", name, "3", "--alias", "champion", "--yes", "--json")
    assert out.returncode == 0, out.stdout + out.stderr
    doc = json.loads(out.stdout)
    assert doc["outcome"]["outcome"] == "ok"
    assert doc["plan"]["before"] == {"kind": "alias", "version": "1"}
    assert c.get_model_version_by_alias(name, "champion").version == "3"

    out = run("rollback", name, "--alias", "champion", "--yes")
    assert out.returncode == 0, out.stdout + out.stderr
    assert c.get_model_version_by_alias(name, "champion").version == "1"

    out = run("promote", name, "2", "--yes", "--comment", "contract")
    assert out.returncode == 0, out.stdout + out.stderr
    stages = {v.version: v.current_stage for v in c.search_model_versions(f"name='{name}'")}
    assert stages == {"1": "Archived", "2": "Production", "3": "None"}

    out = run("approve", name, "2", "--yes")
    assert out.returncode == 3, "transition requests are Databricks-only"
    assert "not available on this server" in out.stderr

    out = run("audit", "--json")
    assert out.returncode == 0, out.stderr
    entries = json.loads(out.stdout)["entries"]
    assert [(e["attempt"]["action"], e["standing"]) for e in entries] == [
        ("promote", "ok"), ("rollback", "ok"), ("promote", "ok")
    ]
