"""Help sessions (shifts) and volunteers' attendance, with what counts of them (docs/counting.md)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sessions.models.campaigns import Campaign
from sessions.models.catalogue import PlaceKind
from volunteers.models import Commune, Hamlet, Team, Volunteer
from volunteers.text import refuse_control_characters


class HelpSessionQuerySet(models.QuerySet):
    """What counts about shifts (docs/counting.md): those held, on the days of a period."""

    def dated_between(self, first_day: datetime.date, next_first_day: datetime.date) -> "HelpSessionQuerySet":
        """Shifts dated from `first_day` up to, not including, `next_first_day`."""
        return self.filter(date__gte=first_day, date__lt=next_first_day)

    def held(self) -> "HelpSessionQuerySet":
        return self.filter(status=HelpSession.Status.HELD)


class HelpSession(models.Model):
    """A shift: a place, a date, from–to, in a commune, optionally for a team and a campaign."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="help_sessions")
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="help_sessions",
        verbose_name=_("team"),
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="help_sessions",
        verbose_name=_("campaign"),
    )
    place_kind = models.CharField(_("place"), max_length=20, choices=PlaceKind.choices)
    hamlet = models.ForeignKey(
        Hamlet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="help_sessions",
        verbose_name=_("hamlet"),
    )
    address = models.CharField(
        _("address"), max_length=200, blank=True, validators=[refuse_control_characters]
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("to"))
    volunteers_needed = models.PositiveIntegerField(_("volunteers needed"), default=2)
    notes = models.TextField(_("notes"), blank=True, validators=[refuse_control_characters])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Any change through save() (planning, cancelling, closing): calendar feeds send it as the
    # event's revision, so that phones replace what they kept.
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())
    # The secret in the check-in QR code posted at the desk (made when the code is first printed):
    # scanning it proves the volunteer is at the shift's place.
    checkin_code = models.CharField(max_length=32, blank=True, default="", db_default="", editable=False)

    objects = HelpSessionQuerySet.as_manager()

    class Meta:
        ordering = ["date", "starts_at", "id"]
        verbose_name = _("help session")
        verbose_name_plural = _("help sessions")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["commune", "date"]),
            models.Index(fields=["team", "date"]),
        ]

    def __str__(self):
        # Values as typed (strings) until the first save are read as the fields read them: the
        # audit log names a shift the moment it is created.
        day = self._meta.get_field("date").to_python(self.date)
        return f"{self.get_place_kind_display()} · {day:%d/%m/%Y} {self.time_range}"

    def get_additional_data(self) -> dict:
        """Where an audit entry about this shift belongs (volunteers/audit.py)."""
        return {"commune": self.commune_id, "province": self.commune.province_id}

    @property
    def time_range(self) -> str:
        start = self._meta.get_field("starts_at").to_python(self.starts_at)
        end = self._meta.get_field("ends_at").to_python(self.ends_at)
        return f"{start:%H:%M}–{end:%H:%M}"

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The shift must end after it starts.")
        if self.campaign_id and self.date and not self.campaign.covers(self.date):
            errors["date"] = _("%(date)s is outside the campaign “%(campaign)s” (%(start)s–%(end)s).") % {
                "date": f"{self.date:%d/%m/%Y}",
                "campaign": self.campaign.name,
                "start": f"{self.campaign.starts_on:%d/%m/%Y}",
                "end": f"{self.campaign.ends_on:%d/%m/%Y}",
            }
        if self.team_id and self.commune_id and self.team.commune_id != self.commune_id:
            errors["team"] = _("The team must belong to this commune.")
        if self.hamlet_id and self.commune_id and self.hamlet.commune_id != self.commune_id:
            errors["hamlet"] = _("The hamlet must belong to this commune.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    def local_start(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.date, self.starts_at))

    def local_end(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.date, self.ends_at))


def _minutes_between(start: datetime.time, end: datetime.time) -> int:
    return max(0, (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute))


class AttendanceQuerySet(models.QuerySet):
    """Volunteer-turns and hours count attendances marked present on shifts that were not
    cancelled, in the month of the shift's date (docs/counting.md)."""

    def counted(self) -> "AttendanceQuerySet":
        return self.filter(present=True).exclude(session__status=HelpSession.Status.CANCELLED)

    def on_shifts_between(
        self, first_day: datetime.date, next_first_day: datetime.date
    ) -> "AttendanceQuerySet":
        return self.filter(session__date__gte=first_day, session__date__lt=next_first_day)


class Attendance(models.Model):
    """A volunteer on a shift: signed up (or assigned), then marked present or absent."""

    session = models.ForeignKey(HelpSession, on_delete=models.CASCADE, related_name="attendances")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="attendances")
    signed_up_at = models.DateTimeField(auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    present = models.BooleanField(_("present"), null=True, blank=True)
    arrived_at = models.TimeField(_("arrived"), null=True, blank=True)
    left_at = models.TimeField(_("left"), null=True, blank=True)
    # Kept in step with present/arrived/left on save, so that hours are a plain SUM.
    present_minutes = models.PositiveIntegerField(default=0, editable=False)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(null=True, blank=True)
    # Self check-in by scanning the shift's QR code at the desk (docs/counting.md).
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    # Scanned in without having signed up, been assigned or being of the shift's team: the
    # volunteer confirmed they joined; the secretary sees it flagged.
    joined_by_scan = models.BooleanField(_("joined by scanning"), default=False, db_default=False)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["session", "volunteer__sort_key"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["session", "volunteer"], name="attendance_once_per_session"),
        ]
        indexes = [models.Index(fields=["volunteer", "present"])]

    def __str__(self):
        return f"{self.volunteer} · {self.session}"

    def save(self, *args, **kwargs):
        self.present_minutes = self.compute_minutes()
        super().save(*args, **kwargs)

    def compute_minutes(self) -> int:
        if not self.present or self.withdrawn_at:
            return 0
        return _minutes_between(
            self.arrived_at or self.session.starts_at, self.left_at or self.session.ends_at
        )

    @property
    def hours(self) -> float:
        return round(self.present_minutes / 60, 2)

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
