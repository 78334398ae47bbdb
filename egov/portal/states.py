"""The online application's small state machine, as data: a draft is submitted once."""

from __future__ import annotations

from egov.portal.models import ApplicationStatus

START, SUBMIT = "start", "submit"

# (action, from, to); "" is "did not exist yet".
TRANSITIONS: frozenset[tuple[str, str, str]] = frozenset(
    {
        (START, "", ApplicationStatus.DRAFT),
        (SUBMIT, ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED),
    }
)
# A draft can also be discarded (deleted with its attachments; the stored documents stay).
DISCARDABLE = frozenset({ApplicationStatus.DRAFT})
EDITABLE = frozenset({ApplicationStatus.DRAFT})


def is_allowed(action: str, source: str, target: str) -> bool:
    return (action, source, target) in TRANSITIONS
