from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from egov.signatures.actions import publish_crl
from egov.signatures.models import Authority


class Command(BaseCommand):
    help = "Publish a fresh CRL for every authority (or the one given)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--authority", help="slug")

    def handle(self, *args: Any, **options: Any) -> None:
        authorities = Authority.objects.all()
        if options["authority"]:
            authorities = authorities.filter(slug=options["authority"])
        for authority in authorities:
            authority = publish_crl(acting_user=None, authority=authority)
            self.stdout.write(f"{authority.slug}: CRL number {authority.crl_number}")
