"""Loading the life events (data/life_events.json or another file in the same shape)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "life_events.json"


def read(path: Path = DEFAULT_FILE) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return list(data["life_events"])
