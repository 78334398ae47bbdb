from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.accounts.selectors import request_user
from egov.audit.admin import AuditedModelAdmin
from egov.lib.problems import Problem
from egov.workdays.actions import import_calendar_csv, seed_calendar_year
from egov.workdays.models import CalendarDay, CalendarYear
from egov.workdays.selectors import calendar_csv


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 0
    fields = ["date", "kind", "name", "is_seeded"]


class ImportForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    file = forms.FileField(label=gettext_lazy("CSV file (date,kind,name)"))


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedModelAdmin):
    list_display = ["year", "note", "created_at"]
    inlines = [CalendarDayInline]
    actions = ["seed", "export_csv"]
    change_list_template = "admin/workdays/calendaryear/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="workdays_calendaryear_import",
            )
        ]
        return custom + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                text = form.cleaned_data["file"].read().decode("utf-8-sig")
                count = import_calendar_csv(
                    acting_user=request_user(request), year=form.cleaned_data["year"], text=text
                )
            except UnicodeDecodeError:
                form.add_error("file", _("The file must be UTF-8 text."))
            except Problem as problem:
                form.add_error(None, str(problem.detail))
                for line, message in problem.errors.items():
                    form.add_error(None, f"{line}: {message}")
            else:
                messages.success(request, _("%(count)s days imported.") % {"count": count})
                return redirect("admin:workdays_calendaryear_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Import a year"),
        }
        return render(request, "admin/workdays/calendaryear/import.html", context)

    @admin.action(description=gettext_lazy("Add missing days from the holidays package"))
    def seed(self, request: HttpRequest, queryset: QuerySet[CalendarYear]) -> None:
        for year in queryset:
            added = seed_calendar_year(acting_user=request_user(request), year=year.year)
            messages.info(
                request, _("%(year)s: %(count)s days added.") % {"year": year.year, "count": added}
            )

    @admin.action(description=gettext_lazy("Export as CSV"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[CalendarYear]) -> HttpResponse:
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one year to export."), messages.ERROR)
            return redirect("admin:workdays_calendaryear_changelist")
        year = queryset.get().year
        response = HttpResponse(calendar_csv(year), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="calendar-{year}.csv"'
        return response


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedModelAdmin):
    list_display = ["date", "kind", "name", "is_seeded"]
    list_filter = ["kind", "year"]
    search_fields = ["name"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.is_seeded = False
        super().save_model(request, obj, form, change)
