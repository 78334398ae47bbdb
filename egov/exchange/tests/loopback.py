"""Real egov installations on loopback for the exchange tests.

Each :class:`Installation` is a separate process tree with its own database (an SQLite file
under a temporary directory, or its own PostgreSQL database when the suite runs on
PostgreSQL), its own settings from the environment, its own organ code, signing key and peer
directory: gunicorn serving the API, ``run_worker`` delivering the outbox, and a console
(peer_console.py) through which the test acts as that installation's staff and reads its data.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings

from egov.exchange import signing

ROOT = Path(__file__).resolve().parents[3]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
REPLY = "@@reply "

# Settings every installation gets; retries and sweeps are fast so the tests are.
BASE_ENV = {
    "DEBUG": "0",
    "SECURE": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "LOG_LEVEL": "WARNING",
    "STATIC_MANIFEST": "0",
    "FAST_PASSWORD_HASHER": "1",
    "EMAIL_URL": "locmem:",
    "EXCHANGE_RETRY_BASE_SECONDS": "0.2",
    "EXCHANGE_RETRY_CAP_SECONDS": "1",
    "EXCHANGE_SWEEP_SECONDS": "1",
    "EXCHANGE_HTTP_TIMEOUT": "5",
    "EXCHANGE_DELIVERY_CONCURRENCY": "4",
}
# Environment of the test run that must not leak into an installation.
SCRUB = (
    "DATABASE_URL",
    "TEST_DATABASE_NAME",
    "EGOV_VAR_DIR",
    "MEDIA_ROOT",
    "DJANGO_SETTINGS_MODULE",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(
    condition: Callable[[], Any], *, timeout: float = 60, interval: float = 0.25, what: str = ""
) -> Any:
    """Poll until ``condition()`` is truthy; returns its value or fails with ``what``."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


