"""``GET /api/v1/stats/dossiers``: the one-stop statistics (mounted by ``egov.dossiers.api``).

Written without ``from __future__ import annotations`` so django-ninja reads the types at run
time.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from egov.accounts.selectors import request_user
from egov.dossiers import stats
from egov.lib.problems import invalid
from egov.procedures.models import Procedure
from egov.workdays.selectors import get_calendar

router = Router(tags=["statistics"])


class StatsQuery(Schema):
    agency: str | None = Field(
        None, max_length=35, description="Organ code; default: every agency the caller may see."
    )
    procedure: str | None = Field(None, max_length=30, description="Procedure code.")
    date_from: dt.date | None = Field(
        None, alias="from", description="First day of registration; default: 1 January."
    )
    date_to: dt.date | None = Field(
        None, alias="to", description="Last day of registration; default: today."
    )


class CountsOut(Schema):
    key: str
    name: str
    registered: int
    received: int
    awaiting_receipt: int
    refused: int
    withdrawn: int
    in_progress: int
    finished: int
    early: int
    on_time: int
    late: int
    online: int
    on_time_rate: float | None = Field(description="(early + on time) ÷ received")
    finished_on_time_rate: float | None = Field(description="(early + on time) ÷ finished")
    online_share: float | None = Field(description="online ÷ registered")
    average_days: float | None = Field(
        description="Average calendar days from the complete dossier's receipt to the result."
    )


class IndexOut(Schema):
    number: int
    value: float | None


class AgencyOut(CountsOut):
    indices: list[IndexOut]
    index_sum: float | None
    scaled_sum: float | None = Field(description="The sum scaled to nine indices.")
    grade: str = Field(description="excellent, good, fair, average, poor; empty without data.")
    grade_label: str


class IndexSpecOut(Schema):
    number: int
    label: str
    supported: bool
    note: str


class StatsOut(Schema):
    date_from: dt.date
    date_to: dt.date
    agency: str | None
    procedure: str | None
    total: CountsOut
    average_working_days: float | None = Field(
        description="Working days from the receipt day to the result day, all finished dossiers."
    )
    agencies: list[AgencyOut]
    units: list[CountsOut]
    procedures: list[CountsOut]
    channels: list[CountsOut]
    months: list[CountsOut]
    indices: list[IndexSpecOut]


def _counts(row: stats.Counts) -> dict[str, Any]:
    names = ("key", "name", *stats.COUNT_FIELDS)
    data: dict[str, Any] = {name: getattr(row, name) for name in names}
    for name in ("on_time_rate", "finished_on_time_rate", "online_share", "average_days"):
        data[name] = getattr(row, name)
    return data


def _agency(row: stats.AgencyRow) -> AgencyOut:
    return AgencyOut(
        **_counts(row),
        indices=[IndexOut(number=n, value=v) for n, v in row.indices.items()],
        index_sum=row.index_sum,
        scaled_sum=row.scaled_sum,
        grade=row.grade,
        grade_label=row.grade_label,
    )


@router.get("/dossiers", response=StatsOut, summary="One-stop statistics")
def dossier_stats(request: HttpRequest, query: Query[StatsQuery]) -> StatsOut:
    """Dossiers registered in ``from``–``to`` (default: this year so far) per implementing
    agency, receiving desk, procedure, channel and month, with the Circular 01/2018 indices the
    data supports and each agency's grade. 404 for an agency the caller may not see."""
    user = request_user(request)
    today = timezone.localdate()
    date_from = query.date_from or today.replace(month=1, day=1)
    date_to = query.date_to or today
    if date_from > date_to:
        raise invalid("to", _("The end of the period is before its start."))
    agency = stats.access_stats_agency(user, query.agency) if query.agency else None
    procedure = None
    if query.procedure:
        procedure = Procedure.objects.filter(code=query.procedure).first()
        if procedure is None:
            raise invalid("procedure", _("There is no procedure with this code."))
    selection = stats.selection_for(
        user, date_from=date_from, date_to=date_to, agency=agency, procedure=procedure
    )
    result = stats.dossier_stats(selection, get_calendar())
    return StatsOut(
        date_from=date_from,
        date_to=date_to,
        agency=agency.organ_code if agency else None,
        procedure=procedure.code if procedure else None,
        total=CountsOut(**_counts(result.total)),
        average_working_days=result.average_working_days,
        agencies=[_agency(row) for row in result.agencies],
        units=[CountsOut(**_counts(row)) for row in result.units],
        procedures=[CountsOut(**_counts(row)) for row in result.procedures],
        channels=[CountsOut(**_counts(row)) for row in result.channels],
        months=[CountsOut(**_counts(row)) for row in result.months],
        indices=[
            IndexSpecOut(
                number=spec.number,
                label=str(spec.label),
                supported=spec.supported,
                note=str(spec.note),
            )
            for spec in stats.INDICES
        ],
    )
