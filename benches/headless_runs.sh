#!/usr/bin/env bash
# Side by side, in one run: `mlops-console runs /Shared/churn/training --json` against the
# simulator, `curl` of runs/search for the same experiment (id looked up once, beforehand), and the
# official Python clients doing the same listing (databricks-sdk, and mlflow's MlflowClient).
# Each does the name lookup and reads every run of the experiment.
# Usage: benches/headless_runs.sh [extra hyperfine args, e.g. --export-markdown runs.md]
#   (needs hyperfine and curl; the contract venv for the Python clients)
#   RUNS=N sets the timed runs (default 30); MLOPS_CONSOLE_BIN=path skips the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${MLOPS_CONSOLE_BIN:-}" ]; then
  bin=$MLOPS_CONSOLE_BIN
else
  cargo build --release --bin mlops-console
  bin=${CARGO_TARGET_DIR:-target}/release/mlops-console
fi
venv="${MLOPS_CONTRACT_VENV:-$HOME/.cache/mlops-console/contract-venv}"
out=$(mktemp)
"$bin" sim --port 0 > "$out" &
sim=$!
trap 'kill $sim 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 100); do grep -q '^token=' "$out" && break; sleep 0.1; done
url=$(sed -n 's/^base_url=//p' "$out"); token=$(sed -n 's/^token=//p' "$out")
export DATABRICKS_CONFIG_FILE=/nonexistent MLFLOW_TRACKING_TOKEN=$token
exp=/Shared/churn/training
exp_id=$(curl -sf -G -H "Authorization: Bearer $token" --data-urlencode "experiment_name=$exp" \
  "$url/api/2.0/mlflow/experiments/get-by-name" | sed -n 's/.*"experiment_id": *"\([0-9]*\)".*/\1/p')
[ -n "$exp_id" ] || { echo "cannot find $exp on the simulator" >&2; exit 1; }
runs=$("$bin" --host "$url" --token "$token" runs "$exp" --all --json | grep -c '"run_id"')
echo "simulator $url, $exp = $exp_id, $runs runs"
hyperfine --warmup 3 --runs "${RUNS:-30}" -N "$@" \
  -n "mlops-console runs --json" "$bin --host $url --token $token runs $exp --json" \
  -n "curl runs/search" "curl -sf -X POST -H 'Authorization: Bearer $token' -d '{\"experiment_ids\":[\"$exp_id\"]}' $url/api/2.0/mlflow/runs/search" \
  -n "python databricks-sdk" "$venv/bin/python -c \"from databricks.sdk import WorkspaceClient; w=WorkspaceClient(host='$url', token='$token', auth_type='pat'); e=w.experiments.get_by_name('$exp').experiment; print(len(list(w.experiments.search_runs(experiment_ids=[e.experiment_id]))))\"" \
  -n "python mlflow client" "$venv/bin/python -c \"from mlflow import MlflowClient; c=MlflowClient('$url'); e=c.get_experiment_by_name('$exp'); print(len(c.search_runs([e.experiment_id])))\""
