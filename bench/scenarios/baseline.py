"""The baselines every other scenario is compared with, measured in the same run."""

from __future__ import annotations

from bench.harness import Report, Server, run_wrk


def run(server: Server, report: Report, *, duration: int, connections: int) -> None:
    report.wrk.append(
        run_wrk(
            "bare JSON endpoint",
            f"{server.url}/api/v1/ping",
            connections=connections,
            duration=duration,
        )
    )
    report.wrk.append(
        run_wrk(
            "bare single-row ORM select",
            f"{server.url}/api/v1/ping/db",
            connections=connections,
            duration=duration,
        )
    )
