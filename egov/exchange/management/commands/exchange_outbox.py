"""See the edXML outbox, and deliver what is due now (the worker does this on its own)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from egov.exchange import transport
from egov.exchange.models import OutboxItem, OutboxState
from egov.exchange.selectors import outbox_counts


class Command(BaseCommand):
    help = "Show the edXML outbox (counts, failed deliveries) and optionally deliver what is due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--deliver", action="store_true", help="deliver every due item now")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["deliver"]:
            self.stdout.write(f"attempted: {transport.process_outbox()}")
        for state, count in outbox_counts().items():
            self.stdout.write(f"{state}: {count}")
        for item in OutboxItem.objects.filter(state=OutboxState.FAILED).order_by("-pk")[:20]:
            self.stdout.write(
                f"failed #{item.pk} → {item.recipient_organ_code}: {item.last_error[:200]}"
            )
