"""The seam between the exchange and the documents app.

``settings.EXCHANGE_DOCUMENTS_HANDLER`` names a class whose methods the exchange calls inside its
own actions (so they commit or roll back together).

Receiving side:

* ``register(transmission=, message=, acting_user=)`` – a document arrived for a local organ;
  return the id of the incoming document created for it ("" when there is none). Must be
  idempotent per DocumentId and organ.
* ``withdraw(transmission=, reason=, acting_user=)`` – the receiver agreed to a revocation or
  replacement.
* ``update(transmission=, message=, acting_user=)`` – the receiver agreed to an update.
* ``refuse(transmission=, reason=, acting_user=)`` – a person reported 02 from the exchange's
  own page or API: the local record is refused too (or the report is refused).

Sending side:

* ``status_changed(transmission=, code=, description=, at=)`` – the receiver reported an edXML
  status (01–06, 13/15/16) on a document we sent.
* ``delivery_failed(transmission=, error=)`` – the outbox gave up on a package.

:class:`egov.exchange.documents.DocumentsHandler` is the documents app's implementation; without
that app the :class:`RecordOnlyHandler` keeps the transmissions only, and clerks report the
handling status from the exchange pages.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from egov.accounts.models import User
    from egov.exchange.edxml import DocumentMessage
    from egov.exchange.models import Transmission


class DocumentsHandler(Protocol):
    def register(
        self, *, transmission: Transmission, message: DocumentMessage, acting_user: User | None
    ) -> str: ...

    def withdraw(
        self, *, transmission: Transmission, reason: str, acting_user: User | None
    ) -> None: ...

    def update(
        self, *, transmission: Transmission, message: DocumentMessage, acting_user: User | None
    ) -> None: ...

    def refuse(
        self, *, transmission: Transmission, reason: str, acting_user: User | None
    ) -> None: ...

    def status_changed(
        self, *, transmission: Transmission, code: str, description: str, at: dt.datetime
    ) -> None: ...

    def delivery_failed(self, *, transmission: Transmission, error: str) -> None: ...


class RecordOnlyHandler:
    """No documents app: the transmission is the only record of the document."""

    def register(self, **kwargs: Any) -> str:
        return ""

    def withdraw(self, **kwargs: Any) -> None:
        return None

    def update(self, **kwargs: Any) -> None:
        return None

    def refuse(self, **kwargs: Any) -> None:
        return None

    def status_changed(self, **kwargs: Any) -> None:
        return None

    def delivery_failed(self, **kwargs: Any) -> None:
        return None


@functools.cache
def documents_handler() -> DocumentsHandler:
    handler: DocumentsHandler = import_string(settings.EXCHANGE_DOCUMENTS_HANDLER)()
    return handler


@receiver(setting_changed)
def _forget_handler(*, setting: str, **kwargs: object) -> None:
    if setting == "EXCHANGE_DOCUMENTS_HANDLER":
        documents_handler.cache_clear()
