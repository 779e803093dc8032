#!/usr/bin/env bash
# Side by side, in one run: `mlops-console experiments --json` against the simulator, `curl` of the
# same endpoint, and the official Python client doing the same listing.
# Usage: benches/listing.sh   (needs hyperfine; the contract venv for the Python client)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bin mlops-console
bin=${CARGO_TARGET_DIR:-target}/release/mlops-console
venv="${MLOPS_CONTRACT_VENV:-$HOME/.cache/mlops-console/contract-venv}"
out=$(mktemp)
"$bin" sim --port 0 > "$out" &
sim=$!
trap 'kill $sim 2>/dev/null' EXIT
for _ in $(seq 100); do grep -q '^token=' "$out" && break; sleep 0.1; done
url=$(sed -n 's/^base_url=//p' "$out"); token=$(sed -n 's/^token=//p' "$out")
export DATABRICKS_CONFIG_FILE=/nonexistent
hyperfine --warmup 3 --runs 30 -N \
  -n "mlops-console experiments --json" "$bin --host $url --token $token experiments --json" \
  -n "curl experiments/search" "curl -sf -X POST -H 'Authorization: Bearer $token' -d '{}' $url/api/2.0/mlflow/experiments/search" \
  -n "python databricks-sdk" "$venv/bin/python -c \"from databricks.sdk import WorkspaceClient; w=WorkspaceClient(host='$url', token='$token', auth_type='pat'); print(len(list(w.experiments.search_experiments())))\""
