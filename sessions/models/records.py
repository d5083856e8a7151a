"""Records of citizens helped, their change history and citizens' contacts kept with consent."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sessions.models.catalogue import Service
from sessions.models.shifts import HelpSession
from volunteers.models import Commune, Hamlet, Volunteer
from volunteers.phones import refuse_citizen_identity
from volunteers.text import refuse_control_characters

MAX_TALLY = 10_000


class HelpRecordQuerySet(models.QuerySet):
    """Citizen-turns sum `citizen_count` over the records that count: those not deleted, in the
    month of `helped_at` in Vietnam time (docs/counting.md). A shift with such records cannot be
    cancelled and a cancelled shift takes none (sessions.services), so no join to the shift."""

    def counted(self) -> "HelpRecordQuerySet":
        return self.filter(deleted_at__isnull=True)

    def helped_between(self, start: datetime.datetime, end: datetime.datetime) -> "HelpRecordQuerySet":
        """Helped from the instant `start` up to, not including, `end`."""
        return self.filter(helped_at__gte=start, helped_at__lt=end)


class HelpRecord(models.Model):
    """Citizens helped: one citizen (a single entry) or N citizens for one service (a tally).

    No personal data by default (docs/product.md, "Citizens' personal data"): a name and phone live
    only in CitizenContact, with recorded consent. A deleted record stays, marked deleted, so the
    change history is complete.
    """

    class Outcome(models.TextChoices):
        DONE = "done", _("done")
        FOLLOW_UP = "follow_up", _("unfinished, needs follow-up")
        NOT_DONE = "not_done", _("could not be done")

    class FormOfHelp(models.TextChoices):
        ONE_TO_ONE = "one_to_one", _("one-to-one")
        CLASS = "class", _("a class")
        OUTREACH = "outreach", _("outreach")

    class Gender(models.TextChoices):
        FEMALE = "female", _("female")
        MALE = "male", _("male")
        OTHER = "other", _("other")

    class AgeBand(models.TextChoices):
        UNDER_18 = "under_18", _("under 18")
        ADULT = "18_59", _("18–59")
        SENIOR = "60_plus", _("60 and over")

    client_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    # Foreign keys here carry no index of their own: the composite indexes below cover the
    # lookups, and every index costs each insert (docs/performance.md).
    session = models.ForeignKey(HelpSession, on_delete=models.PROTECT, db_index=False, related_name="records")
    # The session's commune, copied so that monthly figures need no join (see docs/performance.md).
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, db_index=False, related_name="+", editable=False
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, db_index=False, related_name="records", verbose_name=_("service")
    )
    citizen_count = models.PositiveIntegerField(_("citizens"), default=1)
    is_tally = models.BooleanField(default=False)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.DONE)
    form_of_help = models.CharField(
        _("form of help"), max_length=12, choices=FormOfHelp.choices, default=FormOfHelp.ONE_TO_ONE
    )
    procedure = models.CharField(
        _("procedure"),
        max_length=200,
        blank=True,
        validators=[refuse_control_characters, refuse_citizen_identity],
    )
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    age_band = models.CharField(_("age"), max_length=10, choices=AgeBand.choices, blank=True)
    has_disability = models.BooleanField(_("person with a disability"), default=False)
    hamlet = models.ForeignKey(
        Hamlet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        verbose_name=_("hamlet"),
    )
    note = models.CharField(
        _("note"), max_length=300, blank=True, validators=[refuse_control_characters, refuse_citizen_identity]
    )
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="records",
        verbose_name=_("volunteer"),
    )
    helped_at = models.DateTimeField(_("helped at"), default=timezone.now)
    # An entry kept on a phone and synced later (docs/counting.md, "Entries sent from a phone"):
    # the phone's clock when it was made, as the phone said it; created_at is when it arrived.
    device_time = models.DateTimeField(_("time on the phone"), null=True, blank=True)
    # It arrived after the secretary closed its shift, within the grace period. The database has the
    # default too, so rows written without the ORM (the benchmark's COPY, an import) need not name it.
    sent_late = models.BooleanField(_("sent late"), default=False, db_default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, db_index=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, db_index=False, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
    )

    objects = HelpRecordQuerySet.as_manager()

    # What the person recording says about the help; the rest is who, where and when.
    DETAILS = [
        "service",
        "citizen_count",
        "outcome",
        "form_of_help",
        "procedure",
        "gender",
        "age_band",
        "has_disability",
        "hamlet",
        "note",
    ]

    class Meta:
        ordering = ["-helped_at", "-id"]
        verbose_name = _("record of help")
        verbose_name_plural = _("records of help")
        constraints = [
            models.CheckConstraint(
                condition=Q(citizen_count__gte=1, citizen_count__lte=MAX_TALLY),
                name="record_citizen_count_range",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "deleted_at"]),
            # Monthly figures read everything they need from this index (index-only scans).
            models.Index(
                fields=["commune", "helped_at"],
                include=["citizen_count", "service", "outcome", "age_band", "deleted_at"],
                name="record_commune_month_idx",
            ),
            models.Index(fields=["volunteer", "helped_at"]),
            models.Index(fields=["recorded_by", "session"]),
        ]

    def __str__(self):
        return f"{self.service} × {self.citizen_count}"

    def save(self, *args, **kwargs):
        if self.session_id and not self.commune_id:
            self.commune_id = self.session.commune_id
        super().save(*args, **kwargs)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class CitizenContact(models.Model):
    """A citizen's name and phone for a follow-up, kept only with consent and erased after
    `erase_after`, while the record's counts stay."""

    record = models.OneToOneField(HelpRecord, on_delete=models.CASCADE, related_name="contact")
    name = models.CharField(_("citizen's name"), max_length=100)
    phone = models.CharField(_("citizen's phone"), max_length=16, blank=True)
    consent_purpose = models.CharField(_("purpose agreed to"), max_length=200)
    consent_given_at = models.DateTimeField(_("consent given at"), default=timezone.now)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    erase_after = models.DateField(_("erase after"))

    class Meta:
        verbose_name = _("citizen contact (with consent)")
        verbose_name_plural = _("citizen contacts (with consent)")

    def __str__(self):
        return self.name


