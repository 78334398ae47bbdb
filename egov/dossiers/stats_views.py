"""The statistics page (``/dossiers/stats/``) with its charts and its CSV/XLSX exports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.accounts.selectors import request_user
from egov.dossiers import stats
from egov.dossiers.charts import Series, stacked_bars
from egov.lib.problems import NotFound
from egov.org.models import Agency
from egov.procedures.models import Procedure
from egov.workdays.selectors import get_calendar

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHART_ROWS = 12


class StatsForm(forms.Form):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label=gettext_lazy("Agency"),
        required=False,
        to_field_name="organ_code",
        empty_label=gettext_lazy("All agencies I may see"),
    )
    procedure = forms.ModelChoiceField(
        queryset=Procedure.objects.filter(is_active=True).only("code", "name").order_by("code"),
        label=gettext_lazy("Procedure"),
        required=False,
        to_field_name="code",
        empty_label=gettext_lazy("All procedures"),
    )
    date_from = forms.DateField(label=gettext_lazy("From"), widget=DATE, required=False)
    date_to = forms.DateField(label=gettext_lazy("To"), widget=DATE, required=False)

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["procedure"].label_from_instance = lambda p: f"{p.code} – {p.name}"  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = default_period()
        data["date_from"] = data.get("date_from") or first
        data["date_to"] = data.get("date_to") or last
        if data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data


def _charts(result: stats.DossierStats) -> list[Any]:
    finished = [
        Series(_("Early"), "chart-early"),
        Series(_("On time"), "chart-on-time"),
        Series(_("Late"), "chart-late"),
        Series(_("In progress"), "chart-open"),
    ]
    charts = []
    for title, description, rows in (
        (
            _("Dossiers per month"),
            _(
                "For each month of registration: dossiers finished early, on time, late, and "
                "still in progress. The table below has the same numbers."
            ),
            result.months,
        ),
        (
            _("Dossiers per agency"),
            _(
                "For each implementing agency (the largest first): dossiers finished early, on "
                "time, late, and still in progress. The table below has the same numbers."
            ),
            result.agencies[:CHART_ROWS],
        ),
    ):
        if not rows:
            continue
        charts.append(
            stacked_bars(
                title=str(title),
                description=str(description),
                categories=[row.name for row in rows],
                series=finished,
                values=[[r.early, r.on_time, r.late, r.in_progress] for r in rows],
            )
        )
    return charts


def stats_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    try:
        scope = stats.stats_scope(user)
    except NotFound as exc:
        raise Http404 from exc
    agencies = stats.stats_agencies(scope)
    form = StatsForm(request.GET or None, agencies=agencies)
    result = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        first, last = default_period()
        result = stats.dossier_stats(
            stats.selection_for(
                user,
                date_from=data.get("date_from") or first,
                date_to=data.get("date_to") or last,
                agency=data.get("agency"),
                procedure=data.get("procedure"),
            ),
            get_calendar(),
        )
        export = request.GET.get("format", "")
        if export in ("csv", "xlsx"):
            return _export(result, export)
        if export:
            raise Http404
    return render(
        request,
        "dossiers/stats.html",
        {
            "form": form,
            "result": result,
            "charts": _charts(result) if result else [],
            "indices": stats.INDICES,
            "supported": stats.SUPPORTED,
            "query": request.GET.urlencode() if form.is_bound else "",
        },
    )


def _export(result: stats.DossierStats, fmt: str) -> HttpResponse:
    selection = result.selection
    stem = f"thong-ke-ho-so-{selection.date_from:%Y%m%d}-{selection.date_to:%Y%m%d}"
    if fmt == "csv":
        response = HttpResponse(stats.export_csv(result), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(stats.export_xlsx(result), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return today.replace(month=1, day=1), today
