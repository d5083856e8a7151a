"""Campaigns: peak periods over a commune or a province, with targets."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from sessions.models.catalogue import Service
from volunteers.models import Commune, Province
from volunteers.text import refuse_control_characters


class Campaign(models.Model):
    """A peak period with targets, over one commune or a whole province."""

    name = models.CharField(_("name"), max_length=200, validators=[refuse_control_characters])
    description = models.TextField(_("description"), blank=True, validators=[refuse_control_characters])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
        verbose_name=_("commune"),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
        verbose_name=_("province"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="campaign_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(commune__isnull=False, province__isnull=True)
                | Q(commune__isnull=True, province__isnull=False),
                name="campaign_one_place",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The campaign must end on or after the day it starts.")})

    def covers(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @property
    def place(self):
        return self.commune or self.province


class CampaignTarget(models.Model):
    class Metric(models.TextChoices):
        CITIZEN_TURNS = "citizen_turns", _("citizen-turns")
        VOLUNTEER_TURNS = "volunteer_turns", _("volunteer-turns")
        VOLUNTEER_HOURS = "volunteer_hours", _("volunteer hours")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    label = models.CharField(_("target"), max_length=200, validators=[refuse_control_characters])
    metric = models.CharField(_("what is counted"), max_length=20, choices=Metric.choices)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("only this service")
    )
    done_only = models.BooleanField(_("only help completed"), default=False)
    value = models.PositiveIntegerField(_("target value"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self):
        return self.label
