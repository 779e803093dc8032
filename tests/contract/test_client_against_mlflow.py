"""(b) Our client against a real open-source `mlflow server`: seed it with the official MLflow
client, then check that what our binary and library read back matches what was logged."""

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from mlflow import MlflowClient

from conftest import REPO, binary


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
        c.log_metric(run.info.run_id, "acc", acc)
        for step in range(25):
            c.log_metric(run.info.run_id, "loss", 1.0 / (step + 1 + i), step=step)
        c.set_terminated(run.info.run_id)
        children.append({"run_id": run.info.run_id, "max_depth": str(depth), "acc": acc})
    c.set_terminated(parent.info.run_id)
    history = [m.value for m in sorted(c.get_metric_history(children[1]["run_id"], "loss"), key=lambda m: m.step)]
    expected = {
        "experiment_id": exp_id,
        "experiment_name": "contract/churn",
        "tags": {"team": "ml", "purpose": "contract"},
        "parent_run_id": parent.info.run_id,
        "children": children,
        "filter": "metrics.acc > 0.75",
        "filtered": sorted(ch["run_id"] for ch in children if ch["acc"] > 0.75),
        "history_run_id": children[1]["run_id"],
        "history": history,
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


def test_library_runs_filter_and_history(seeded):
    """Runs the Rust integration test that is enabled by MLOPS_MLFLOW_URL."""
    url, _, path = seeded
    env = clean_env() | {"MLOPS_MLFLOW_URL": url, "MLOPS_MLFLOW_EXPECTED": str(path)}
    out = subprocess.run(
        ["cargo", "test", "--test", "mlflow_server", "--", "--ignored", "--nocapture"],
        cwd=REPO, capture_output=True, text=True, timeout=1200, env=env,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-4000:]
    assert "1 passed" in out.stdout


def clean_env():
    """No Databricks settings from the machine may leak into these runs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABRICKS_")}
    env["DATABRICKS_CONFIG_FILE"] = "/nonexistent/databrickscfg"
    return env
