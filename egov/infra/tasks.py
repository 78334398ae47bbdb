import datetime as dt

from egov.infra import ratelimit
from egov.infra.periodic import every
from egov.lib.tasks import task


@every(dt.timedelta(hours=1))
@task(queue_name="periodic")
def prune_rate_limits() -> int:
    return ratelimit.prune()
