"""Extract translatable strings into the Vietnamese catalog of every app (needs gettext).

Each app keeps its own catalog in ``egov/<app>/locale``; strings of the project-level templates
and helpers go to ``egov/locale``. Usage: ``python scripts/make_messages.py [ROOT]`` where ROOT
(default: the project) lets the translation test run it on a copy.
"""

import os
import subprocess
import sys
from pathlib import Path

LANGUAGES = ["vi"]


def app_dirs(egov: Path) -> list[Path]:
    return sorted(path for path in egov.iterdir() if path.is_dir() and (path / "apps.py").exists())


def run(root: Path) -> None:
    egov = root / "egov"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "egov.settings", "PYTHONPATH": str(root)}
    env.setdefault("DEBUG", "1")
    # -P: an app folder has modules named like the standard library (selectors.py), so the
    # working directory must not go on sys.path.
    django_admin = [
        sys.executable,
        "-P",
        "-m",
        "django",
        "makemessages",
        "--no-obsolete",
        "--no-location",
    ]
    languages = [arg for lang in LANGUAGES for arg in ("-l", lang)]
    apps = app_dirs(egov)
    for app in apps:
        (app / "locale").mkdir(exist_ok=True)
        subprocess.run([*django_admin, *languages], cwd=app, env=env, check=True)
    ignores = [arg for app in apps for arg in ("--ignore", f"{app.name}/*")]
    ignores += ["--ignore", "testing/*", "--ignore", "static/*"]
    subprocess.run([*django_admin, *languages, *ignores], cwd=egov, env=env, check=True)


if __name__ == "__main__":
    run(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
