from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """A year whose holidays and make-up days have been set up; other years are unknown."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (day off)")
    WORKDAY = "workday", _("Make-up working day")


class CalendarDay(models.Model):
    """A day that differs from the usual week: a holiday off, or a weekend day worked."""

    year = models.ForeignKey(
        CalendarYear, verbose_name=_("year"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=200)
    is_seeded = models.BooleanField(
        _("from the holidays package"),
        default=False,
        help_text=_("Unticked when an administrator entered or changed the day."),
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"
