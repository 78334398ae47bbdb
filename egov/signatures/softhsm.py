"""SoftHSM2 tokens for development and the tests: a PKCS#11 token that lives in a directory.

SoftHSM reads ``SOFTHSM2_CONF`` when the library is initialised, so the configuration (and its
token directory) must exist and the variable must be set before the first PKCS#11 call of the
process. Every token of a process therefore lives under one configuration. The user PIN is
random and written to a file with mode 0600, to be handed over as ``SIGNATURES_TOKEN_PIN_FILE``.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SOFTHSM_UTIL = "softhsm2-util"


class SoftHsmMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class SoftHsm:
    directory: Path
    pin: str

    @property
    def conf(self) -> Path:
        return self.directory / "softhsm2.conf"

    @property
    def pin_file(self) -> Path:
        return self.directory / "user.pin"

    def environment(self) -> dict[str, str]:
        return {"SOFTHSM2_CONF": str(self.conf), "SIGNATURES_TOKEN_PIN_FILE": str(self.pin_file)}


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def prepare(directory: Path, pin: str | None = None) -> SoftHsm:
    """Write a SoftHSM configuration under ``directory`` (idempotent; keeps an existing PIN)."""
    if shutil.which(SOFTHSM_UTIL) is None:
        raise SoftHsmMissing("softhsm2-util not found; install Debian's softhsm2 (make test does)")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    (directory / "tokens").mkdir(exist_ok=True, mode=0o700)
    hsm = SoftHsm(directory, pin or "")
    if not hsm.conf.exists():
        _write_private(
            hsm.conf,
            f"directories.tokendir = {directory / 'tokens'}\n"
            "objectstore.backend = file\n"
            "log.level = ERROR\n"
            "slots.removable = false\n",
        )
    if pin is None:
        pin = hsm.pin_file.read_text().strip() if hsm.pin_file.exists() else secrets.token_hex(8)
    if not hsm.pin_file.exists() or hsm.pin_file.read_text().strip() != pin:
        _write_private(hsm.pin_file, pin)
    return SoftHsm(directory, pin)


def has_token(hsm: SoftHsm, label: str) -> bool:
    listing = subprocess.run(  # noqa: S603 (fixed program, our arguments)
        [SOFTHSM_UTIL, "--show-slots"],
        env={**os.environ, "SOFTHSM2_CONF": str(hsm.conf)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return any(
        line.split(":", 1)[-1].strip() == label for line in listing.splitlines() if "Label:" in line
    )


def init_token(hsm: SoftHsm, label: str) -> None:
    """Initialise a token called ``label`` with the user PIN of ``hsm`` and a random SO PIN."""
    if has_token(hsm, label):
        return
    subprocess.run(  # noqa: S603 (fixed program, our arguments)
        [
            SOFTHSM_UTIL,
            "--init-token",
            "--free",
            "--label",
            label,
            "--pin",
            hsm.pin,
            "--so-pin",
            secrets.token_hex(8),
        ],
        env={**os.environ, "SOFTHSM2_CONF": str(hsm.conf)},
        capture_output=True,
        check=True,
    )
