"""The one-stop desk on a province's year of dossiers (issue 3 §6), on BENCH_DOSSIERS generated
dossiers (default 1,000,000; see ``bench/dossier_data.py``):

- the queue pages (``/dossiers/``, "my queue") of the centre's one-stop clerk and of a
  specialist of Sở Xây dựng, timed one request after another (p50/p95/p99; target p95 < 100 ms)
  and with wrk;
- dossier registration, ``POST /api/v1/dossiers`` at the desk with a fresh ``Idempotency-Key``
  per request (target ≥ 300/s);
- a transition, ``POST /api/v1/dossiers/{code}/actions/accept`` on dossiers waiting at the desk
  (steps planned, clock started, form 01 recorded; target ≥ 300/s).

Each is reported with its ratio to the bare JSON and the single-row ORM baselines of the run.
"""

from __future__ import annotations

from pathlib import Path

from bench import dossier_data
from bench.dossier_data import WORK
from bench.harness import Measurement, Report, Server, percentile, run_wrk, timed_requests

THREADS = 2
ROUNDS = 60  # timed requests per queue page and client

REGISTER_LUA = r"""
local token = os.getenv("BENCH_TOKEN")
local body = io.open("{work}/register.json"):read("*a")
local counter = 0
local thread_id = 0
function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end
function request()
  counter = counter + 1
  local headers = {{}}
  headers["Authorization"] = "Bearer " .. token
  headers["Content-Type"] = "application/json"
  headers["Idempotency-Key"] = "bench-" .. os.time() .. "-" .. tid .. "-" .. counter
  return wrk.format("POST", "/api/v1/dossiers", headers, body)
end
"""

ACCEPT_LUA = r"""
dofile("{work}/codes.lua")
local token = os.getenv("BENCH_TOKEN")
local threads = {{}}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
function init(args)
  index = tid
end
function request()
  local code = codes[index]
  index = index + {threads}
  if code == nil then
    code = "none"
  end
  local headers = {{}}
  headers["Authorization"] = "Bearer " .. token
  headers["Content-Type"] = "application/json"
  return wrk.format("POST", "/api/v1/dossiers/" .. code .. "/actions/accept", headers, "{{}}")
end
"""

PAGE_LUA = r"""
local cookie = os.getenv("BENCH_COOKIE")
function request()
  return wrk.format("GET", nil, {{["Cookie"] = cookie}})
end
"""


def prepare(server: Server) -> None:
    dossier_data.prepare(server)


def _script(name: str, template: str) -> Path:
    path = WORK / f"{name}.lua"
    path.write_text(template.format(work=WORK, threads=THREADS), encoding="utf-8")
    return path


def _ratios(report: Report, rps: float) -> str:
    bare = report.baseline("bare JSON endpoint")
    orm = report.baseline("bare single-row ORM select")
    parts = []
    if bare:
        parts.append(f"{rps / bare.requests_per_second:.3f} × bare JSON")
    if orm:
        parts.append(f"{rps / orm.requests_per_second:.3f} × single-row select")
    return "; ".join(parts)


def _queue_pages(server: Server, report: Report, *, duration: int) -> None:
    secrets = dossier_data.secrets()
    bare = timed_requests(server, ["/api/v1/ping"], rounds=ROUNDS)
    for who, label in [
        (dossier_data.CLERK, "one-stop clerk"),
        (dossier_data.SPECIALIST, "specialist"),
    ]:
        headers = {"Cookie": secrets[who]["cookie"]}
        paths = ["/dossiers/", "/dossiers/?page=2"]
        timed_requests(server, paths, headers=headers)  # warm up
        for clients in (1, 4):
            latencies = timed_requests(
                server, paths, headers=headers, clients=clients, rounds=ROUNDS // 2
            )
            p50, p95, p99 = (percentile(latencies, s) for s in (0.5, 0.95, 0.99))
            print(f"  queue page, {label}, {clients} client(s): p50 {p50:.1f} p95 {p95:.1f} ms")
            report.measurements.append(
                Measurement(
                    f"queue page of the {label} (/dossiers/), p95, {clients} client(s)",
                    p95,
                    "ms",
                    target="< 100 ms",
                    notes=f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, {len(latencies)} requests; "
                    f"bare JSON p95 at 1 client {percentile(bare, 0.95):.1f} ms",
                )
            )
        result = run_wrk(
            f"queue page of the {label} (/dossiers/)",
            f"{server.url}/dossiers/",
            connections=8,
            duration=duration,
            script=_script("page", PAGE_LUA),
            env={"BENCH_COOKIE": secrets[who]["cookie"]},
        )
        report.wrk.append(result)


def run(server: Server, report: Report, *, duration: int, connections: int) -> None:
    _queue_pages(server, report, duration=duration)
    token = dossier_data.secrets()[dossier_data.CLERK]["token"]
    writes = [
        ("dossier registration (POST /dossiers, Idempotency-Key)", REGISTER_LUA, "register"),
        ("dossier transition (POST …/actions/accept)", ACCEPT_LUA, "accept"),
    ]
    for name, template, script in writes:
        result = run_wrk(
            name,
            server.url,
            connections=connections,
            duration=duration,
            threads=THREADS,
            script=_script(script, template),
            env={"BENCH_TOKEN": token},
        )
        report.wrk.append(result)
        report.measurements.append(
            Measurement(
                name=name,
                value=result.requests_per_second,
                unit="req/s",
                target="≥ 300/s",
                notes=f"{_ratios(report, result.requests_per_second)}; p99 {result.p99_ms:.0f} ms",
            )
        )
    # The accept run used waiting dossiers up: the next run's prepare tops the pool up again.
    dossier_data.forget()
