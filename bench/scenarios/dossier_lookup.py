"""Public status lookup, ``GET /api/v1/public/dossiers/{code}``, over BENCH_DOSSIERS dossiers
(issue 3 §4, §6): target ≥ 0.8 of the single-row ORM baseline, p99 < 50 ms at 32 connections.

wrk asks for 2,000 random codes of generated dossiers in turn. The per-client rate limit of the
lookup is raised for the run (``DOSSIER_LOOKUP_RATE_LIMIT``): every request comes from one
address here. Skipped, with a message, while the API has no such operation.
"""

from __future__ import annotations

from bench import dossier_data
from bench.dossier_data import WORK
from bench.harness import Measurement, Report, Server, openapi_has, run_wrk

PATH = "/api/v1/public/dossiers/{code}"

LOOKUP_LUA = r"""
dofile("{work}/lookup.lua")
local index = 0
function request()
  index = index + 1
  return wrk.format("GET", "/api/v1/public/dossiers/" .. codes[(index % #codes) + 1],
                    {{["Accept"] = "application/json"}})
end
"""


def prepare(server: Server) -> None:
    server.env["DOSSIER_LOOKUP_RATE_LIMIT"] = "1000000000"
    dossier_data.prepare(server)


def run(server: Server, report: Report, *, duration: int, connections: int) -> None:
    if not openapi_has(server, PATH):
        print(f"  skipped: the API has no {PATH} yet (public lookup not merged)")
        return
    script = WORK / "lookup-run.lua"
    script.write_text(LOOKUP_LUA.format(work=WORK), encoding="utf-8")
    result = run_wrk(
        f"public lookup (GET {PATH})",
        server.url,
        connections=connections,
        duration=duration,
        script=script,
    )
    report.wrk.append(result)
    orm = report.baseline("bare single-row ORM select")
    ratio = result.requests_per_second / orm.requests_per_second if orm else float("nan")
    report.measurements.append(
        Measurement(
            "public lookup / single-row select",
            ratio,
            "ratio",
            target="≥ 0.8",
            notes=f"{connections} connections; p99 {result.p99_ms:.1f} ms (target < 50 ms); "
            f"errors {result.errors}",
        )
    )
