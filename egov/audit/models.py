from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One thing somebody did, chained to the event before it by a hash.

    Events are spread over ``AUDIT_CHAINS`` parallel chains (every event of one object lands in
    the same chain, in order), so that unrelated actions don't queue behind one lock; each event
    carries the hash of its content and of the previous event of its chain. ``seq`` is the
    global order of recording.

    Append-only: on PostgreSQL a trigger rejects UPDATE and DELETE; everywhere, ``verify_audit``
    recomputes every chain and finds any change. Foreign keys carry no database constraint so
    that deleting a user or an agency can never rewrite history.
    """

    seq = models.BigIntegerField(_("sequence"), unique=True)
    chain = models.PositiveSmallIntegerField(_("chain"), default=0)
    chain_seq = models.BigIntegerField(_("position in the chain"), default=0)
    # 1: the first hash layout (before chains); 2: chain and position are hashed too.
    hash_version = models.PositiveSmallIntegerField(default=2)
    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("actor name"), max_length=200, blank=True)
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    verb = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=100, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]
        constraints = [
            models.UniqueConstraint(fields=["chain", "chain_seq"], name="audit_chain_position")
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.verb} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The end of one chain; locking its row serialises appends to that chain only."""

    chain = models.PositiveSmallIntegerField(unique=True, default=0)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"chain {self.chain} head #{self.seq}"
