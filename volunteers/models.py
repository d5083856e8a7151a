"""Places (provinces, communes, hamlets), teams and their members, volunteers, and roles."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from volunteers.phones import display_phone
from volunteers.text import name_sort_key, normalize_name, refuse_control_characters, strip_diacritics


class VietnameseOrder(models.Func):
    """A name in Vietnamese dictionary order on every database: "Đồng Tâm" after "Dương Nội".
    PostgreSQL uses its ICU collation; SQLite the "vi" collation volunteers.apps registers."""

    output_field = models.CharField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            # Numbers set aside here, compared by value by NumberInName: "Tổ 2" before "Tổ 10".
            return f"regexp_replace({sql}, '[0-9]+', '', 'g') COLLATE \"vi-x-icu\"", params
        if connection.vendor == "sqlite":
            return f"{sql} COLLATE vi", params
        return sql, params


class NumberInName(models.Func):
    """The first number in a name, for ordering after VietnameseOrder (PostgreSQL; SQLite's "vi"
    collation compares numbers itself)."""

    output_field = models.IntegerField(null=True)

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"COALESCE(substring({sql} from '[0-9]{{1,9}}')::integer, -1)", params
        return "NULL", []


def vietnamese_order(field: str = "name") -> list:
    return [VietnameseOrder(field), NumberInName(field), field]


def in_vietnamese_order(queryset, *first):
    """`queryset` ordered by `first` fields, then by name in Vietnamese order."""
    return queryset.order_by(*first, *vietnamese_order(), "pk")


class Province(models.Model):
    """A province or centrally-run city, keyed by its official code (vietnam-provinces)."""

    code = models.PositiveIntegerField(_("code"), primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    division_type = models.CharField(_("kind"), max_length=40)

    class Meta:
        ordering = ["name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name


class Commune(models.Model):
    """A commune-level unit (xã, phường or đặc khu), keyed by its official code."""

    class Kind(models.TextChoices):
        COMMUNE = "commune", _("commune")
        WARD = "ward", _("ward")
        SPECIAL_ZONE = "special_zone", _("special zone")

    code = models.PositiveIntegerField(_("code"), primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="communes")

    class Meta:
        ordering = ["province__name", "name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self):
        return self.name

    @property
    def official_code(self) -> str:
        """The code as the state writes it: five digits, never a number with separators."""
        return f"{self.code:05d}"


class Hamlet(models.Model):
    """A village or residential group below a commune; each commune keeps its own list."""

    class Kind(models.TextChoices):
        VILLAGE = "village", _("village (thôn)")
        RESIDENTIAL_GROUP = "residential_group", _("residential group (tổ dân phố)")
        QUARTER = "quarter", _("quarter (khu phố)")
        HIGHLAND_VILLAGE = "highland_village", _("highland village (bản)")
        HAMLET = "hamlet", _("hamlet (ấp)")

    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="hamlets")
    name = models.CharField(_("name"), max_length=100, validators=[refuse_control_characters])
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.VILLAGE)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("hamlet")
        verbose_name_plural = _("hamlets")
        constraints = [
            models.UniqueConstraint(fields=["commune", "name"], name="hamlet_unique_name_in_commune"),
        ]

    def __str__(self):
        return self.name


class Team(models.Model):
    class Kind(models.TextChoices):
        SERVICE_SQUAD = "service_squad", _("online public service squad")
        COMMUNITY_DIGITAL = "community_digital", _("community digital technology team")
        DIGITAL_LITERACY = "digital_literacy", _("“Bình dân học vụ số” team")
        UNION_BRANCH = "union_branch", _("union branch")
        OTHER = "other", _("other")

    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=150, validators=[refuse_control_characters])
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    hamlet = models.ForeignKey(
        Hamlet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teams",
        verbose_name=_("hamlet"),
        help_text=_("Required for a community digital technology team."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_active", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(fields=["commune", "name"], name="team_unique_name_in_commune"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == self.Kind.COMMUNITY_DIGITAL and not self.hamlet_id:
            raise ValidationError({"hamlet": _("A community digital technology team belongs to a hamlet.")})
        if self.hamlet_id and self.commune_id and self.hamlet.commune_id != self.commune_id:
            raise ValidationError({"hamlet": _("The hamlet must be in the same commune as the team.")})


class Volunteer(models.Model):
    class Gender(models.TextChoices):
        FEMALE = "female", _("female")
        MALE = "male", _("male")
        OTHER = "other", _("other")

    full_name = models.CharField(_("full name"), max_length=100, validators=[refuse_control_characters])
    # Derived from full_name on save: the Vietnamese sort order and a key without diacritics.
    sort_key = models.CharField(max_length=200, editable=False, db_index=True)
    search_name = models.CharField(max_length=100, editable=False, db_index=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True, help_text=_("For example 0912 345 678."))
    email = models.EmailField(_("e-mail"), blank=True)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="volunteers")
    hamlet = models.ForeignKey(
        Hamlet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteers",
        verbose_name=_("hamlet"),
    )
    is_union_member = models.BooleanField(_("union member"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer",
        verbose_name=_("sign-in account"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_key", "id"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "phone"], condition=~Q(phone=""), name="volunteer_unique_phone_in_commune"
            ),
        ]
        indexes = [models.Index(fields=["commune", "is_active", "sort_key"])]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.full_name = normalize_name(self.full_name)
        self.sort_key = name_sort_key(self.full_name)
        self.search_name = strip_diacritics(self.full_name)
        if kwargs.get("update_fields") is not None and "full_name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_key", "search_name"}
        super().save(*args, **kwargs)

    def clean(self):
        if self.hamlet_id and self.commune_id and self.hamlet.commune_id != self.commune_id:
            raise ValidationError({"hamlet": _("The hamlet must be in the volunteer's commune.")})

    @property
    def phone_display(self) -> str:
        return display_phone(self.phone)


class TeamMembership(models.Model):
    """A volunteer's place in a team over time: leader, deputy or member, from joined to left."""

    class Position(models.TextChoices):
        LEADER = "leader", _("team leader")
        DEPUTY = "deputy", _("deputy")
        MEMBER = "member", _("member")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="memberships")
    position = models.CharField(
        _("position"), max_length=10, choices=Position.choices, default=Position.MEMBER
    )
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["team", "left_on", "position", "volunteer__sort_key"]
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "volunteer"],
                condition=Q(left_on__isnull=True),
                name="membership_one_current_per_team",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
            ),
        ]

    def __str__(self):
        return f"{self.volunteer} · {self.team} ({self.get_position_display()})"


class RoleAssignment(models.Model):
    """A role over a place. Volunteers and team leaders need none: see access/rules.py."""

    class Role(models.TextChoices):
        SECRETARY = "secretary", _("union secretary")
        COMMUNE_LEADER = "commune_leader", _("commune leader")
        PROVINCE_OFFICER = "province_officer", _("province officer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, null=True, blank=True, related_name="roles"
    )
    province = models.ForeignKey(
        Province, on_delete=models.CASCADE, null=True, blank=True, related_name="roles"
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role="province_officer", province__isnull=False, commune__isnull=True)
                    | (~Q(role="province_officer") & Q(commune__isnull=False, province__isnull=True))
                ),
                name="role_scoped_to_its_kind_of_place",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "commune"],
                condition=Q(commune__isnull=False),
                name="role_unique_commune",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "province"],
                condition=Q(province__isnull=False),
                name="role_unique_province",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.commune or self.province}"

    def get_additional_data(self) -> dict:
        """Where an audit entry about this role belongs (volunteers/audit.py)."""
        province = self.province_id or (self.commune.province_id if self.commune_id else None)
        return {"commune": self.commune_id, "province": province}

    def clean(self):
        if self.role == self.Role.PROVINCE_OFFICER:
            if not self.province_id or self.commune_id:
                raise ValidationError(_("A province officer's role names a province and no commune."))
        elif not self.commune_id or self.province_id:
            raise ValidationError(_("This role names a commune and no province."))
