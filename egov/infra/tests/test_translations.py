"""Every user-facing string has a Vietnamese translation (STYLE.md §8).

The test runs the real extraction (`scripts/make_messages.py`, gettext's xgettext) on a copy of
the project, so a new string that nobody translated shows up as untranslated.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.slow
def test_every_string_is_translated_into_vietnamese(tmp_path: Path) -> None:
    if shutil.which("xgettext") is None:
        pytest.fail("gettext is missing; `make test` installs it")
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT / "egov",
        copy / "egov",
        ignore=shutil.ignore_patterns("__pycache__", "*.mo", "tests", "testing"),
    )
    shutil.copy(ROOT / "scripts" / "make_messages.py", tmp_path / "make_messages.py")
    subprocess.run(
        [sys.executable, str(tmp_path / "make_messages.py"), str(copy)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    untranslated = []
    for po_path in sorted(copy.glob("egov/**/locale/vi/LC_MESSAGES/django.po")):
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete:
                continue
            translated = entry.msgstr or entry.msgstr_plural.get(0)
            if not translated or "fuzzy" in entry.flags:
                untranslated.append(f"{po_path.relative_to(copy)}: {entry.msgid!r}")
    assert untranslated == []


def test_translations_keep_their_placeholders() -> None:
    broken = []
    for po_path in sorted(ROOT.glob("egov/**/locale/vi/LC_MESSAGES/django.po")):
        for entry in polib.pofile(str(po_path)):
            if entry.msgstr and "python-format" in entry.flags:
                import re

                names = sorted(re.findall(r"%\((\w+)\)s", entry.msgid))
                if names != sorted(re.findall(r"%\((\w+)\)s", entry.msgstr)):
                    broken.append(entry.msgid)
    assert broken == []
