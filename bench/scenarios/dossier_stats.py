"""Dossier statistics for the whole province over one year, ``GET /api/v1/stats/dossiers``,
over BENCH_DOSSIERS dossiers (issue 3 §5, §6): target < 500 ms.

A system administrator (who sees every agency) asks for the last 365 days; the request is timed
one after another (p50/p95/max). Skipped, with a message, while the API has no such operation.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from bench import dossier_data
from bench.harness import Measurement, Report, Server, openapi_has, percentile, timed_requests

PATH = "/api/v1/stats/dossiers"
ROUNDS = 20


def prepare(server: Server) -> None:
    dossier_data.prepare(server)


def run(server: Server, report: Report, *, duration: int, connections: int) -> None:
    if not openapi_has(server, PATH):
        print(f"  skipped: the API has no {PATH} yet (statistics not merged)")
        return
    today = dt.datetime.now(dt.UTC).date()
    query = urlencode({"from": (today - dt.timedelta(days=364)).isoformat(), "to": today})
    headers = {
        "Authorization": f"Bearer {dossier_data.secrets()[dossier_data.ADMIN]['token']}",
        "Accept": "application/json",
    }
    paths = [f"{PATH}?{query}"]
    timed_requests(server, paths, headers=headers)  # warm up
    latencies = timed_requests(server, paths, headers=headers, rounds=ROUNDS)
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    print(f"  statistics, province-year: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    report.measurements.append(
        Measurement(
            "statistics, whole province, one year (GET /api/v1/stats/dossiers), p95",
            p95,
            "ms",
            target="< 500 ms",
            notes=f"p50 {p50:.0f} ms, max {max(latencies):.0f} ms, {len(latencies)} requests, "
            f"one client, {dossier_data.COUNT:,} dossiers",
        )
    )
