"""Exports made by Celery tasks, and volunteers' certificates of hours that anyone can check."""

import datetime
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from reports.periods import Period
from volunteers.models import Commune, Province, Volunteer


class Export(models.Model):
    """A file asked for by one user; only that user downloads it, and only within their scope."""

    class Kind(models.TextChoices):
        COMMUNE_REPORT = "commune_report", _("commune report (.xlsx)")
        PROVINCE_OVERVIEW = "province_overview", _("province overview (.xlsx)")
        RECORDS_CSV = "records_csv", _("records of help (.csv)")
        RECORDS_XLSX = "records_xlsx", _("records of help (.xlsx)")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("in progress")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True)
    filename = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=300, blank=True)
    rows = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The last sign of life: when it was queued, or when its worker last reported progress. The
    # sweep (reports.services.exports_sweep) looks for exports that stopped showing any.
    heartbeat_at = models.DateTimeField(default=timezone.now)
    # How many times a worker started building it (a redelivered task starts again), and how many
    # times the sweep queued it again.
    runs = models.PositiveSmallIntegerField(default=0)
    requeues = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="export_status_heartbeat_idx")]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.filename or self.pk}"

    @cached_property
    def place(self):
        """The commune or province the file is about (None if it no longer exists)."""
        if self.params.get("commune"):
            return Commune.objects.filter(pk=self.params["commune"]).first()
        return Province.objects.filter(pk=self.params.get("province")).first()

    @property
    def period_label(self) -> str:
        return Period.parse(self.params.get("period")).label()

    @property
    def title(self) -> str:
        kind = self.get_kind_display()
        return kind[:1].upper() + kind[1:]

    @property
    def is_unfinished(self) -> bool:
        return self.status in {self.Status.PENDING, self.Status.RUNNING}

    def seems_stopped(self, *, quiet_for: datetime.timedelta) -> bool:
        """Unfinished with no sign of life for `quiet_for`: its page stops waiting for it."""
        return self.is_unfinished and timezone.now() - self.heartbeat_at > quiet_for


def _certificate_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class Certificate(models.Model):
    """A confirmation of volunteer hours (giấy xác nhận). Its figures are frozen when issued."""

    code = models.CharField(max_length=12, unique=True, default=_certificate_code, editable=False)
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="certificates")
    first_day = models.DateField()
    last_day = models.DateField()
    shifts = models.PositiveIntegerField()
    minutes = models.PositiveIntegerField()
    citizen_turns = models.PositiveIntegerField()
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate of volunteer hours")
        verbose_name_plural = _("certificates of volunteer hours")

    def __str__(self):
        return self.code

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


class TalliedMonth(models.Model):
    """A month whose records are summed in MonthlyTally. Once the row exists, every write to that
    month's records refreshes the sums; once `complete`, reports read the sums instead of records."""

    month = models.DateField(primary_key=True)
    complete = models.BooleanField(default=False)
    tallied_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.month:%m/%Y}" + ("" if self.complete else " …")


class MonthlyTally(models.Model):
    """Citizens helped (live records) per commune, month, service, outcome and age band: the
    monthly rollup that dashboards and the province overview read for finished months."""

    commune = models.ForeignKey(
        "volunteers.Commune", on_delete=models.CASCADE, db_index=False, related_name="+"
    )
    month = models.DateField()
    service = models.ForeignKey("help_sessions.Service", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=10)
    age_band = models.CharField(max_length=10, blank=True)
    citizens = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "month", "service", "outcome", "age_band"], name="tally_once_per_group"
            )
        ]
        indexes = [
            models.Index(fields=["month", "commune"], name="tally_month_commune_idx"),
            # A commune's months read from the index alone (PostgreSQL; SQLite keeps only the keys).
            models.Index(
                fields=["commune", "month"],
                include=["service", "outcome", "age_band", "citizens"],
                name="tally_commune_month_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.month:%m/%Y} {self.service_id} {self.outcome} {self.age_band}"


class MonthlyShiftTally(models.Model):
    """Shifts held, volunteer-turns and their minutes per commune and month: the part of the
    monthly rollup that comes from shifts and attendance (same months as MonthlyTally)."""

    commune = models.ForeignKey(
        "volunteers.Commune", on_delete=models.CASCADE, db_index=False, related_name="+"
    )
    month = models.DateField()
    sessions_held = models.PositiveIntegerField(default=0)
    volunteer_turns = models.PositiveIntegerField(default=0)
    volunteer_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commune", "month"], name="shift_tally_once_per_month")
        ]
        indexes = [models.Index(fields=["month", "commune"], name="shift_tally_month_commune_idx")]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.month:%m/%Y}"


class StaleMonth(models.Model):
    """A commune-month whose rows changed after its sums were taken, or may have.

    Written only by database triggers on records, shifts and attendance (migration
    reports.0005), in the writer's own transaction, for every write to a month that has ended or
    is tallied; so no writer — service, admin, `QuerySet.update()`, bulk import — can forget it.
    Readers take such a commune-month from its rows; `tallies_refresh_stale` recomputes it and
    removes the mark. `version` rises with each write, so a writer's mark holds a row lock that a
    refresh must wait for (reports.tallies explains why that keeps the sums exact).
    """

    # No database constraint: the triggers write marks while rows are deleted in any order (a
    # flush, a cascade), and a mark for a commune that is gone is harmless.
    commune = models.ForeignKey(
        "volunteers.Commune", on_delete=models.CASCADE, db_index=False, db_constraint=False, related_name="+"
    )
    month = models.DateField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["commune", "month"], name="stale_once_per_month")]
        indexes = [models.Index(fields=["month", "commune"], name="stale_month_commune_idx")]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.month:%m/%Y}"
