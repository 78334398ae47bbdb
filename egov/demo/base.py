"""What the per-app demo loaders share. Each app may have a ``demo.py`` with
``load() -> list[DemoLogin]``; ``load_demo`` runs them in INSTALLED_APPS order.

Loaders must be idempotent: a second run finds everything in place and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

# Every demo account uses this password; the README prints it. Never used when DEBUG is off.
DEMO_PASSWORD = "demo-Egov-2026"  # noqa: S105


@dataclass(frozen=True)
class DemoLogin:
    username: str
    description: str
