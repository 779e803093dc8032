#!/usr/bin/env bash
# The load test's speed against wrk (Debian package `wrk`) on the same loopback target, in one
# run (issue 15 §3):
#   1. fixed concurrency 16 and 64 against the simulator answering at once
#      (`sim --served-latency 0`): requests/s of `mlops-console bench --concurrency N` over
#      wrk's with the same connection count, and both p99s;
#   2. target rates 1000 and 5000 requests/s against the simulator with its latency model on:
#      achieved vs target, p99 (corrected and raw), and late sends (client-side queueing).
#   benches/bench_vs_wrk.sh [SECONDS]
# With taskset and two cores or more, the simulator runs on core 0 and each client (wrk with one
# thread, the load test) on core 1, so both clients get the same CPU and neither competes with
# the server; otherwise all share every core and the figures are noisier.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
command -v python3 >/dev/null || { echo "python3 is needed to read the results"; exit 1; }
cargo build --release --bin mlops-console >/dev/null
bin=${CARGO_TARGET_DIR:-target}/release/mlops-console
work=$(mktemp -d)
# start_sim runs in a command substitution (a subshell): each simulator's pid goes to a file.
trap 'for f in "$work"/*.pid; do [ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null; done; rm -rf "$work"' EXIT

server=() client=() wrk_threads=2
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  server=(taskset -c 0) client=(taskset -c 1) wrk_threads=1
fi

start_sim() { # log name, extra args… → base URL
  local log="$work/$1.log"
  shift
  "${server[@]}" "$bin" sim --port 0 --traffic-rps 0 "$@" >"$log" 2>&1 &
  echo $! >"${log%.log}.pid"
  for _ in $(seq 100); do grep -q '^token=' "$log" && break; sleep 0.1; done
  sed -n 's/^base_url=//p' "$log"
}

fast=$(start_sim fast --served-latency 0)
model=$(start_sim model)
token=dapi-demo-0000000000000000
body='{"dataframe_split":{"columns":["tenure_months","monthly_charges","support_tickets","contract_type","num_products"],"data":[[3,89.5,4,"month-to-month",1]]}}'
echo "$body" >"$work/body.json"
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $token"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$body'
LUA
cat >"$work/read.py" <<'PY'
import json, re, sys

what = sys.argv[1]
text = sys.stdin.read()
if what == "wrk":
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", text)
    p99 = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
    print(f"{rps:.0f} {p99:.2f}")
    sys.exit()
d = json.loads(text)
rps, lat = d["rps"], d["latency_ms"]
if what == "closed":
    print(f"{rps['achieved']:.0f} {lat['raw']['p99']:.2f}")
else:
    t, a = rps["target"], rps["achieved"]
    print(f"{t:<6.0f} {a:12.1f} {a / t * 100:8.2f}% {lat['corrected']['p99']:16.2f} "
          f"{lat['raw']['p99']:12.2f} {d['schedule']['late_sends']:11d} {d['schedule']['max_lag_ms']:12.2f}")
PY

bench() { # host, args… → the JSON result
  HOME="$work/home" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" \
    DATABRICKS_HOST="$1" DATABRICKS_TOKEN="$token" \
    "${client[@]}" "$bin" bench churn-prod --data "$work/body.json" --yes --json "${@:2}" 2>/dev/null || true
}

echo "== fixed concurrency against the simulator answering at once ($secs s each)"
printf "%-6s %10s %10s %6s %11s %13s\n" conns wrk_rps bench_rps ratio wrk_p99_ms bench_p99_ms
for c in 16 64; do
  read -r wrps wp99 <<<"$("${client[@]}" wrk -t"$wrk_threads" -c"$c" -d"${secs}s" --latency -s "$work/post.lua" \
    "$fast/serving-endpoints/churn-prod/invocations" | python3 "$work/read.py" wrk)"
  read -r brps bp99 <<<"$(bench "$fast" --concurrency "$c" --duration "${secs}s" |
    python3 "$work/read.py" closed)"
  ratio=$(python3 -c "print(f'{$brps / $wrps:.2f}')")
  printf "%-6s %10s %10s %6s %11s %13s\n" "$c" "$wrps" "$brps" "$ratio" "$wp99" "$bp99"
done

echo
echo "== target rate against the simulator with its latency model ($secs s each)"
printf "%-6s %12s %9s %16s %12s %11s %12s\n" target achieved of_target p99_corrected_ms p99_raw_ms late_sends max_lag_ms
for r in 1000 5000; do
  bench "$model" --rate "$r" --duration "${secs}s" | python3 "$work/read.py" open
done
