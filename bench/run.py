"""Run the benchmark scenarios: `make bench` or `.venv/bin/python bench/run.py [scenario ...]`.

Starts gunicorn (DEBUG off) on a PostgreSQL database of its own, measures the baselines first
and then each scenario, and writes bench/results/latest.{md,json}. Copy the table into
docs/benchmarks.md together with the command line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import pkgutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import scenarios
from bench.harness import ROOT, Report, Server, ensure_wrk, machine, write_report


def main() -> None:
    available = sorted(m.name for m in pkgutil.iter_modules(scenarios.__path__))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scenarios", nargs="*", help=f"default: all of {', '.join(available)}")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the bench database")
    args = parser.parse_args()

    chosen = args.scenarios or available
    unknown = set(chosen) - set(available)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    if "baseline" not in chosen:
        chosen = ["baseline", *chosen]
    else:
        chosen = ["baseline", *[c for c in chosen if c != "baseline"]]

    ensure_wrk()
    server = Server()
    server.create_database(fresh=args.fresh)
    report = Report(
        started=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), machine=machine()
    )
    for name in chosen:
        module = importlib.import_module(f"bench.scenarios.{name}")
        if hasattr(module, "prepare"):
            print(f"preparing {name} …")
            module.prepare(server)
    server.start()
    try:
        for name in chosen:
            print(f"scenario {name}")
            module = importlib.import_module(f"bench.scenarios.{name}")
            module.run(server, report, duration=args.duration, connections=args.connections)
    finally:
        server.stop()
    print()
    print(write_report(report, ROOT / "bench" / "results" / "latest"))


if __name__ == "__main__":
    main()
