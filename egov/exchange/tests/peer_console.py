"""A Python console inside one installation, for the two-installation tests.

Started with that installation's environment; reads JSON lines ``{"code": "..."}`` from stdin,
runs the code in one persistent namespace (the snippet sets ``result``) and answers each with a
line ``@@reply {"ok": ..., "result"|"error": ...}``. Test-only: it runs whatever it is given.
"""

from __future__ import annotations

import json
import os
import sys
import traceback

import django

REPLY = "@@reply "


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")
    django.setup()
    from django.db import close_old_connections

    namespace: dict[str, object] = {}
    sys.stdout.write(REPLY + json.dumps({"ok": True, "result": "ready"}) + "\n")
    sys.stdout.flush()
    for line in sys.stdin:
        request = json.loads(line)
        namespace.pop("result", None)
        try:
            exec(request["code"], namespace)  # noqa: S102 (test harness)
            reply = {"ok": True, "result": namespace.get("result")}
        except Exception:
            reply = {"ok": False, "error": traceback.format_exc()}
        finally:
            close_old_connections()
        sys.stdout.write(REPLY + json.dumps(reply, default=str) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
