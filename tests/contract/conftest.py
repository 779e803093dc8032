"""Fixtures for the contract tests: our simulator and a real open-source MLflow server, both on
127.0.0.1, started and stopped by the tests themselves."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def binary() -> str:
    explicit = os.environ.get("MLOPS_CONSOLE_BIN")
    if explicit:
        return explicit
    target = os.environ.get("CARGO_TARGET_DIR", str(REPO / "target"))
    return str(Path(target) / "debug" / "mlops-console")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sim:
    def __init__(self, proc, base_url, token, nonowner_token):
        self.proc = proc
        self.base_url = base_url
        self.token = token
        self.nonowner_token = nonowner_token


def start_sim(*extra_args: str) -> Sim:
    """Starts `mlops-console sim` on a free port and reads the lines it announces itself with."""
    proc = subprocess.Popen(
        [binary(), "sim", "--port", "0", "--seed", "42", *extra_args],
        stdout=subprocess.PIPE,
        stderr=sys.stderr,
        text=True,
    )
    values = {}
    deadline = time.time() + 30
    while time.time() < deadline and not {"base_url", "token"} <= values.keys():
        line = proc.stdout.readline()
        if not line:
            break
        if "=" in line:
            k, v = line.strip().split("=", 1)
            values[k] = v
    if not {"base_url", "token"} <= values.keys():
        proc.kill()
        raise RuntimeError(f"simulator did not announce itself: {values}")
    return Sim(proc, values["base_url"], values["token"], values.get("nonowner_token"))


def stop_sim(sim: Sim) -> None:
    sim.proc.terminate()
    try:
        sim.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        sim.proc.kill()


@pytest.fixture(scope="session")
def sim():
    started = start_sim()
    yield started
    stop_sim(started)


@pytest.fixture(scope="module")
def own_sim():
    """A simulator for one module alone, for tests that change the workspace (job runs register
    model versions) in ways the session simulator's tests must not see."""
    started = start_sim()
    yield started
    stop_sim(started)


@pytest.fixture(scope="module")
def large_sim():
    """A simulator started with `--scale large`."""
    started = start_sim("--scale", "large")
    yield started
    stop_sim(started)


@pytest.fixture(scope="session")
def mlflow_server():
    """A real `mlflow server` with a sqlite store in a temporary folder."""
    tmp = tempfile.mkdtemp(prefix="mlflow-contract-")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    mlflow_bin = str(Path(sys.executable).parent / "mlflow")
    log = open(Path(tmp) / "server.log", "w")
    proc = subprocess.Popen(
        [
            mlflow_bin, "server",
            "--backend-store-uri", f"sqlite:///{tmp}/mlflow.db",
            "--default-artifact-root", f"{tmp}/artifacts",
            "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            raise RuntimeError("mlflow server did not start: " + open(Path(tmp) / "server.log").read()[-2000:])
        time.sleep(0.5)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
