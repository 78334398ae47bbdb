"""Benchmark harness: a production-like server on PostgreSQL and `wrk` against it.

Every figure is reported next to the baselines measured in the same run, because timings on
these shared machines vary from run to run; ratios are what we compare.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PG = "postgres://postgres@127.0.0.1:5432"


@dataclass
class WrkResult:
    name: str
    requests_per_second: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    errors: int
    connections: int
    duration_s: int

    def row(self, baseline: WrkResult | None = None) -> str:
        ratio = (
            f"{self.requests_per_second / baseline.requests_per_second:.2f}" if baseline else "1.00"
        )
        return (
            f"| {self.name} | {self.requests_per_second:,.0f} | {ratio} | {self.p50_ms:.1f} | "
            f"{self.p90_ms:.1f} | {self.p99_ms:.1f} | {self.errors} |"
        )


@dataclass
class Measurement:
    """A figure that is not a wrk run (throughput of a command, a single query's latency)."""

    name: str
    value: float
    unit: str
    target: str = ""
    notes: str = ""


@dataclass
class Report:
    started: str
    machine: str
    wrk: list[WrkResult] = field(default_factory=list)
    measurements: list[Measurement] = field(default_factory=list)

    def baseline(self, name: str) -> WrkResult | None:
        return next((r for r in self.wrk if r.name == name), None)


def _ms(value: str, unit: str) -> float:
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]
    return float(value) * scale


def parse_wrk(name: str, output: str, connections: int, duration: int) -> WrkResult:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    latencies = {
        int(p): _ms(v, u)
        for p, v, u in re.findall(r"\s(50|90|99)%\s+([\d.]+)(us|ms|s|m)\b", output)
    }
    errors = 0
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket_errors:
        errors += sum(int(x) for x in socket_errors.groups())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non2xx:
        errors += int(non2xx.group(1))
    return WrkResult(
        name,
        rps,
        latencies.get(50, 0),
        latencies.get(90, 0),
        latencies.get(99, 0),
        errors,
        connections,
        duration,
    )


def ensure_wrk() -> None:
    subprocess.run([str(ROOT / "scripts" / "ensure-system-packages.sh"), "wrk"], check=True)


def run_wrk(
    name: str,
    url: str,
    *,
    connections: int = 32,
    duration: int = 10,
    threads: int = 2,
    script: Path | None = None,
    env: dict[str, str] | None = None,
) -> WrkResult:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    command.append(url)
    output = subprocess.run(
        command, check=True, capture_output=True, text=True, env={**os.environ, **(env or {})}
    ).stdout
    result = parse_wrk(name, output, connections, duration)
    rps, p99 = result.requests_per_second, result.p99_ms
    print(f"  {name}: {rps:,.0f} req/s, p99 {p99:.1f} ms, errors {result.errors}")
    return result


def _bench_secret_key(database: str) -> str:
    """One random key per bench database, kept beside the results (never in the repository):
    sessions and tokens prepared by one run stay valid in the next, which reuses the data."""
    path = ROOT / "bench" / "results" / f".secret-key-{database}"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


class Server:
    """gunicorn with DEBUG off on a fresh PostgreSQL database."""

    def __init__(
        self, database: str | None = None, port: int | None = None, workers: int | None = None
    ) -> None:
        # BENCH_DATABASE / BENCH_PORT let several benchmarks share a machine without sharing a
        # database or a port (the database is kept between runs unless --fresh).
        self.database = database or os.environ.get("BENCH_DATABASE", "egov_bench")
        self.port = port or int(os.environ.get("BENCH_PORT", "8100"))
        self.workers = workers or max(2, (os.cpu_count() or 2) * 2)
        self.process: subprocess.Popen[bytes] | None = None
        self.env = {
            **os.environ,
            "DATABASE_URL": f"{PG}/{self.database}",
            "DEBUG": "0",
            "SECURE": "0",
            "SECRET_KEY": _bench_secret_key(self.database),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            "STATIC_MANIFEST": "0",
        }

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def shell(self, script: str) -> str:
        """Run ``script`` in ``manage.py shell`` against the bench database; its output."""
        return subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", script],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def manage(self, *args: str, env: dict[str, str] | None = None) -> None:
        subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env={**self.env, **(env or {})}, check=True
        )

    def create_database(self, fresh: bool) -> None:
        exists = (
            subprocess.run(
                [
                    "psql",
                    "-h",
                    "127.0.0.1",
                    "-U",
                    "postgres",
                    "-tAc",
                    f"SELECT 1 FROM pg_database WHERE datname='{self.database}'",  # noqa: S608
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            == "1"
        )
        if exists and fresh:
            subprocess.run(
                ["dropdb", "-h", "127.0.0.1", "-U", "postgres", self.database], check=True
            )
            exists = False
        if not exists:
            subprocess.run(
                ["createdb", "-h", "127.0.0.1", "-U", "postgres", self.database], check=True
            )
        self.manage("migrate", "--no-input", "-v", "0")
        (ROOT / "var" / "static").mkdir(parents=True, exist_ok=True)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "egov.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{self.url}/api/v1/ping", timeout=1) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def stop(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
            self.process = None


def timed_requests(
    server: Server,
    paths: list[str],
    *,
    headers: dict[str, str] | None = None,
    clients: int = 1,
    rounds: int = 1,
) -> list[float]:
    """Latencies (ms) of GET requests made one after another by ``clients`` threads, each
    going through ``paths`` ``rounds`` times on its own keep-alive connection (for percentiles
    that wrk does not print, such as p95). Fails on any answer other than 200."""
    import http.client
    import threading

    latencies: list[float] = []
    errors: list[str] = []

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        order = paths[offset:] + paths[:offset]
        for _round in range(rounds):
            for path in order:
                started = time.perf_counter()
                connection.request("GET", path, headers=headers or {})
                response = connection.getresponse()
                response.read()
                latencies.append((time.perf_counter() - started) * 1000)
                if response.status != 200:
                    errors.append(f"{path}: {response.status}")
        connection.close()

    threads = [threading.Thread(target=client, args=(n % len(paths),)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"requests failed: {errors[:3]}")
    return latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def openapi_has(server: Server, path: str) -> bool:
    """Does the running API declare this operation path (e.g. one another branch adds)?"""
    with urllib.request.urlopen(f"{server.url}/api/v1/openapi.json", timeout=30) as response:  # noqa: S310
        document = json.loads(response.read())
    return path in document.get("paths", {})


def write_report(report: Report, path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.with_suffix(".json").write_text(json.dumps(asdict(report), indent=2), encoding="utf-8")
    bare = report.baseline("bare JSON endpoint")
    lines = [
        f"Run {report.started} on {report.machine}.",
        "",
        "| Scenario | req/s | ratio to bare JSON | p50 ms | p90 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [result.row(bare) for result in report.wrk]
    if report.measurements:
        lines += ["", "| Measurement | value | unit | target | notes |", "|---|---:|---|---|---|"]
        lines += [
            f"| {m.name} | {m.value:,.2f} | {m.unit} | {m.target} | {m.notes} |"
            for m in report.measurements
        ]
    text = "\n".join(lines) + "\n"
    path.with_suffix(".md").write_text(text, encoding="utf-8")
    return text


def machine() -> str:
    cpu = os.cpu_count()
    return f"{cpu} cores, Python {sys.version.split()[0]}"


def scenario_env(server: Server) -> dict[str, Any]:
    return {"server": server}