class Databases:
    """Creates the installations' databases next to the test database, and drops them."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        default = settings.DATABASES["default"]
        self.postgres = default["ENGINE"] == "django.db.backends.postgresql"
        self.default = default
        self.prefix = f"egov_loop_{os.getpid()}_{secrets.token_hex(3)}"
        self.created: list[str] = []

    def url(self, name: str) -> str:
        if not self.postgres:
            return f"sqlite:///{self.workdir / name / 'db.sqlite3'}"
        d = self.default
        auth = d["USER"] + (f":{d['PASSWORD']}" if d.get("PASSWORD") else "")
        return (
            f"postgres://{auth}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{self.prefix}_{name}"
        )

    def _admin(self, sql: str) -> None:
        import psycopg

        d = self.default
        with psycopg.connect(
            host=d["HOST"] or "127.0.0.1",
            port=d["PORT"] or 5432,
            user=d["USER"],
            password=d.get("PASSWORD") or None,
            dbname="postgres",
            autocommit=True,
        ) as connection:
            connection.execute(sql)  # type: ignore[arg-type]

    def create_empty(self, name: str) -> None:
        (self.workdir / name).mkdir(parents=True, exist_ok=True)
        if self.postgres:
            self._admin(f'CREATE DATABASE "{self.prefix}_{name}"')
            self.created.append(f"{self.prefix}_{name}")

    def clone(self, source: str, name: str) -> None:
        """A migrated database copied, which is much faster than migrating again."""
        (self.workdir / name).mkdir(parents=True, exist_ok=True)
        if self.postgres:
            self._admin(f'CREATE DATABASE "{self.prefix}_{name}" TEMPLATE "{self.prefix}_{source}"')
            self.created.append(f"{self.prefix}_{name}")
            return
        source_file = self.workdir / source / "db.sqlite3"
        with sqlite3.connect(source_file) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copyfile(source_file, self.workdir / name / "db.sqlite3")

    def drop_all(self) -> None:
        for name in self.created:
            try:
                self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except Exception as exc:
                print(f"could not drop {name}: {exc}", file=sys.stderr)


class Installation:
    def __init__(
        self,
        name: str,
        *,
        workdir: Path,
        database_url: str,
        organ_code: str,
        province_organ_code: str,
        material: signing.SigningMaterial,
    ) -> None:
        self.name = name
        self.workdir = workdir
        self.organ_code = organ_code
        self.port = free_port()
        self.material = material
        key_pem, cert_pem = signing.material_to_pem(material)
        keys = workdir / "keys"
        keys.mkdir(parents=True, exist_ok=True)
        (keys / "key.pem").write_bytes(key_pem)
        (keys / "cert.pem").write_bytes(cert_pem)
        self.certificate_file = keys / "cert.pem"
        var = workdir / "var"
        (var / "static").mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if k not in SCRUB}
        env.update(BASE_ENV)
        env.update(
            {
                "SECRET_KEY": secrets.token_urlsafe(32),
                "DATABASE_URL": database_url,
                "EGOV_VAR_DIR": str(var),
                "EGOV_PROVINCE_ORGAN_CODE": province_organ_code,
                "EXCHANGE_SIGNING_KEY_FILE": str(keys / "key.pem"),
                "EXCHANGE_SIGNING_CERT_FILE": str(keys / "cert.pem"),
                "SITE_URL": self.url,
                "EGOV_SETUP_PASSWORD": "Loopback-Test-2026",
                "PYTHONUNBUFFERED": "1",
            }
        )
        self.env = env
        self.server: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.console: subprocess.Popen[str] | None = None
        self.log = open(workdir / "processes.log", "ab")  # noqa: SIM115 (closed in close())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=self.log,
        )

    def start(self) -> None:
        """gunicorn and the worker, each in its own process group (so a kill takes it whole)."""
        self.server = subprocess.Popen(
            [
                GUNICORN,
                "egov.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        self.worker = subprocess.Popen(
            [PYTHON, "manage.py", "run_worker", "--interval", "0.1", "--heartbeat", "0.5"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )

    def wait_until_up(self, timeout: float = 90) -> None:
        def answers() -> bool:
            try:
                with urllib.request.urlopen(f"{self.url}/api/v1/ping", timeout=2) as response:  # noqa: S310
                    return bool(response.status == 200)
            except OSError:
                if self.server is not None and self.server.poll() is not None:
                    raise AssertionError(
                        f"{self.name}'s server exited; see {self.log.name}"
                    ) from None
                return False

        wait_for(answers, timeout=timeout, what=f"{self.name} to answer")

    def kill(self) -> None:
        """SIGKILL the server and the worker: no shutdown, no cleanup, like a power cut."""
        for process in (self.server, self.worker):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
        self.server = self.worker = None

    def stop(self) -> None:
        running = [p for p in (self.server, self.worker) if p is not None and p.poll() is None]
        for process in running:
            os.killpg(process.pid, signal.SIGTERM)
        for process in running:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:  # a keep-alive connection holds gunicorn up
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self.server = self.worker = None

    # The console ------------------------------------------------------------------------------
    def open_console(self) -> None:
        self.console = subprocess.Popen(
            [PYTHON, "-m", "egov.exchange.tests.peer_console"],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            encoding="utf-8",
        )
        self._reply()

    def _reply(self) -> Any:
        assert self.console is not None and self.console.stdout is not None
        while True:
            line = self.console.stdout.readline()
            if not line:
                raise AssertionError(f"{self.name}'s console died; see {self.log.name}")
            if line.startswith(REPLY):
                reply = json.loads(line[len(REPLY) :])
                if not reply["ok"]:
                    raise AssertionError(f"{self.name}: {reply['error']}")
                return reply["result"]

    def run(self, code: str) -> Any:
        """Run Python inside the installation; the snippet's ``result`` comes back (JSON)."""
        assert self.console is not None and self.console.stdin is not None
        self.console.stdin.write(json.dumps({"code": code}) + "\n")
        self.console.stdin.flush()
        return self._reply()

    def close(self) -> None:
        self.stop()
        if self.console is not None:
            if self.console.stdin is not None:
                self.console.stdin.close()
            try:
                self.console.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.console.kill()
        self.log.close()


def wait_all(processes: list[subprocess.Popen[bytes]], what: str, log: Path) -> None:
    for process in processes:
        if process.wait(timeout=300) != 0:
            raise AssertionError(f"{what} failed; see {log}")
