"""The plan's document KPIs per agency and period, computed from the records themselves.

Plan 58/KH-UBND: 60% of documents between state agencies exchanged purely electronically, and
digital signatures in every agency. For each agency and period [date_from, date_to] (local dates):

- sent: outgoing documents sent in the period; sent electronically: none of their recipients
  was served on paper; digitally signed: the leader's signature is a cryptographic one;
- received: incoming documents that arrived in the period; electronically: not on paper;
- completed: incoming documents completed in the period, their average handling time (arrival
  to completion, in days) and how many were completed after their deadline;
- overdue: incoming documents still open on the period's last day whose deadline had passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils import timezone

from egov.documents.models import (
    Channel,
    DeliveryChannel,
    Direction,
    Document,
    DocumentRecipient,
    Status,
)
from egov.org.models import Agency

ELECTRONIC_TARGET = 0.60
SIGNED_TARGET = 1.0
OPEN = (Status.REGISTERED, Status.ASSIGNED, Status.IN_PROGRESS)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass
class AgencyDocumentStats:
    organ_code: str
    name: str
    sent: int = 0
    sent_electronic: int = 0
    signed_digitally: int = 0
    received: int = 0
    received_electronic: int = 0
    completed: int = 0
    handling_seconds: float = 0.0
    completed_late: int = 0
    overdue_open: int = 0
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def electronic_share(self) -> float | None:
        return _share(self.sent_electronic + self.received_electronic, self.sent + self.received)

    @property
    def sent_electronic_share(self) -> float | None:
        return _share(self.sent_electronic, self.sent)

    @property
    def received_electronic_share(self) -> float | None:
        return _share(self.received_electronic, self.received)

    @property
    def signed_share(self) -> float | None:
        return _share(self.signed_digitally, self.sent)

    @property
    def average_handling_days(self) -> float | None:
        if not self.completed:
            return None
        return round(self.handling_seconds / self.completed / 86400, 2)

    @property
    def late(self) -> int:
        return self.completed_late + self.overdue_open

    def add(self, other: AgencyDocumentStats) -> None:
        for name in (
            "sent",
            "sent_electronic",
            "signed_digitally",
            "received",
            "received_electronic",
            "completed",
            "handling_seconds",
            "completed_late",
            "overdue_open",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return start, end


def document_stats(
    agencies: Iterable[Agency], date_from: dt.date, date_to: dt.date
) -> list[AgencyDocumentStats]:
    agencies = list(agencies)
    ids = [a.pk for a in agencies]
    rows = {a.pk: AgencyDocumentStats(a.organ_code, a.name) for a in agencies}
    start, end = _bounds(date_from, date_to)

    paper = DocumentRecipient.objects.filter(document=OuterRef("pk"), channel=DeliveryChannel.PAPER)
    sent = (
        Document.objects.filter(
            agency_id__in=ids,
            direction=Direction.OUTGOING,
            sent_at__gte=start,
            sent_at__lt=end,
        )
        .annotate(on_paper=Exists(paper))
        .values("agency_id")
        .annotate(
            total=Count("id"),
            electronic=Count("id", filter=Q(on_paper=False)),
            signed=Count("id", filter=Q(is_digitally_signed=True)),
        )
    )
    for sent_row in sent:
        stats = rows[sent_row["agency_id"]]
        stats.sent = sent_row["total"]
        stats.sent_electronic = sent_row["electronic"]
        stats.signed_digitally = sent_row["signed"]

    received = (
        Document.objects.filter(
            agency_id__in=ids,
            direction=Direction.INCOMING,
            arrival_date__gte=date_from,
            arrival_date__lte=date_to,
        )
        .values("agency_id")
        .annotate(total=Count("id"), electronic=Count("id", filter=Q(channel=Channel.ELECTRONIC)))
    )
    for received_row in received:
        rows[received_row["agency_id"]].received = received_row["total"]
        rows[received_row["agency_id"]].received_electronic = received_row["electronic"]

    completed = Document.objects.filter(
        agency_id__in=ids,
        direction=Direction.INCOMING,
        status=Status.COMPLETED,
        completed_at__gte=start,
        completed_at__lt=end,
        arrived_at__isnull=False,
    )
    for done_row in completed.values("agency_id").annotate(
        total=Count("id"), duration=Sum(F("completed_at") - F("arrived_at"))
    ):
        stats = rows[done_row["agency_id"]]
        stats.completed = done_row["total"]
        duration = done_row["duration"]
        stats.handling_seconds = duration.total_seconds() if duration else 0.0
    # "Late" compares the local completion day with the deadline: done in Python on the
    # (small) set of completed documents that have a deadline, the same way on both databases.
    for agency_id, completed_at, due in completed.filter(due_date__isnull=False).values_list(
        "agency_id", "completed_at", "due_date"
    ):
        if completed_at is not None and due is not None and timezone.localdate(completed_at) > due:
            rows[agency_id].completed_late += 1

    last_day = min(date_to, timezone.localdate())
    overdue = (
        Document.objects.filter(
            agency_id__in=ids,
            direction=Direction.INCOMING,
            due_date__lt=last_day,
            arrived_at__lt=end,
        )
        .filter(Q(status__in=OPEN) | Q(status=Status.COMPLETED, completed_at__gte=end))
        .values("agency_id")
        .annotate(total=Count("id"))
    )
    for late_row in overdue:
        rows[late_row["agency_id"]].overdue_open = late_row["total"]
    return [rows[pk] for pk in ids]


def totals(rows: Iterable[AgencyDocumentStats]) -> AgencyDocumentStats:
    total = AgencyDocumentStats("", "")
    for row in rows:
        total.add(row)
    return total
