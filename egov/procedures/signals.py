"""A change to a procedure's workflow steps or required documents is a change of the procedure:
its ``updated_at`` moves, which is what the per-process template cache
(``selectors.procedure_template``) compares with in every process; this process also drops its
copy at once (two edits within one clock tick, as under a frozen test clock, look alike)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from egov.procedures.models import Procedure, RequiredDocument, WorkflowStep
from egov.procedures.selectors import forget_template


@receiver(post_save, sender=WorkflowStep)
@receiver(post_delete, sender=WorkflowStep)
@receiver(post_save, sender=RequiredDocument)
@receiver(post_delete, sender=RequiredDocument)
def touch_procedure(sender: Any, instance: WorkflowStep | RequiredDocument, **kwargs: Any) -> None:
    Procedure.objects.filter(pk=instance.procedure_id).update(updated_at=timezone.now())
    forget_template(instance.procedure_id)
