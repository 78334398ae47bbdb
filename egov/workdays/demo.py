from egov.demo.base import DemoLogin
from egov.workdays.actions import seed_calendar_year
from egov.workdays.models import CalendarYear

DEMO_YEARS = range(2024, 2029)


def load() -> list[DemoLogin]:
    for year in DEMO_YEARS:
        if not CalendarYear.objects.filter(year=year).exists():
            seed_calendar_year(acting_user=None, year=year)
    return []
