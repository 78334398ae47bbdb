"""Set up this installation's agency for the exchange: the agency, an office unit and its staff.

Meant for a new installation (and the two-installation tests): idempotent, every write through
the org and accounts actions. Passwords come from the environment variable named by
``--password-env``; without it the accounts get no usable password (set one in the admin).
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.accounts.actions import create_user
from egov.accounts.models import User, UserKind
from egov.lib.problems import Problem
from egov.org.actions import grant_role, save_agency, save_unit
from egov.org.models import Agency, AgencyLevel, Role, Unit

ROLES = {
    "clerk": Role.DOCUMENT_CLERK,
    "leader": Role.LEADER,
    "specialist": Role.SPECIALIST,
    "unit_head": Role.UNIT_HEAD,
    "admin": Role.SYSTEM_ADMIN,
}


class Command(BaseCommand):
    help = "Create (or update) this installation's agency with an office unit and staff accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organ-code", required=True)
        parser.add_argument("--name", required=True, help="the agency's full name")
        parser.add_argument("--short-name", required=True, help="abbreviation used in notations")
        parser.add_argument("--level", default=AgencyLevel.PROVINCE, choices=AgencyLevel.values)
        parser.add_argument("--unit", default="VP:Văn phòng", help="CODE:Name of the office unit")
        parser.add_argument(
            "--staff",
            action="append",
            default=[],
            metavar="ROLE=USERNAME:Full name",
            help=f"a staff account; ROLE is one of {', '.join(ROLES)}",
        )
        parser.add_argument("--password-env", default="EGOV_SETUP_PASSWORD")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._setup(options)
        except Problem as problem:
            raise CommandError(str(problem.detail)) from problem

    def _setup(self, options: dict[str, Any]) -> None:
        organ_code = options["organ_code"]
        fields = {
            "name": options["name"],
            "short_name": options["short_name"],
            "level": options["level"],
        }
        agency = Agency.objects.filter(organ_code=organ_code).first()
        if agency is None or any(getattr(agency, k) != v for k, v in fields.items()):
            agency = save_agency(acting_user=None, organ_code=organ_code, **fields)
        code, _colon, unit_name = options["unit"].partition(":")
        unit = Unit.objects.filter(agency=agency, code=code).first()
        if unit is None:
            unit = save_unit(acting_user=None, agency=agency, code=code, name=unit_name or code)
        password = os.environ.get(options["password_env"]) or None
        for spec in options["staff"]:
            role_name, _eq, rest = spec.partition("=")
            username, _colon, full_name = rest.partition(":")
            if role_name not in ROLES or not username:
                raise CommandError(f"--staff {spec!r}: use ROLE=USERNAME:Full name")
            user = User.objects.filter(username=username).first() or create_user(
                acting_user=None,
                username=username,
                password=password,
                full_name=full_name or username,
                kind=UserKind.STAFF,
            )
            role = ROLES[role_name]
            if not user.memberships.filter(agency=agency, role=role, is_active=True).exists():
                grant_role(
                    acting_user=None,
                    user=user,
                    agency=agency,
                    role=role,
                    unit=None if role in (Role.LEADER, Role.SYSTEM_ADMIN) else unit,
                )
        self.stdout.write(f"agency {agency.organ_code} – {agency.name} ready")
