"""The official Databricks SDK signs in at our simulator's OAuth stand-in: the metadata document
it discovers, the client-credentials grant, and the tokens the simulator then accepts. Also the
SDK reading a stand-in `databricks auth token`, whose output shape our own client relies on."""

import json
import os
import stat
import tempfile
from pathlib import Path

from databricks.sdk import WorkspaceClient

# The simulator's service principal (src/sim/oauth.rs).
M2M_CLIENT_ID = "sim-sp-0000-1111-2222"
M2M_CLIENT_SECRET = "dose-sim-m2m-secret-0000"


def test_oauth_m2m_against_the_sim(sim):
    w = WorkspaceClient(
        host=sim.base_url,
        client_id=M2M_CLIENT_ID,
        client_secret=M2M_CLIENT_SECRET,
        auth_type="oauth-m2m",
    )
    assert w.current_user.me().user_name == "ml-eng@acme.com"
    assert w.config.auth_type == "oauth-m2m"


def test_databricks_cli_token_output_as_our_stand_ins_print_it(sim, monkeypatch):
    # A stand-in CLI printing the token the way `databricks auth token` does (Go's oauth2.Token
    # as JSON), here the simulator's PAT, which the gate accepts as a bearer token.
    with tempfile.TemporaryDirectory() as d:
        answer = json.dumps({"access_token": sim.token, "token_type": "Bearer",
                             "expiry": "2099-01-01T00:00:00.000000Z"})
        version = json.dumps({"Major": 0, "Minor": 300, "Patch": 0})
        script = Path(d) / "databricks"
        script.write_text(
            "#!/bin/sh\n"
            f"if [ \"$1\" = version ]; then echo '{version}'; exit 0; fi\n"
            f"echo '{answer}'\n"
        )
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
        monkeypatch.setenv("PATH", f"{d}{os.pathsep}{os.environ['PATH']}")
        w = WorkspaceClient(host=sim.base_url, auth_type="databricks-cli")
        assert w.current_user.me().user_name == "ml-eng@acme.com"
