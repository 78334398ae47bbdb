from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.accounts.selectors import request_user
from egov.audit.admin import AuditedModelAdmin
from egov.lib.problems import Problem
from egov.lib.text import fold
from egov.procedures.actions import import_catalog, save_procedure_in_admin
from egov.procedures.catalog import (
    PROCEDURE_FIELDS,
    CatalogError,
    export_json,
    export_xlsx,
    parse_file,
)
from egov.procedures.models import (
    ApplicantType,
    Procedure,
    ProcedureFee,
    RequiredDocument,
    Sector,
    WorkflowStep,
    validate_workflow,
)

EXPORTS = {
    "json": ("application/json; charset=utf-8", export_json),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export_xlsx),
}


@admin.register(Sector)
class SectorAdmin(AuditedModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class FeeInline(admin.TabularInline):
    model = ProcedureFee
    extra = 0


class DocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0


class StepFormSet(BaseInlineFormSet):
    """Checks the workflow as a whole against the procedure's time limit."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        steps = [
            form.instance
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        processing_days = self.instance.processing_days
        if processing_days is None:
            return
        try:
            validate_workflow(processing_days, steps)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None


class StepInline(admin.TabularInline):
    model = WorkflowStep
    formset = StepFormSet
    extra = 0
    raw_id_fields = ["agency"]


class ProcedureForm(forms.ModelForm):
    applicant_types = forms.MultipleChoiceField(
        label=gettext_lazy("applicant types"),
        choices=ApplicantType.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Procedure
        fields = PROCEDURE_FIELDS
        widgets = {
            "application_form": forms.Textarea(attrs={"rows": 20, "cols": 100}),
        }


@admin.register(Procedure)
class ProcedureAdmin(AuditedModelAdmin):
    form = ProcedureForm
    list_display = [
        "code",
        "name",
        "sector",
        "level",
        "agency",
        "service_level",
        "category",
        "processing_days",
        "is_active",
    ]
    list_filter = ["sector", "level", "service_level", "category", "is_inter_agency", "is_active"]
    search_fields = ["code", "name"]
    raw_id_fields = ["agency"]
    inlines = [FeeInline, DocumentInline, StepInline]
    actions = ["export_selected_json", "export_selected_xlsx"]
    change_list_template = "admin/procedures/procedure/change_list.html"
    fieldsets = [
        (None, {"fields": ["code", "name", "sector", "level", "agency", "is_active"]}),
        (
            gettext_lazy("Online service"),
            {
                "fields": [
                    "service_level",
                    "category",
                    "processing_days",
                    "applicant_types",
                    "result_type",
                    "result_online",
                    "is_inter_agency",
                ]
            },
        ),
        (
            gettext_lazy("Information for citizens (level 1)"),
            {"fields": ["description", "conditions", "steps_text", "where", "legal_basis"]},
        ),
        (gettext_lazy("Application form"), {"fields": ["application_form"]}),
    ]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        # Admins type without diacritics too: search the folded column word by word.
        for word in fold(search_term).split():
            queryset = queryset.filter(search_text__contains=word)
        return queryset, False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Saved together with the inlines in save_related, as one audited action.
        pass

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        save_procedure_in_admin(
            acting_user=request_user(request),
            procedure=form.instance,
            form=form,
            formsets=list(formsets),
            is_new=not change,
        )

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="procedures_procedure_import",
            ),
            path(
                "export/<str:fmt>/",
                self.admin_site.admin_view(self.export_view),
                name="procedures_procedure_export",
            ),
        ]
        return custom + super().get_urls()

    def _export(self, fmt: str, codes: list[str] | None) -> HttpResponse:
        if fmt not in EXPORTS:
            raise Http404
        content_type, exporter = EXPORTS[fmt]
        try:
            content = exporter(codes)
        except CatalogError as error:
            return HttpResponse(
                "\n".join(f"{k}: {v}" for k, v in error.errors.items()),
                status=422,
                content_type="text/plain; charset=utf-8",
            )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="procedures.{fmt}"'
        return response

    def export_view(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if not self.has_view_permission(request):
            raise Http404
        return self._export(fmt, None)

    @admin.action(description=gettext_lazy("Export the selected procedures as JSON"))
    def export_selected_json(
        self, request: HttpRequest, queryset: QuerySet[Procedure]
    ) -> HttpResponse:
        return self._export("json", list(queryset.values_list("code", flat=True)))

    @admin.action(description=gettext_lazy("Export the selected procedures as XLSX"))
    def export_selected_xlsx(
        self, request: HttpRequest, queryset: QuerySet[Procedure]
    ) -> HttpResponse:
        return self._export("xlsx", list(queryset.values_list("code", flat=True)))

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request) or not self.has_add_permission(request):
            raise Http404
        form = ImportForm(request.POST or None, request.FILES or None)
        import_errors: list[tuple[str, str]] = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                parsed = parse_file(upload.name, upload.read())
                result = import_catalog(
                    acting_user=request_user(request), parsed=parsed, source=upload.name
                )
            except CatalogError as error:
                import_errors = list(error.errors.items())
            except Problem as problem:
                form.add_error(None, str(problem.detail))
                import_errors = [(where, str(message)) for where, message in problem.errors.items()]
            else:
                messages.success(
                    request,
                    _(
                        "Import finished: %(created)s created, %(updated)s updated, "
                        "%(unchanged)s unchanged."
                    )
                    % {
                        "created": len(result.created),
                        "updated": len(result.updated),
                        "unchanged": len(result.unchanged),
                    },
                )
                return redirect("admin:procedures_procedure_changelist")
            if import_errors and not form.non_field_errors():
                form.add_error(None, _("The file has errors; nothing was imported."))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Import the procedure catalog"),
            "import_errors": import_errors,
            "opts": self.model._meta,
        }
        return render(request, "admin/procedures/procedure/import.html", context)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Catalog file (.json or .xlsx)"),
        help_text=gettext_lazy("As produced by the export."),
    )
