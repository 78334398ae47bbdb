"""The seam between the exchange and the documents app.

``settings.EXCHANGE_INCOMING_HANDLER`` names a class whose methods the exchange calls inside its
own actions (so they commit or roll back together):

* ``register(transmission=, message=, acting_user=)`` – a document arrived for a local organ;
  return the id of the incoming document created for it ("" when there is none). Must be
  idempotent per DocumentId and organ.
* ``withdraw(transmission=, reason=, acting_user=)`` – the receiver agreed to a revocation or
  replacement.
* ``update(transmission=, message=, acting_user=)`` – the receiver agreed to an update.

Without the documents app the :class:`RecordOnlyHandler` keeps the transmission only, and clerks
report the handling status from the exchange pages.
"""

from __future__ import annotations

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


class IncomingHandler(Protocol):
    def register(
        self, *, transmission: Transmission, message: DocumentMessage, acting_user: User | None
    ) -> str: ...

    def withdraw(
        self, *, transmission: Transmission, reason: str, acting_user: User | None
    ) -> None: ...

    def update(
        self, *, transmission: Transmission, message: DocumentMessage, acting_user: User | None
    ) -> None: ...


class RecordOnlyHandler:
    """No documents app: the transmission is the only record of the document."""

    def register(self, **kwargs: Any) -> str:
        return ""

    def withdraw(self, **kwargs: Any) -> None:
        return None

    def update(self, **kwargs: Any) -> None:
        return None


@functools.cache
def incoming_handler() -> IncomingHandler:
    handler: IncomingHandler = import_string(settings.EXCHANGE_INCOMING_HANDLER)()
    return handler


@receiver(setting_changed)
def _forget_handler(*, setting: str, **kwargs: object) -> None:
    if setting == "EXCHANGE_INCOMING_HANDLER":
        incoming_handler.cache_clear()
