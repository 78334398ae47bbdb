from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from egov.lib.problems import Problem
from egov.signatures.actions import revoke_certificate
from egov.signatures.models import Certificate, RevocationReason


class Command(BaseCommand):
    help = "Revoke a certificate by its serial number (hex) and republish the CRL."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("serial")
        parser.add_argument(
            "--reason", choices=RevocationReason.values, default=RevocationReason.UNSPECIFIED
        )

    def handle(self, *args: Any, **options: Any) -> None:
        found = list(Certificate.objects.filter(serial_number=options["serial"].lower()))
        if len(found) != 1:
            raise CommandError(f"{len(found)} certificates with serial {options['serial']}")
        try:
            revoke_certificate(acting_user=None, certificate=found[0], reason=options["reason"])
        except Problem as problem:
            raise CommandError(str(problem.detail)) from problem
        self.stdout.write(f"revoked {found[0]}")
