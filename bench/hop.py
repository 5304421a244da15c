#!/usr/bin/env python3
"""Benchmark (not a test: no pass/fail on timings): the portal's own cost per request, in both
modes, side by side in one run. For each mode a release portal runs against the release
emulator; wrk (Debian's) sends, with 1 thread and 8 keep-alive connections for 10 s each:

- `GET /healthz` (touches no session, no store);
- `POST /api/exports/history`, signed in (a session read and a database read, no cloud call);
- `POST /api/auth/whoami`, signed in (a session read only).

Embedded mode: SQLite. Cluster mode: PostgreSQL and Redis (a database and key prefix of the
run's own, removed afterwards). It prints a table and writes it as JSON to
target/bench/hop.json. Ratios between rows hold on a noisy machine; absolute times do not.
"""

import base64
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cluster"))
from test_cluster import ROOT, RELEASE, PG, REDIS, Http, free_port, session_cookie, wait_until  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = 8


def wrk(url, method="GET", body="", cookie=None, origin=None):
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    headers = {}
    if cookie:
        headers["Cookie"] = cookie
    if method == "POST":
        headers.update({"Origin": origin, "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
    script.write(f"wrk.method = {json.dumps(method)}\nwrk.body = {json.dumps(body)}\n")
    for k, v in headers.items():
        script.write(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n")
    script.close()
    out = subprocess.run(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "-s", script.name, url],
                         check=True, capture_output=True, text=True).stdout
    os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50_ms": pct(50), "p99_ms": pct(99), "errors": int(non2xx.group(1)) if non2xx else 0}


def run_mode(mode, emulator_port, tmp):
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.update({
        "LEPTOS_OUTPUT_NAME": "secportal", "LEPTOS_SITE_ROOT": os.path.join(ROOT, "target", "site"),
        "LEPTOS_SITE_PKG_DIR": "pkg", "LEPTOS_SITE_ADDR": f"127.0.0.1:{port}", "LEPTOS_ENV": "PROD",
        "SECPORTAL_ADDR": f"127.0.0.1:{port}", "SECPORTAL_DEMO_EMULATOR": f"http://127.0.0.1:{emulator_port}",
        "SECPORTAL_DATA_DIR": os.path.join(tmp, mode), "SECPORTAL_LOG": "warn",
    })
    cleanup = []
    if mode == "cluster":
        db = f"secportal_bench_{secrets.token_hex(6)}"
        prefix = f"secportal-bench-{secrets.token_hex(6)}:"
        subprocess.run(["psql", f"{PG}/postgres", "-qc", f"CREATE DATABASE {db}"], check=True, stdout=subprocess.DEVNULL)
        env.update({"SECPORTAL_DATABASE_URL": f"{PG}/{db}", "SECPORTAL_REDIS_URL": REDIS, "SECPORTAL_REDIS_PREFIX": prefix,
                    "SECPORTAL_SESSION_KEY": base64.b64encode(secrets.token_bytes(32)).decode()})

        def drop():
            subprocess.run(["psql", f"{PG}/postgres", "-qc", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"], check=False,
                           stdout=subprocess.DEVNULL)
            url = urllib.parse.urlparse(REDIS)
            cli = ["redis-cli", "-h", url.hostname, "-p", str(url.port or 6379)]
            keys = subprocess.run(cli + ["--scan", "--pattern", f"{prefix}*"], capture_output=True, text=True).stdout.split()
            for k in keys:
                subprocess.run(cli + ["DEL", k], stdout=subprocess.DEVNULL)
        cleanup.append(drop)
    proc = subprocess.Popen([os.path.join(RELEASE, "secportal")], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        client = Http(port)
        wait_until("the portal is ready", lambda: _ready(client), 60)
        status, headers, body = client.request("POST", "/api/auth/login", origin=origin, body={
            "domain": "secportal-demo", "user": "operator", "password": "operator-pass-1", "region": "cn-north-4"})
        assert status == 200, (status, body)
        cookie = session_cookie(headers)
        rows = {
            "GET /healthz": wrk(f"{origin}/healthz"),
            "POST /api/exports/history (signed in)": wrk(f"{origin}/api/exports/history", "POST", "", cookie, origin),
            "POST /api/auth/whoami (signed in)": wrk(f"{origin}/api/auth/whoami", "POST", "", cookie, origin),
        }
        return rows
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        for c in cleanup:
            c()


def _ready(client):
    try:
        return client.request("GET", "/readyz", timeout=2)[0] == 200
    except OSError:
        return False


def main():
    tmp = tempfile.mkdtemp(prefix="secportal-bench-")
    emulator_port = free_port()
    emulator = subprocess.Popen([os.path.join(RELEASE, "emulator"), "--addr", f"127.0.0.1:{emulator_port}"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until("the emulator answers", lambda: _ready_emulator(emulator_port), 30)
        results = {mode: run_mode(mode, emulator_port, tmp) for mode in ("embedded", "cluster")}
    finally:
        emulator.send_signal(signal.SIGKILL)
        emulator.wait(10)
    print(f"\nwrk, 1 thread, {CONNECTIONS} connections, {SECONDS} s per row, release builds, loopback\n")
    print(f"| request | mode | requests/s | p50 | p99 | non-2xx |")
    print("|---|---|---|---|---|---|")
    for name in next(iter(results.values())):
        for mode, rows in results.items():
            r = rows[name]
            print(f"| {name} | {mode} | {r['rps']:,.0f} | {r['p50_ms']:.2f} ms | {r['p99_ms']:.2f} ms | {r['errors']} |")
    os.makedirs(os.path.join(ROOT, "target", "bench"), exist_ok=True)
    with open(os.path.join(ROOT, "target", "bench", "hop.json"), "w") as f:
        json.dump({"connections": CONNECTIONS, "seconds": SECONDS, "results": results}, f, indent=2)


def _ready_emulator(port):
    try:
        return Http(port).request("GET", "/_emulator/faults", timeout=2)[0] == 200
    except OSError:
        return False


if __name__ == "__main__":
    main()
