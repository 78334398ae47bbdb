from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from egov.accounts.models import User
from egov.lib.problems import Problem
from egov.org.models import Agency
from egov.signatures.actions import KeyRequest, issue_certificate
from egov.signatures.models import Authority, CertificateKind


class Command(BaseCommand):
    help = (
        "Issue a signing certificate: --person USERNAME (personal signature) or the agency's "
        "organisation seal, for a key generated inside a PKCS#11 token (--token LABEL) or, for "
        "the demo only, a software key (--software-key)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--agency", required=True, help="organ code of the agency")
        parser.add_argument("--person", help="username of the official (else: the agency seal)")
        parser.add_argument("--title", default="", help="position, e.g. 'PHÓ GIÁM ĐỐC'")
        parser.add_argument("--authority", help="slug of the issuing authority (default: newest)")
        parser.add_argument("--token", default="", help="label of the PKCS#11 token")
        parser.add_argument("--key-label", default="", help="label of the key (default: random)")
        parser.add_argument("--software-key", action="store_true", help="demo only")
        parser.add_argument("--days", type=int, default=3 * 365)
        parser.add_argument("--image", type=Path, help="PNG of the signature or seal")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(organ_code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"no agency with organ code {options['agency']}")
        user = None
        if options["person"]:
            user = User.objects.filter(username=options["person"]).first()
            if user is None:
                raise CommandError(f"no user {options['person']}")
        authorities = Authority.objects.order_by("-created_at")
        if options["authority"]:
            authorities = authorities.filter(slug=options["authority"])
        authority = authorities.first()
        if authority is None:
            raise CommandError("no certificate authority; run create_ca first")
        key = KeyRequest(
            token_label=options["token"],
            key_label=options["key_label"]
            or (f"egov-{secrets.token_hex(6)}" if options["token"] else ""),
            software=options["software_key"],
        )
        try:
            certificate = issue_certificate(
                acting_user=None,
                authority=authority,
                kind=CertificateKind.PERSON if user else CertificateKind.ORGANISATION,
                agency=agency,
                user=user,
                title=options["title"],
                key=key,
                days=options["days"],
                image_png=options["image"].read_bytes() if options["image"] else b"",
            )
        except Problem as problem:
            raise CommandError(f"{problem.detail} {dict(problem.errors) or ''}") from problem
        self.stdout.write(
            f"issued {certificate.kind} certificate {certificate.serial_number} "
            f"to {certificate.common_name} (key: {certificate.key_storage} "
            f"{certificate.token_label}/{certificate.key_label}{certificate.key_file})"
        )
