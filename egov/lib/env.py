"""Read settings from the environment and fail loudly on values we don't understand.

Every helper also honours ``<NAME>_FILE``: the value is then read from that file, which is how
container secrets and systemd credentials are usually handed over.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return os.environ.get(name)


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str:
    value = _raw(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        if default is None:
            return ""
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name: str, default: int) -> int:
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_email_url(url: str) -> dict[str, Any]:
    """Turn ``smtp://user:pass@host:port/?tls=1`` (or ``console:``, ``locmem:``) into settings.

    Supported schemes: ``smtp`` (plain, optionally STARTTLS with ``?tls=1``), ``smtps`` (implicit
    TLS), ``file`` (one file per message in a directory), ``console``, ``locmem``, ``dummy``.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "file":
        # file:///srv/egov/mail (absolute) or file:var/mail (relative to the working directory)
        path = unquote(parts.path or parts.netloc)
        if not path:
            raise ImproperlyConfigured("EMAIL_URL file: needs a directory, e.g. file:///var/mail")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": path,
        }
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
    }
    if scheme in backends:
        return {"EMAIL_BACKEND": backends[scheme]}
    if scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL scheme {scheme!r} is not supported; "
            "use smtp, smtps, file, console or locmem."
        )
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = set(query) - {"tls", "timeout"}
    if unknown:
        raise ImproperlyConfigured(f"EMAIL_URL has unknown options: {', '.join(sorted(unknown))}")
    tls = query.get("tls", "0").lower()
    if tls not in _TRUE | _FALSE:
        raise ImproperlyConfigured(f"EMAIL_URL tls={tls!r} is not a boolean.")
    try:
        port = parts.port or (465 if scheme == "smtps" else 25)
        timeout = int(query.get("timeout", "10"))
    except ValueError as exc:
        raise ImproperlyConfigured(f"EMAIL_URL is malformed: {exc}") from exc
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": scheme == "smtps",
        "EMAIL_USE_TLS": tls in _TRUE,
        "EMAIL_TIMEOUT": timeout,
    }
