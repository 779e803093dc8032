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
    def __init__(self, proc, base_url, token, nonowner_token, log_path):
        self.proc = proc
        self.base_url = base_url
        self.token = token
        self.nonowner_token = nonowner_token
        self.log_path = log_path

    def rejections(self) -> list[str]:
        """Every request this simulator did not understand so far (unknown path or method, an
        argument or body of the wrong shape), one `sim: rejected ...` line each from its stderr."""
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return [line.rstrip("\n") for line in f if line.startswith("sim: rejected ")]


# Every simulator started by these tests, so that each test can be checked for rejected requests.
_SIMS: list[Sim] = []


def start_sim(*extra_args: str) -> Sim:
    """Starts `mlops-console sim` on a free port and reads the lines it announces itself with.
    Its stderr goes to a file, so that rejected requests can be counted, and is copied to ours
    when it stops."""
    log = tempfile.NamedTemporaryFile(prefix="mlops-sim-", suffix=".log", delete=False)
    proc = subprocess.Popen(
        [binary(), "sim", "--port", "0", "--seed", "42", *extra_args],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    log.close()
    wanted = {"base_url", "token", "nonowner_token"}
    values = {}
    deadline = time.time() + 30
    while time.time() < deadline and not wanted <= values.keys():
        line = proc.stdout.readline()
        if not line:
            break
        if "=" in line:
            k, v = line.strip().split("=", 1)
            values[k] = v
    if not wanted <= values.keys():
        proc.kill()
        raise RuntimeError(f"simulator did not announce itself: {values}: {open(log.name).read()[-2000:]}")
    started = Sim(proc, values["base_url"], values["token"], values["nonowner_token"], log.name)
    _SIMS.append(started)
    return started


def stop_sim(sim: Sim) -> None:
    sim.proc.terminate()
    try:
        sim.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        sim.proc.kill()
    if sim in _SIMS:
        _SIMS.remove(sim)
    with open(sim.log_path, encoding="utf-8", errors="replace") as f:
        sys.stderr.write(f.read())
    os.unlink(sim.log_path)


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "allow_rejections: the test sends requests of a wrong shape on purpose, so the simulator may reject some",
    )


@pytest.fixture(autouse=True)
def no_rejected_requests(request):
    """No official client may send a request the simulator does not understand: after each test,
    every running simulator must have logged no new `sim: rejected` line."""
    before = {id(s): len(s.rejections()) for s in _SIMS}
    yield
    if request.node.get_closest_marker("allow_rejections"):
        return
    new = []
    for s in list(_SIMS):
        new += s.rejections()[before.get(id(s), 0):]
    assert not new, "the simulator rejected requests of an official client:\n" + "\n".join(new)


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
def serving_sim():
    """A simulator for the serving tests (they change endpoints), with config updates that take
    two seconds instead of five so the SDK's waiter finishes sooner."""
    started = start_sim("--update-delay", "2")
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
