from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from egov.signatures.models import TrustedRoot


class Command(BaseCommand):
    help = (
        "Print the trusted root certificates (PEM), e.g. for "
        "`pyhanko sign validate --trust ca.pem FILE`."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        roots = list(TrustedRoot.objects.filter(is_active=True))
        if not roots:
            raise CommandError("no trusted root; run create_ca first")
        for root in roots:
            self.stdout.write(root.certificate_pem, ending="")