class RecordChange(models.Model):
    """Who changed a record of help, when, and how: one row per create, edit, delete or undo."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        RESTORE = "restore", _("restored")

    record = models.ForeignKey(HelpRecord, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(max_length=10, choices=Action.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("record change")
        verbose_name_plural = _("record changes")

    def __str__(self):
        return f"{self.get_action_display()} · {self.changed_at:%d/%m/%Y %H:%M}"


class ReviewEntry(models.Model):
    """An entry synced from a phone that the rules could not accept by themselves (made far outside
    its shift's hours, arrived after the grace period, or on a shift cancelled meanwhile). It is
    kept here, counting nowhere, until the secretary accepts it (it becomes a HelpRecord with the
    same client id) or rejects it. Nothing a volunteer recorded is dropped."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("undone by the volunteer")

    client_id = models.UUIDField(unique=True)
    session = models.ForeignKey(HelpSession, on_delete=models.PROTECT, related_name="review_entries")
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    citizen_count = models.PositiveIntegerField(_("citizens"), default=1)
    is_tally = models.BooleanField(default=False)
    # The record's other details as sent (outcome, form of help, hamlet id…), applied on acceptance.
    details = models.JSONField(default=dict, blank=True)
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    device_time = models.DateTimeField(_("time on the phone"), null=True, blank=True)
    made_at = models.DateTimeField(_("made at (phone clock corrected)"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    record = models.OneToOneField(
        HelpRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="review_entry"
    )

    class Meta:
        ordering = ["arrived_at", "id"]
        verbose_name = _("entry waiting for review")
        verbose_name_plural = _("entries waiting for review")
        indexes = [models.Index(fields=["session", "status"])]

    def __str__(self):
        return f"{self.service} × {self.citizen_count} ({self.get_status_display()})"
