import datetime as dt

from django.utils import timezone

from egov.infra.periodic import every
from egov.lib.tasks import task


@every(dt.timedelta(hours=6))
@task(queue_name="periodic")
def refresh_crls() -> int:
    """Republish every CRL that expires within two days, so relying parties never see a stale
    one (a CRL past its nextUpdate makes strict validators fail)."""
    from egov.signatures.actions import publish_crl
    from egov.signatures.models import Authority

    soon = timezone.now() + dt.timedelta(days=2)
    due = Authority.objects.exclude(crl_next_update__gt=soon)
    for authority in due:
        publish_crl(acting_user=None, authority=authority)
    return len(due)
