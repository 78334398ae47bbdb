"""What the portal does when a dossier moves (``egov.dossiers.signals``), inside that action:

- returned online → the result lands in the applicant's document store;
- refused at receipt after the fees were paid online → the payment is refunded.
"""

from __future__ import annotations

from typing import Any

from egov.dossiers.models import Dossier, DossierEvent, ReturnMethod
from egov.dossiers.workflow import Action


def on_dossier_transition(
    sender: Any, dossier: Dossier, event: DossierEvent, **kwargs: Any
) -> None:
    from egov.portal.actions import APPLICATION_KIND, deliver_result
    from egov.portal.models import Application

    if event.action == Action.RETURN_RESULT and event.data.get("method") == ReturnMethod.ONLINE:
        deliver_result(acting_user=event.actor, dossier=dossier)
    elif event.action == Action.REFUSE:
        application = Application.objects.filter(
            dossier=dossier, fee_paid_at__isnull=False, fee_refunded_at__isnull=True
        ).first()
        if application is not None:
            from egov.payments.actions import refund_payment

            refund_payment(
                acting_user=None,
                kind=APPLICATION_KIND,
                ref=application.ref,
                reason="Hồ sơ bị từ chối tiếp nhận",
            )


def forget_browse_lists(**kwargs: Any) -> None:
    """A life event changed: the finder's cached lists are out of date."""
    from django.core.cache import cache
    from django.db import transaction

    from egov.portal.views import BROWSE_CACHE_KEY

    transaction.on_commit(lambda: cache.delete(BROWSE_CACHE_KEY))
