"""(a) The official Databricks SDK for JavaScript (`@databricks/sdk-experimental`, pinned in
js/package-lock.json; `npm ci` in js/ installs it) drives a simulator of its own through the
console's story: js/sdk.test.js, run with Node's test runner. The autouse fixture of conftest.py
fails the test if the simulator rejected any request the SDK sent."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import start_sim, stop_sim

JS = Path(__file__).resolve().parent / "js"


@pytest.fixture(scope="module")
def js_sim():
    # Config updates go live after two seconds, so the SDK's waiter finishes soon.
    started = start_sim("--update-delay", "2")
    yield started
    stop_sim(started)


def test_javascript_sdk_against_the_simulator(js_sim):
    node = shutil.which("node")
    assert node, "Node.js is needed for the JavaScript SDK contract tests"
    assert (JS / "node_modules" / "@databricks" / "sdk-experimental").is_dir(), (
        "run `npm ci` in tests/contract/js first (.ci/run does)"
    )
    # Only what the SDK needs: no credentials or profiles of the machine's own.
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABRICKS_")}
    env.update(
        SIM_URL=js_sim.base_url,
        SIM_TOKEN=js_sim.token,
        SIM_NONOWNER_TOKEN=js_sim.nonowner_token,
        DATABRICKS_CONFIG_FILE=str(JS / "no-such-databrickscfg"),
    )
    out = subprocess.run(
        [node, "--test", "--test-reporter=spec", "sdk.test.js"],
        cwd=JS,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    print(out.stdout)
    assert out.returncode == 0, out.stdout[-6000:] + out.stderr[-3000:]
    assert "# fail 0" in out.stdout or "ℹ fail 0" in out.stdout, out.stdout[-3000:]
