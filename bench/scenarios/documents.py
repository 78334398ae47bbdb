"""Document search over 1,000,000 documents: target p95 < 100 ms (issue 5, §5).

prepare: loads the demo organisation, tops the database up to BENCH_DOCUMENTS documents
(default 1,000,000) with ``generate_documents --until`` (COPY; a rerun adds nothing), and
issues a bearer token to a user who works in every agency, so each search runs over all the
documents.

run: searches through ``GET /api/v1/documents?q=…`` with a mix of queries typed without
diacritics (common and rare words, numbers and notations, names, filters): first timed one by
one from a few client threads to get p50/p95/p99, then with wrk for throughput, as a ratio to the
bare JSON endpoint measured in the same run.
"""

from __future__ import annotations

import http.client
import os
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from bench.harness import Measurement, Report, Server, run_wrk

COUNT = int(os.environ.get("BENCH_DOCUMENTS", "1000000"))
CLIENTS = 4
ROUNDS = 25  # per query and client
QUERIES = [
    {"q": "ke hoach kiem tra"},
    {"q": "giay phep xay dung nha o rieng le"},
    {"q": "giai ngan von dau tu cong"},
    {"q": "chuyen doi so"},
    {"q": "quyết định phê duyệt"},
    {"q": "bao cao"},
    {"q": "phong chong thien tai my tho"},
    {"q": "nguyen van hung"},
    {"q": "12/KH-SXD"},
    {"q": "ubnd tinh hau giang"},
    {"q": "thi dua khen thuong", "direction": "incoming"},
    {"q": "quy hoach chi tiet", "from": "2026-01-01", "to": "2026-06-30"},
    {"q": "tan phu dong cap nuoc"},
    {"q": "huong dan", "doc_type": "huong_dan"},
]
BENCH_USER_SCRIPT = """
from egov.accounts.actions import create_user, issue_api_token
from egov.accounts.models import User
from egov.org.actions import grant_role
from egov.org.models import Agency, Membership, Role
user = User.objects.filter(username="bench-documents").first() or create_user(
    acting_user=None, username="bench-documents", password=None,
    full_name="Bench documents", kind="staff", email="bench-documents@example.vn")
for agency in Agency.objects.filter(is_active=True):
    if not Membership.objects.filter(user=user, agency=agency, is_active=True).exists():
        grant_role(acting_user=None, user=user, agency=agency, role=Role.SPECIALIST)
print(issue_api_token(acting_user=None, user=user, name="bench")[1])
"""
_token: dict[str, str] = {}


def _path(params: dict[str, str]) -> str:
    return "/api/v1/documents?" + urllib.parse.urlencode({**params, "limit": "20"})


def prepare(server: Server) -> None:
    server.manage("load_demo", "--allow-production")
    server.manage("generate_documents", "--count", str(COUNT), "--until", "--allow-production")
    _token["value"] = server.shell(BENCH_USER_SCRIPT).strip().splitlines()[-1]


def _timed(server: Server, paths: list[str], out: list[float], errors: list[str]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    headers = {"Authorization": f"Bearer {_token['value']}", "Accept": "application/json"}
    for path in paths:
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        out.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            errors.append(f"{path}: {response.status}")
    connection.close()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _latencies(server: Server, paths: list[str], clients: int) -> list[float]:
    latencies: list[float] = []
    errors: list[str] = []
    for _round in range(ROUNDS):
        threads = [
            threading.Thread(target=_timed, args=(server, paths[i:] + paths[:i], latencies, errors))
            for i in range(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    if errors:
        raise RuntimeError(f"requests failed: {errors[:3]}")
    return latencies


def run(server: Server, report: Report, *, duration: int, connections: int) -> None:
    paths = [_path(q) for q in QUERIES]
    _timed(server, paths, [], [])  # warm up: each query once
    bare = _latencies(server, ["/api/v1/ping"] * len(paths), 1)
    bare_p95 = _percentile(bare, 0.95)
    for clients in (1, CLIENTS):
        latencies = _latencies(server, paths, clients)
        p50, p95, p99 = (_percentile(latencies, s) for s in (0.50, 0.95, 0.99))
        notes = (
            f"{len(latencies)} requests, {clients} client(s), {len(QUERIES)} queries, "
            f"{COUNT:,} documents; bare JSON p95 at 1 client {bare_p95:.1f} ms"
        )
        report.measurements += [
            Measurement(f"document search p50, {clients} client(s)", p50, "ms", "", notes),
            Measurement(f"document search p95, {clients} client(s)", p95, "ms", "< 100 ms", notes),
            Measurement(f"document search p99, {clients} client(s)", p99, "ms", "", notes),
        ]
        print(
            f"  document search, {clients} client(s): p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
            f"p99 {p99:.1f} ms (bare JSON p95 {bare_p95:.1f} ms)"
        )

    lua = _wrk_script(paths)
    try:
        report.wrk.append(
            run_wrk(
                f"document search ({COUNT:,} documents)",
                server.url,
                connections=connections,
                duration=duration,
                script=lua,
            )
        )
    finally:
        lua.unlink()


def _wrk_script(paths: list[str]) -> Path:
    quoted = ", ".join(f'"{p}"' for p in paths)
    text = f"""
local paths = {{{quoted}}}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], {{
    ["Authorization"] = "Bearer {_token["value"]}",
    ["Accept"] = "application/json",
  }})
end
"""
    handle = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
    handle.write(text)
    handle.close()
    return Path(handle.name)
