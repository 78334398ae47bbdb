"""Writes to the procedure catalog."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from egov.audit.actions import record_event
from egov.lib.actions import action
from egov.lib.problems import Conflict, InvalidInput, PermissionDenied
from egov.org.selectors import is_system_admin
from egov.procedures.catalog import CatalogError, ParsedCatalog, WriteResult, check_catalog
from egov.procedures.catalog import write_catalog as _write_catalog
from egov.procedures.models import Procedure

if TYPE_CHECKING:
    from egov.accounts.models import User


def may_edit_catalog(user: User | None) -> bool:
    """``None`` is the system itself (demo loader, an operator's management command)."""
    return (
        user is None
        or is_system_admin(user)
        or (user.is_active and user.has_perm("procedures.change_procedure"))
    )


def _check_may_edit(user: User | None) -> None:
    if not may_edit_catalog(user):
        raise PermissionDenied()


def catalog_problem(error: CatalogError) -> InvalidInput:
    count = len(error.errors)
    return InvalidInput(
        _("The file has %(count)s error(s); nothing was imported.") % {"count": count},
        errors=error.errors,
    )


def _referrers(error: ProtectedError | RestrictedError) -> str:
    objects = (
        error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
    )
    return ", ".join(sorted({str(obj._meta.verbose_name_plural) for obj in objects}))


@action
def import_catalog(
    *, acting_user: User | None, parsed: ParsedCatalog, source: str = ""
) -> WriteResult:
    """Create or update the procedures of a parsed file; all or nothing.

    Every row is checked before anything is written; records that did not change keep their
    ids and are not touched, so importing an export again changes nothing.
    """
    _check_may_edit(acting_user)
    try:
        checked = check_catalog(parsed)
    except CatalogError as error:
        raise catalog_problem(error) from None
    try:
        result = _write_catalog(checked)
    except (ProtectedError, RestrictedError) as error:
        # Records of other apps (dossiers) may point at steps, documents or fees the file
        # no longer lists.
        raise Conflict(
            _(
                "The file removes steps, documents or fees that %(users)s still refer to; keep "
                "them, or deactivate the procedure instead."
            )
            % {"users": _referrers(error)},
            code="catalog_in_use",
        ) from None
    except IntegrityError:
        raise Conflict(
            _("Another import changed the catalog at the same time; try again.")
        ) from None
    record_event(
        actor=acting_user,
        verb="procedures.import_catalog",
        object_type="procedures.procedure",
        after={
            "source": source,
            "created": result.created,
            "updated": result.updated,
            "unchanged": len(result.unchanged),
            "sectors_written": result.sectors_written,
        },
    )
    return result


@action
def save_procedure_in_admin(
    *, acting_user: User, procedure: Procedure, form: Any, formsets: list[Any], is_new: bool
) -> Procedure:
    """A procedure saved in admin together with its fees, documents and steps: one event."""
    _check_may_edit(acting_user)
    if not is_new:
        Procedure.objects.select_for_update().filter(pk=procedure.pk).first()
    procedure.save()
    form.save_m2m()
    changes: dict[str, Any] = {"fields": list(form.changed_data)}
    for formset in formsets:
        formset.instance = procedure
        formset.save()
        prefix = formset.prefix
        if formset.new_objects or formset.changed_objects or formset.deleted_objects:
            changes[prefix] = {
                "added": len(formset.new_objects),
                "changed": len(formset.changed_objects),
                "deleted": len(formset.deleted_objects),
            }
    record_event(
        actor=acting_user,
        verb="admin.add" if is_new else "admin.change",
        obj=procedure,
        agency=procedure.agency,
        after=changes,
    )
    return procedure
