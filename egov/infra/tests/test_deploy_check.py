"""`manage.py check --deploy` passes under production settings, and the settings refuse to start
without a secret key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    dropped = {"DEBUG", "SECURE", "SECRET_KEY", "STATIC_MANIFEST", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings() -> None:
    result = _run(
        {
            "DEBUG": "0",
            "SECRET_KEY": "k" * 20 + "-production-like-secret-with-enough-entropy-0123456789",
            "ALLOWED_HOSTS": "dichvucong.tiengiang.gov.vn",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key() -> None:
    result = _run({"DEBUG": "0"}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_a_malformed_boolean_stops_the_start() -> None:
    result = _run({"DEBUG": "perhaps"}, "check")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr
