"""Services, campaigns, help sessions (shifts), attendance, and the records of citizens helped."""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from volunteers.models import Commune, Hamlet, Province, Team, Volunteer

MAX_TALLY = 10_000


class Bilingual(models.Model):
    """A name in Vietnamese and English; `name` follows the active language."""

    name_vi = models.CharField(_("name (Vietnamese)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


class ServiceCategory(Bilingual):
    code = models.SlugField(_("code"), max_length=40, unique=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")


class Service(Bilingual):
    """A kind of help. Retire (is_active=False) rather than delete: records keep pointing at it."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="services")
    asks_procedure = models.BooleanField(
        _("asks which procedure"),
        default=False,
        help_text=_("Records of this service name the procedure filed."),
    )

    class Meta:
        ordering = ["category__order", "order", "id"]
        verbose_name = _("service")
        verbose_name_plural = _("services")


class PlaceKind(models.TextChoices):
    SERVICE_CENTRE = "service_centre", _("Public administration service centre")
    ONE_STOP_DESK = "one_stop_desk", _("One-stop desk")
    POLICE_STATION = "police_station", _("Commune/ward police station")
    COMMUNE_HALL = "commune_hall", _("Commune hall")
    CULTURAL_HOUSE = "cultural_house", _("Village cultural house")
    DOOR_TO_DOOR = "door_to_door", _("Door to door")
    SCHOOL = "school", _("School")
    MARKET = "market", _("Market")
    ONLINE = "online", _("Online")


class Campaign(models.Model):
    """A peak period with targets, over one commune or a whole province."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
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
    label = models.CharField(_("target"), max_length=200)
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
    address = models.CharField(_("address"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("to"))
    volunteers_needed = models.PositiveIntegerField(_("volunteers needed"), default=2)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

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
        return f"{self.get_place_kind_display()} · {self.date:%d/%m/%Y} {self.time_range}"

    @property
    def time_range(self) -> str:
        return f"{self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

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


def _minutes_between(start: datetime.time, end: datetime.time) -> int:
    return max(0, (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute))


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


class HelpRecord(models.Model):
    """Citizens helped: one citizen (a single entry) or N citizens for one service (a tally).

    No personal data by default (DESIGN.md): a name and phone live only in CitizenContact, with
    recorded consent. A deleted record stays, marked deleted, so the change history is complete.
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
    procedure = models.CharField(_("procedure"), max_length=200, blank=True)
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
    note = models.CharField(_("note"), max_length=300, blank=True)
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
