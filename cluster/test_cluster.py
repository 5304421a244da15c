#!/usr/bin/env python3
"""Cluster mode end to end: two release instances of the portal behind nginx (an upstream with
both), the standalone emulator, PostgreSQL and Redis.

It uses the PostgreSQL and Redis named by SECPORTAL_TEST_PG and SECPORTAL_TEST_REDIS (set by
scripts/services.sh, which finds local ones or starts private ones), in a fresh database and a
key prefix of its own that it removes afterwards. Every wait is bounded. It shows:

- signed in through instance A, every page and call works through B (and through the proxy);
- exports and scans started on A while A is killed with SIGKILL finish and download through B,
  each task polled by one instance at a time (emulator request log);
- over the whole run, at most 5 HSS calls per user per API in any 60 s window, and no 429;
- sign-out on B: the cookie is dead on A, also with a slow request in flight during sign-out;
- A restarted joins again without signing anyone out.
"""

import base64
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE = os.path.join(ROOT, "target", "release")
PG = os.environ.get("SECPORTAL_TEST_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("SECPORTAL_TEST_REDIS", "redis://127.0.0.1:6379")
DEADLINE_S = 240


def log(*a):
    print("[cluster]", *a, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Http:
    """Plain HTTP/1.1 to one base address; cookies are passed by hand."""

    def __init__(self, port):
        self.port = port
        self.origin = f"http://127.0.0.1:{port}"

    def request(self, method, path, body=None, cookie=None, origin=None, timeout=30, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        # Addressed to the public origin, as the proxy forwards it (instances refuse other hosts).
        h = {"Accept": "application/json", "Host": urllib.parse.urlparse(PUBLIC_ORIGIN).netloc}
        if headers:
            h.update(headers)
        if cookie:
            h["Cookie"] = cookie
        if method == "POST":
            h["Origin"] = origin or PUBLIC_ORIGIN
        data = None
        if isinstance(body, dict) and h.get("Content-Type") != "application/json":
            data = urllib.parse.urlencode(body)
            h["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body) if not isinstance(body, str) else body
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        payload = r.read()
        conn.close()
        return r.status, dict(r.getheaders()), payload

    def json_call(self, path, body, cookie, **kw):
        status, headers, payload = self.request(
            "POST", path, body=json.dumps(body), cookie=cookie, headers={"Content-Type": "application/json"}, **kw
        )
        return status, json.loads(payload or b"null")

    def form_call(self, path, form, cookie, **kw):
        status, headers, payload = self.request("POST", path, body=form, cookie=cookie, **kw)
        return status, json.loads(payload or b"null")


def session_cookie(headers):
    for k, v in headers.items():
        if k.lower() == "set-cookie" and v.split("=", 1)[0] in ("__Host-secportal_session", "secportal_session"):
            return v.split(";")[0]
    return None


def wait_until(what, check, within=60, every=0.25):
    end = time.time() + within
    while True:
        value = check()
        if value:
            return value
        if time.time() > end:
            raise AssertionError(f"timed out: {what}")
        time.sleep(every)


def read(call, within=90):
    """A portal read, waiting out the portal's own throttling (it says how long)."""
    end = time.time() + within
    while True:
        status, answer = call()
        if status == 429 and time.time() < end:
            time.sleep(min(float((answer or {}).get("retry_after_secs") or 2), 15))
            continue
        return status, answer


class Cluster:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="secportal-cluster-")
        self.db = f"secportal_cluster_{secrets.token_hex(6)}"
        self.prefix = f"secportal-cluster-{secrets.token_hex(6)}:"
        self.key = base64.b64encode(secrets.token_bytes(32)).decode()
        self.emulator_port = free_port()
        self.ports = {"A": free_port(), "B": free_port()}
        self.proxy_port = free_port()
        self.procs = {}

    # --- services -------------------------------------------------------------------------
    def psql(self, sql):
        subprocess.run(["psql", f"{PG}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True,
                       stdout=subprocess.DEVNULL)

    def redis_keys(self):
        url = urllib.parse.urlparse(REDIS)
        out = subprocess.run(["redis-cli", "-h", url.hostname, "-p", str(url.port or 6379), "--scan", "--pattern",
                              f"{self.prefix}*"], check=True, capture_output=True, text=True).stdout
        return [k for k in out.split("\n") if k]

    def start_emulator(self):
        self.procs["emulator"] = subprocess.Popen(
            [os.path.join(RELEASE, "emulator"), "--addr", f"127.0.0.1:{self.emulator_port}", "--task-timing", "seconds:3"],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.tmp, "emulator.log"), "w"))
        self.emulator = Http(self.emulator_port)
        wait_until("the emulator answers", lambda: self.try_get(self.emulator, "/_emulator/faults"), 30)

    def start(self, name):
        port = self.ports[name]
        env = dict(os.environ)
        env.update({
            "LEPTOS_OUTPUT_NAME": "secportal", "LEPTOS_SITE_ROOT": os.path.join(ROOT, "target", "site"),
            "LEPTOS_SITE_PKG_DIR": "pkg", "LEPTOS_SITE_ADDR": f"127.0.0.1:{port}", "LEPTOS_ENV": "PROD",
            "SECPORTAL_ADDR": f"127.0.0.1:{port}",
            "SECPORTAL_DEMO_EMULATOR": f"http://127.0.0.1:{self.emulator_port}",
            "SECPORTAL_DATA_DIR": os.path.join(self.tmp, name),
            "SECPORTAL_DATABASE_URL": f"{PG}/{self.db}",
            "SECPORTAL_REDIS_URL": REDIS, "SECPORTAL_REDIS_PREFIX": self.prefix,
            "SECPORTAL_SESSION_KEY": self.key, "SECPORTAL_PUBLIC_ORIGIN": PUBLIC_ORIGIN,
            "SECPORTAL_TRACKER_MIN_INTERVAL_MS": "3000", "SECPORTAL_LOG": "warn",
            "SECPORTAL_TRUSTED_PROXY_HOPS": "1",
        })
        self.procs[name] = subprocess.Popen([os.path.join(RELEASE, "secportal")], env=env, stdout=subprocess.DEVNULL,
                                            stderr=open(os.path.join(self.tmp, f"{name}.log"), "a"))
        wait_until(f"instance {name} is ready", lambda: self.try_get(Http(port), "/readyz"), 60)

    def kill(self, name):
        proc = self.procs.pop(name)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)

    def start_proxy(self):
        conf = os.path.join(self.tmp, "nginx.conf")
        os.makedirs(os.path.join(self.tmp, "nginx", "tmp"), exist_ok=True)
        os.makedirs(os.path.join(self.tmp, "nginx", "logs"), exist_ok=True)
        with open(os.path.join(ROOT, "cluster", "nginx.conf")) as f:
            text = f.read()
        text = (text.replace("{A}", str(self.ports["A"])).replace("{B}", str(self.ports["B"]))
                .replace("{LISTEN}", str(self.proxy_port)))
        with open(conf, "w") as f:
            f.write(text)
        self.procs["nginx"] = subprocess.Popen(["/usr/sbin/nginx", "-p", os.path.join(self.tmp, "nginx"), "-c", conf,
                                                "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                                               stderr=open(os.path.join(self.tmp, "nginx.log"), "w"))
        wait_until("nginx answers", lambda: self.try_get(Http(self.proxy_port), "/healthz"), 30)

    def control(self, path, body):
        status, _, payload = self.emulator.request("POST", path, body=json.dumps(body),
                                                   headers={"Content-Type": "application/json"},
                                                   origin=self.emulator.origin)
        assert status == 204, (path, status, payload)

    @staticmethod
    def try_get(client, path):
        try:
            return client.request("GET", path, timeout=2)[0] == 200
        except OSError:
            return False

    def stop(self):
        for name, proc in list(self.procs.items()):
            proc.send_signal(signal.SIGKILL)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
        try:
            self.psql(f"DROP DATABASE IF EXISTS {self.db} WITH (FORCE)")
        except subprocess.CalledProcessError as e:
            log("could not drop the test database:", e)
        url = urllib.parse.urlparse(REDIS)
        for key in self.redis_keys():
            subprocess.run(["redis-cli", "-h", url.hostname, "-p", str(url.port or 6379), "DEL", key],
                           check=False, stdout=subprocess.DEVNULL)


PUBLIC_ORIGIN = ""


def sign_in(client, user="operator", agent=None):
    status, headers, body = client.request("POST", "/api/auth/login", body={
        "domain": "secportal-demo", "user": user, "password": f"{user}-pass-1", "region": "cn-north-4"},
        headers={"User-Agent": agent} if agent else None)
    assert status == 200, (status, body)
    return session_cookie(headers)


def key():
    return "cluster-" + secrets.token_hex(12)


def main():
    global PUBLIC_ORIGIN
    for binary in ("secportal", "emulator"):
        assert os.access(os.path.join(RELEASE, binary), os.X_OK), f"build the release {binary} first"
    c = Cluster()
    # https: TLS ends in front of nginx (a load balancer), so the instances send HSTS and the
    # __Host- cookie, which the checks below read through nginx.
    PUBLIC_ORIGIN = f"https://127.0.0.1:{c.proxy_port}"
    started = time.time()
    c.psql(f"CREATE DATABASE {c.db}")
    try:
        c.start_emulator()
        c.start("A")
        c.start("B")
        c.start_proxy()
        a, b, proxy = Http(c.ports["A"]), Http(c.ports["B"]), Http(c.proxy_port)

        # 1. Signed in through A, everything works through B and through the proxy.
        cookie = sign_in(a)
        for client in (b, proxy):
            status, me = read(lambda: client.form_call("/api/auth/whoami", {}, cookie))
            assert status == 200 and me["user"] == "operator", (status, me)
            status, _, page = client.request("GET", "/history", cookie=cookie)
            assert status == 200 and b"History" in page, status
        status, page = read(lambda: b.form_call("/api/exports/history", {}, cookie))
        assert status == 200, (status, page)
        status, clusters = read(lambda: b.form_call("/api/scans/clusters", {"offset": "0"}, cookie))
        assert status == 200 and clusters["total"] > 0, (status, clusters)
        log("signed in on A; whoami, a page, history and the cluster list answer on B and through nginx")

        # Headers as browsers get them through the proxy with an https public origin.
        status, headers, _ = proxy.request("GET", "/login")
        h = {k.lower(): v for k, v in headers.items()}
        assert status == 200, status
        assert h.get("strict-transport-security") == "max-age=31536000; includeSubDomains", h
        csp = h.get("content-security-policy", "")
        assert "unsafe-inline" not in csp and "default-src 'self'" in csp.replace('"', "'"), csp
        assert h.get("cross-origin-resource-policy") == "same-origin", h
        status, headers, _ = proxy.request("POST", "/api/auth/login", body={
            "domain": "secportal-demo", "user": "operator", "password": "operator-pass-1", "region": "cn-north-4"})
        line = next(v for k, v in headers.items() if k.lower() == "set-cookie" and "secportal_session" in v)
        attrs = [a.strip().lower() for a in line.split(";")]
        assert status == 200 and line.startswith("__Host-secportal_session="), line
        assert {"secure", "httponly", "samesite=strict", "path=/"} <= set(attrs) and not any(
            a.startswith("domain=") for a in attrs), line
        status, _, _ = proxy.request("GET", "/login", headers={"Host": "rebound.evil.test"})
        assert status == 421, status
        log("through nginx: HSTS, strict CSP, CORP, a __Host- Secure cookie; another Host is refused (421)")

        # Sessions live in Redis: one signed in on A is listed on B and ended there, and its
        # cookie is dead on both instances.
        second = sign_in(a, agent="Second-Browser/1.0")
        status, listed = read(lambda: b.form_call("/api/sessions/list", {}, cookie))
        assert status == 200, (status, listed)
        theirs = [s for s in listed["sessions"] if s["user_agent"] == "Second-Browser/1.0"]
        assert len(theirs) == 1 and not theirs[0]["current"], listed
        status, ended = b.form_call("/api/sessions/end", {"handle": theirs[0]["handle"]}, cookie)
        assert status == 200, (status, ended)
        for client in (a, b):
            status, _ = client.form_call("/api/auth/whoami", {}, second)
            assert status == 401, ("the ended session still opens an instance", status)
        status, listed = a.form_call("/api/sessions/list", {}, cookie)
        assert status == 200 and not any(s["handle"] == theirs[0]["handle"] for s in listed["sessions"]), listed
        log("a session signed in on A is listed and ended on B; its cookie is dead on A and B")

        # 2. Exports and a scan started on both instances take 20 s in the cloud; both trackers
        #    follow them for a while, then A is killed: B finishes them.
        c.control("/_emulator/task-timing", {"timing": "seconds:20"})
        export = {"input": {"export_size": 3, "columns": [{"key": "container_name", "title": "Name"}]}}
        rows = []
        for client in (a, b, a):
            status, created = client.json_call("/api/exports/containers", {**export, "idempotency_key": key()}, cookie)
            assert status == 200, (status, created)
            rows.append(created["row"]["id"])
        healthy = [x["cluster"]["cluster_id"] for x in clusters["clusters"] if x["unscannable"] is None][:1]
        scan = {"input": {"scan_types": ["cluster_vul"], "cluster_ids": healthy, "confirmed": True}, "idempotency_key": key()}
        status, created = a.json_call("/api/scans/start_cluster_scan", scan, cookie)
        assert status == 200, (status, created)
        rows.append(created["row"]["id"])
        time.sleep(8)
        c.kill("A")
        killed_at = time.time()
        log(f"{len(rows)} tasks started on A and B, followed by both for 8 s, then A killed")

        def final(row_id):
            status, row = read(lambda: b.form_call("/api/exports/status", {"id": row_id}, cookie))
            assert status == 200, (status, row)
            return row if row["status"] in ("success", "failure") else None

        for row_id in rows:
            row = wait_until(f"row {row_id} final through B", lambda: final(row_id), 120, 1)
            assert row["status"] == "success", row
        log(f"all {len(rows)} finished through B, {time.time() - killed_at:.1f} s after the kill")
        for row_id in rows[:3]:
            status, headers, body = proxy.request("GET", f"/exports/{row_id}/download", cookie=cookie)
            assert status == 200 and body[:2] == b"PK", (status, body[:200])
        log("the exports download through the proxy")

        # 3. Sign-out on B with a slow request in flight on a restarted A.
        c.start("A")
        status, me = a.form_call("/api/auth/whoami", {}, cookie)
        assert status == 200, ("the restart signed the user out", status, me)
        log("A restarted; the session still works on A")
        c.control("/_emulator/faults", {"service": "hss", "operation": "/kubernetes/clusters", "latency_ms": 3000, "times": 1})
        with ThreadPoolExecutor(1) as pool:
            slow = pool.submit(lambda: a.form_call("/api/scans/clusters", {"offset": "0", "refresh": "true"}, cookie))
            time.sleep(0.7)
            status, _ = b.form_call("/api/auth/logout", {}, cookie)
            assert status == 200, status
            slow_status, _ = slow.result(30)
        for client in (a, b):
            status, me = client.form_call("/api/auth/whoami", {}, cookie)
            assert status == 401, ("the cookie lives on after sign-out", status, me)
        log(f"signed out on B with a slow request in flight on A ({slow_status}): the cookie is dead on A and B")

        # 4. The cloud's view of the whole run.
        status, _, body = c.emulator.request("GET", "/_emulator/requests")
        calls = json.loads(body)
        hss = [q for q in calls if q["service"] == "hss"]
        throttled = [q for q in hss if q["status"] == 429]
        assert not throttled, throttled
        per_api = defaultdict(list)
        for q in hss:
            op = q["path"].split("/", 3)[-1]
            op = "export-task/*" if op.startswith("export-task/") else op
            per_api[(q["method"], op)].append(q["at_ms"])
        busiest = 0
        for times in per_api.values():
            times.sort()
            for i, t in enumerate(times):
                busiest = max(busiest, sum(1 for u in times[i:] if u - t < 60_000))
        assert busiest <= 5, f"{busiest} calls of one API in a minute"
        # One poller per task at a time: no two status reads of one export closer than the
        # tracker's least interval allows (3 s, less a little for the clock).
        polls = defaultdict(list)
        for q in hss:
            if q["method"] == "GET" and "/export-task/" in q["path"]:
                polls[q["path"]].append(q["at_ms"])
        closest = min((b2 - a2 for t in polls.values() for a2, b2 in zip(sorted(t), sorted(t)[1:])), default=None)
        assert closest is not None, "the exports were polled more than once"
        assert closest >= 2500, f"two status reads of one export {closest} ms apart"
        log(f"emulator: {len(hss)} HSS calls, 0 throttled, at most {busiest} per API in any minute, "
            f"closest two polls of one export {closest} ms apart")
        log(f"passed in {time.time() - started:.1f} s")
    except Exception:
        for name in ("A", "B", "emulator", "nginx"):
            path = os.path.join(c.tmp, f"{name}.log")
            if os.path.exists(path):
                with open(path) as f:
                    tail = f.read()[-3000:]
                if tail.strip():
                    log(f"--- {name}.log (tail) ---\n{tail}")
        raise
    finally:
        c.stop()
        assert not c.redis_keys(), "the test's Redis keys were removed"


if __name__ == "__main__":
    sys.exit(main())
