#!/usr/bin/env bash
# Invocation throughput of the simulator measured by wrk (Debian package `wrk`), for comparison
# with benches/serving_invocations.rs: the release binary serves `mlops-console sim`, wrk posts a
# one-row dataframe_split to churn-prod over keep-alive connections.
#   benches/serving_wrk.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-32}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
cargo build --release --bin mlops-console >/dev/null
target=${CARGO_TARGET_DIR:-target}
log=$(mktemp)
"$target/release/mlops-console" sim --port 0 --served-latency 0 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$log" "$script"' EXIT
for _ in $(seq 50); do grep -q '^token=' "$log" && break; sleep 0.1; done
url=$(sed -n 's/^base_url=//p' "$log")
token=$(sed -n 's/^token=//p' "$log")
script=$(mktemp --suffix=.lua)
cat >"$script" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $token"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"dataframe_split":{"columns":["tenure_months","monthly_charges","support_tickets","contract_type","num_products"],"data":[[3,89.5,4,"month-to-month",1]]}}'
LUA
wrk -t1 -c"$conns" -d"${secs}s" --latency -s "$script" "$url/serving-endpoints/churn-prod/invocations"
