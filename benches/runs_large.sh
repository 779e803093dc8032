#!/usr/bin/env bash
# `runs` over the 100,000-run experiment of `sim --scale large`, against curl making the same
# requests in one process (`--next`): the name lookup, then runs/search pages of 1,000 with the
# same body the console sends (page tokens collected beforehand). Prints the peak resident memory
# of `runs --all --json` and hyperfine's comparison (with medians) for `--max 1000 --json` and `--all --json`.
# Usage: benches/runs_large.sh [extra hyperfine args]
#   (needs hyperfine, curl, python3 and GNU time at /usr/bin/time)
#   RUNS=N sets the timed runs (default 10); MLOPS_CONSOLE_BIN=path skips the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${MLOPS_CONSOLE_BIN:-}" ]; then
  bin=$MLOPS_CONSOLE_BIN
else
  cargo build --release --bin mlops-console
  bin=${CARGO_TARGET_DIR:-target}/release/mlops-console
fi
out=$(mktemp); cfg=$(mktemp -d)
"$bin" sim --port 0 --scale large > "$out" &
sim=$!
trap 'kill $sim 2>/dev/null; rm -rf "$out" "$cfg"' EXIT
for _ in $(seq 300); do grep -q '^token=' "$out" && break; sleep 0.1; done
url=$(sed -n 's/^base_url=//p' "$out"); token=$(sed -n 's/^token=//p' "$out")
export DATABRICKS_CONFIG_FILE=/nonexistent
exp=/Shared/scale/100k-runs
auth="Authorization: Bearer $token"
exp_id=$(curl -sf -G -H "$auth" --data-urlencode "experiment_name=$exp" \
  "$url/api/2.0/mlflow/experiments/get-by-name" | python3 -c 'import json,sys; print(json.load(sys.stdin)["experiment"]["experiment_id"])')
body() { # body PAGE_TOKEN
  python3 -c 'import json,sys; b={"experiment_ids":[sys.argv[1]],"run_view_type":"ACTIVE_ONLY","max_results":1000}
if sys.argv[2]: b["page_token"]=sys.argv[2]
print(json.dumps(b))' "$exp_id" "$1"
}
# One curl config per listing: the lookup, then each page.
lookup="url = \"$url/api/2.0/mlflow/experiments/get-by-name?experiment_name=$exp\"
header = \"$auth\"
output = /dev/null
silent
fail"
page() { printf 'next\nurl = "%s"\nheader = "%s"\nheader = "Content-Type: application/json"\ndata = %s\noutput = /dev/null\nsilent\nfail\n' \
  "$url/api/2.0/mlflow/runs/search" "$auth" "$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$1")"; }
echo "$lookup" > "$cfg/first.cfg"; page "$(body '')" >> "$cfg/first.cfg"
echo "$lookup" > "$cfg/all.cfg"
tok=""; pages=0
while :; do
  b=$(body "$tok"); page "$b" >> "$cfg/all.cfg"; pages=$((pages + 1))
  tok=$(curl -sf -H "$auth" -H 'Content-Type: application/json' -d "$b" "$url/api/2.0/mlflow/runs/search" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin).get("next_page_token") or "")')
  [ -n "$tok" ] || break
done
# --nested: every run, so the console sends the same unfiltered searches as curl.
run="$bin --host $url --token $token runs $exp --nested"
echo "simulator $url, $exp = $exp_id, $pages pages of 1000"
/usr/bin/time -v $run --all --json 2> "$cfg/time" > /dev/null
echo "runs --all --json: peak RSS $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$cfg/time") kB"
medians() { python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
shown = ", ".join(f"{x['command']} {x['median'] * 1e3:.1f} ms" for x in r)
print(f"medians: {shown}; ratio {r[0]['median'] / r[1]['median']:.2f}x")
PY
}
hyperfine --warmup 2 --runs "${RUNS:-10}" -N --export-json "$cfg/first.json" "$@" \
  -n "mlops-console runs --max 1000 --json" "$run --max 1000 --json" \
  -n "curl, same requests" "curl -K $cfg/first.cfg"
medians "$cfg/first.json"
hyperfine --warmup 1 --runs "${RUNS:-10}" -N --export-json "$cfg/all.json" "$@" \
  -n "mlops-console runs --all --json" "$run --all --json" \
  -n "curl, same requests" "curl -K $cfg/all.cfg"
medians "$cfg/all.json"
