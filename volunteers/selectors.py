"""Reads of the volunteers app: roster queries with the filters the secretary uses."""

from auditlog.models import LogEntry
from django.db.models import Prefetch, QuerySet

from volunteers.models import Commune, RoleAssignment, TeamMembership, Volunteer
from volunteers.text import strip_diacritics


def roster_list(
    *,
    commune: Commune,
    search: str = "",
    team_id: int | None = None,
    hamlet_id: int | None = None,
    active: bool | None = True,
) -> QuerySet[Volunteer]:
    """A commune's volunteers in Vietnamese name order; search ignores diacritics and case."""
    volunteers = Volunteer.objects.filter(commune=commune).select_related("hamlet", "user")
    for word in strip_diacritics(search).split():
        volunteers = volunteers.filter(search_name__contains=word)
    digits = "".join(ch for ch in search if ch.isdigit())
    if digits and len(digits) >= 4 and not volunteers.exists():
        volunteers = Volunteer.objects.filter(commune=commune, phone__contains=digits.lstrip("0"))
    if team_id:
        volunteers = volunteers.filter(memberships__team_id=team_id, memberships__left_on__isnull=True)
    if hamlet_id:
        volunteers = volunteers.filter(hamlet_id=hamlet_id)
    if active is not None:
        volunteers = volunteers.filter(is_active=active)
    current = TeamMembership.objects.filter(left_on__isnull=True).select_related("team")
    return volunteers.prefetch_related(
        Prefetch("memberships", queryset=current, to_attr="current_memberships")
    )


def team_members(*, team, include_past: bool = False) -> QuerySet[TeamMembership]:
    memberships = team.memberships.select_related("volunteer")
    if not include_past:
        memberships = memberships.filter(left_on__isnull=True)
    return memberships.order_by("left_on", "position", "volunteer__sort_key")


def communes_without_secretary(province) -> QuerySet[Commune]:
    """The communes of a province where nobody holds the union secretary's role yet: where
    onboarding has not reached."""
    staffed = RoleAssignment.objects.filter(role=RoleAssignment.Role.SECRETARY, commune__province=province)
    return (
        Commune.objects.filter(province=province)
        .exclude(pk__in=staffed.values("commune_id"))
        .order_by("name")
    )


def audit_entries(*, commune_id=None, province_id=None) -> QuerySet:
    """The audit log of one commune or one province, newest first (volunteers/audit.py)."""
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    if commune_id is not None:
        return entries.filter(additional_data__commune=commune_id)
    return entries.filter(additional_data__province=province_id)
