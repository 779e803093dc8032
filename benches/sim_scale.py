#!/usr/bin/env python3
"""The simulator at `--scale large`: resident memory, and runs/search latency on loopback over the
100,000-run experiment (first sort of an order, cached pages after it, a filter, one 50,000-run
page, every run in pages of 1,000).

Usage: cargo build --release --bin mlops-console && python3 benches/sim_scale.py [BINARY]
(Linux: memory is read from /proc/PID/status.)
"""
import json, statistics, subprocess, sys, time, urllib.request

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release/mlops-console"
def rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024

def start(*args):
    p = subprocess.Popen([BIN, "sim", "--port", "0", *args], stdout=subprocess.PIPE, text=True)
    vals = {}
    while not {"base_url", "token"} <= vals.keys():
        k, v = p.stdout.readline().strip().split("=", 1); vals[k] = v
    return p, vals["base_url"], vals["token"]

def call(base, token, path, body=None):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    t = time.perf_counter()
    with urllib.request.urlopen(req) as r:
        data = r.read()
    return (time.perf_counter() - t) * 1000, json.loads(data)

small, _, _ = start()
time.sleep(0.5)
print(f"RSS small: {rss_mb(small.pid):.1f} MB"); small.terminate()

p, base, tok = start("--scale", "large")
time.sleep(0.5)
print(f"RSS large at start: {rss_mb(p.pid):.1f} MB")
_, exp = call(base, tok, "/api/2.0/mlflow/experiments/get-by-name?experiment_name=/Shared/scale/100k-runs")
eid = exp["experiment"]["experiment_id"]
orders = [[], ["metrics.val_auc DESC"], ["metrics.loss ASC"], ["metrics.accuracy DESC"], ["params.n_estimators DESC"],
          ["attributes.run_name ASC"]]
for ob in orders:
    ms, first = call(base, tok, "/api/2.0/mlflow/runs/search", {"experiment_ids": [eid], "order_by": ob, "max_results": 1000})
    hits = []
    tokn = first["next_page_token"]
    for _ in range(5):
        m, page = call(base, tok, "/api/2.0/mlflow/runs/search", {"experiment_ids": [eid], "order_by": ob, "max_results": 1000, "page_token": tokn})
        hits.append(m); tokn = page["next_page_token"]
    print(f"order_by={ob or 'default'}: first page (sort, uncached) {ms:.1f} ms; next pages (cached) median {statistics.median(hits):.1f} ms")
ms, r = call(base, tok, "/api/2.0/mlflow/runs/search", {"experiment_ids": [eid], "filter": "params.max_depth = '7' AND metrics.val_auc > 0.85", "order_by": ["metrics.loss ASC"], "max_results": 1000})
print(f"filter + order (uncached): {ms:.1f} ms, {len(r.get('runs', []))} runs on the page")
small_page = [call(base, tok, "/api/2.0/mlflow/runs/search", {"experiment_ids": [eid], "max_results": 100})[0] for _ in range(10)]
print(f"default order, 100 runs (cached): median {statistics.median(small_page):.1f} ms")
print(f"RSS large after sorted searches (pages of <= 1000): {rss_mb(p.pid):.1f} MB")
ms, r = call(base, tok, "/api/2.0/mlflow/runs/search", {"experiment_ids": [eid], "max_results": 50000})
print(f"one 50,000-run page: {ms:.0f} ms")
print(f"RSS large after searches: {rss_mb(p.pid):.1f} MB")
# Load everything through pages of 1000 as a client would
t = time.perf_counter(); n = 0; tokn = None
while True:
    body = {"experiment_ids": [eid], "max_results": 1000}
    if tokn: body["page_token"] = tokn
    _, page = call(base, tok, "/api/2.0/mlflow/runs/search", body)
    n += len(page.get("runs", [])); tokn = page.get("next_page_token")
    if not tokn: break
print(f"all {n} runs in pages of 1000: {(time.perf_counter()-t):.2f} s")
print(f"RSS large at the end: {rss_mb(p.pid):.1f} MB")
p.terminate()
