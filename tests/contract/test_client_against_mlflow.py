"""(b) Our client against a real open-source `mlflow server`: seed it with the official MLflow
client, then check that what our binary and library read back matches what was logged."""

import json
import os
import subprocess
import tempfile
import warnings
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
