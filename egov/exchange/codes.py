"""The code lists of QCVN 102:2016 (edXML) that the messages carry.

DOMAIN.md §5 lists them; 13/15/16 are marked UNCONFIRMED as part of the standard, so their use here
(13 acknowledges a revocation request, 15/16 agree to or refuse a revocation, update or
replacement) is our reading, written down in docs/apps/exchange.md.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
XLINK_NAMESPACE = "http://www.w3.org/1999/xlink"
DSIG_NAMESPACE = "http://www.w3.org/2000/09/xmldsig#"


class StatusCode(models.TextChoices):
    ARRIVED = "01", _("01 – arrived")
    REFUSED = "02", _("02 – refused")
    ACCEPTED = "03", _("03 – accepted")
    WAITING = "04", _("04 – waiting for assignment")
    PROCESSING = "05", _("05 – assigned, being processed")
    FINISHED = "06", _("06 – finished")
    REVOKED = "13", _("13 – revocation received")
    REQUEST_AGREED = "15", _("15 – revocation/update agreed")
    REQUEST_REFUSED = "16", _("16 – revocation/update refused")


# Codes that report how the receiver handles the document (the rest answer a business request).
HANDLING_CODES = frozenset(
    {
        StatusCode.ARRIVED,
        StatusCode.REFUSED,
        StatusCode.ACCEPTED,
        StatusCode.WAITING,
        StatusCode.PROCESSING,
        StatusCode.FINISHED,
    }
)
REQUEST_CODES = frozenset(
    {StatusCode.REVOKED, StatusCode.REQUEST_AGREED, StatusCode.REQUEST_REFUSED}
)


class BusinessDocType(models.IntegerChoices):
    """BussinessDocType (the standard spells it with a double s)."""

    NEW = 0, _("new document")
    REVOKE = 1, _("revocation")
    UPDATE = 2, _("update")
    REPLACE = 3, _("replacement")


class Priority(models.IntegerChoices):
    NORMAL = 0, _("normal")
    URGENT = 1, _("urgent")
    VERY_URGENT = 2, _("very urgent")
    EXPRESS = 3, _("express")
    EXPRESS_BY_HOUR = 4, _("express by the hour")


class SteeringType(models.IntegerChoices):
    NONE = 1, _("not a directive")
    DIRECTIVE = 2, _("directive")
    DIRECTIVE_REPORT = 3, _("report on a directive")


class ReceiverType(models.IntegerChoices):
    REMOVED = 0, _("removed from the recipients")
    ADDED = 1, _("added to the recipients")


# DocumentType/Type: the standard carries an integer; no public table was found. We number the
# types in the order Decree 30/2020 Art. 7 lists them, which puts Công văn at 18, the value the
# public SDK examples use for it. UNCONFIRMED beyond that; peers only need Type to be stable.
DOCUMENT_TYPE_NUMBERS: dict[str, int] = {
    "NQ": 1,
    "QĐ": 2,
    "CT": 3,
    "QC": 4,
    "QyĐ": 5,
    "TC": 6,
    "TB": 7,
    "HD": 8,
    "CTr": 9,
    "KH": 10,
    "PA": 11,
    "ĐA": 12,
    "DA": 13,
    "BC": 14,
    "BB": 15,
    "TTr": 16,
    "HĐ": 17,
    "": 18,  # Công văn has no abbreviation
    "CĐ": 19,
    "BGN": 20,
    "BTT": 21,
    "GUQ": 22,
    "GM": 23,
    "GGT": 24,
    "GNP": 25,
    "PG": 26,
    "PC": 27,
    "PB": 28,
}
