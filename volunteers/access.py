"""The one door for access: what a user may see and change.

Every view, htmx fragment, export and task asks this module. The rules are DESIGN.md's table:

- volunteer (a Volunteer linked to the account): self; sign-ups and own records;
- team leader (a current leader or deputy membership): the team's sessions and records;
- union secretary (RoleAssignment, commune): everything of that commune;
- commune leader (RoleAssignment, commune): dashboards and reports of that commune, read-only;
- province officer (RoleAssignment, province): dashboards of all its communes, rosters read-only.

Views declare an action with `@require(action)`; the decorator resolves the place, shift or record
named in the URL and answers 404 when the user may not see it at all, 403 when they may see it but
not do this. Tasks and exports use the same functions (`sessions_visible`, `records_visible`, …).
"""

import uuid
from dataclasses import dataclass
from functools import wraps
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import FilteredRelation, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _

from volunteers.models import Commune, RoleAssignment, Team, TeamMembership, Volunteer

# Actions over a commune, and which roles grant them.
COMMUNE_ACTIONS = {
    "commune.manage": {"secretary"},
    "commune.read_roster": {"secretary", "province_officer"},
    "commune.read_reports": {"secretary", "commune_leader", "province_officer"},
}
TEAM_ACTIONS = {"team.view", "team.manage"}
SESSION_ACTIONS = {"session.view", "session.manage", "session.attendance", "session.record", "session.signup"}
RECORD_ACTIONS = {"record.change"}
PROVINCE_ACTIONS = {"province.manage_campaigns", "province.read_reports"}
EXPORT_ACTIONS = {"export.own"}
OTHER_ACTIONS = {"public", "signed_in"}
ALL_ACTIONS = (
    set(COMMUNE_ACTIONS) | TEAM_ACTIONS | SESSION_ACTIONS | RECORD_ACTIONS | PROVINCE_ACTIONS | EXPORT_ACTIONS
) | OTHER_ACTIONS


@dataclass(frozen=True)
class Scope:
    """Where a user's roles reach; computed once per request."""

    is_superuser: bool
    secretary_of: frozenset[int]
    commune_leader_of: frozenset[int]
    officer_of: frozenset[int]
    led_team_ids: frozenset[int]
    volunteer: Volunteer | None


def scope_for(user) -> Scope:
    if not user.is_authenticated:
        return Scope(False, frozenset(), frozenset(), frozenset(), frozenset(), None)
    cached = getattr(user, "_access_scope", None)
    if cached is not None:
        return cached
    scope = _shared_scope(user) if settings.ACCESS_SCOPE_CACHE else _scope_from_database(user)
    user._access_scope = scope
    return scope


def _scope_from_database(user) -> Scope:
    by_role: dict[str, set[int]] = {role: set() for role in RoleAssignment.Role.values}
    for role, commune_id, province_id in RoleAssignment.objects.filter(user=user).values_list(
        "role", "commune_id", "province_id"
    ):
        by_role[role].add(commune_id or province_id)
    volunteer = Volunteer.objects.filter(user=user, is_active=True).select_related("commune").first()
    led_team_ids: set[int] = set()
    if volunteer is not None:
        led_team_ids = set(
            TeamMembership.objects.filter(
                volunteer=volunteer,
                left_on__isnull=True,
                position__in=[TeamMembership.Position.LEADER, TeamMembership.Position.DEPUTY],
                team__is_active=True,
            ).values_list("team_id", flat=True)
        )
    return Scope(
        is_superuser=user.is_superuser,
        secretary_of=frozenset(by_role["secretary"]),
        commune_leader_of=frozenset(by_role["commune_leader"]),
        officer_of=frozenset(by_role["province_officer"]),
        led_team_ids=frozenset(led_team_ids),
        volunteer=volunteer,
    )


# Scopes are shared between requests and processes through the cache (Redis in production), under
# a version that every change to roles, volunteers, teams or memberships replaces once it commits
# (volunteers/signals.py). A scope stored under an older version is never used; one read of the
# cache replaces the three queries above on every request.
_VERSION_KEY = "access-scope:version"
_SCOPE_SECONDS = 15 * 60


def _scope_key(user) -> str:
    return f"access-scope:user:{user.pk}"


def _shared_scope(user) -> Scope:
    key = _scope_key(user)
    found = cache.get_many([_VERSION_KEY, key])
    version, stored = found.get(_VERSION_KEY), found.get(key)
    if version is not None and stored is not None and stored[0] == version:
        scope = stored[1]
        # Flags of the account itself come from the row loaded for this request, not the cache.
        if scope.is_superuser == user.is_superuser:
            return scope
    if version is None:
        # A fresh or flushed cache: start a version.
        cache.add(_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(_VERSION_KEY)
    # The version was read before the database: a change committed meanwhile has replaced it, so
    # what is stored here can only be used if nothing changed.
    scope = _scope_from_database(user)
    cache.set(key, (version, scope), _SCOPE_SECONDS)
    return scope


def forget_scopes() -> None:
    """Make every shared scope stale: call after a change to who may see what has committed."""
    cache.set(_VERSION_KEY, uuid.uuid4().hex, None)


# Communes ---------------------------------------------------------------------------------------


def _commune_filter(scope: Scope, roles: set[str]) -> Q:
    condition = Q(pk__in=[])
    if "secretary" in roles:
        condition |= Q(pk__in=scope.secretary_of)
    if "commune_leader" in roles:
        condition |= Q(pk__in=scope.commune_leader_of)
    if "province_officer" in roles:
        condition |= Q(province_id__in=scope.officer_of)
    return condition


def communes_for(user, action: str) -> QuerySet[Commune]:
    """The communes on which the user may do `action` (one of COMMUNE_ACTIONS)."""
    scope = scope_for(user)
    return Commune.objects.filter(_commune_filter(scope, COMMUNE_ACTIONS[action])).select_related("province")


def commune_allows(user, commune: Commune, action: str) -> bool:
    scope = scope_for(user)
    roles = COMMUNE_ACTIONS[action]
    return (
        ("secretary" in roles and commune.pk in scope.secretary_of)
        or ("commune_leader" in roles and commune.pk in scope.commune_leader_of)
        or ("province_officer" in roles and commune.province_id in scope.officer_of)
    )


def commune_is_visible(user, commune: Commune) -> bool:
    """Whether the user may know this commune's pages exist (else: 404, not 403)."""
    scope = scope_for(user)
    return (
        commune.pk in scope.secretary_of
        or commune.pk in scope.commune_leader_of
        or commune.province_id in scope.officer_of
        or (scope.volunteer is not None and scope.volunteer.commune_id == commune.pk)
    )


# Teams and volunteers -----------------------------------------------------------------------------


def team_allows(user, team: Team, action: str) -> bool:
    scope = scope_for(user)
    if team.commune_id in scope.secretary_of:
        return True
    if action == "team.view":
        return team.pk in scope.led_team_ids or team.commune.province_id in scope.officer_of
    return False


def volunteers_visible(user) -> QuerySet[Volunteer]:
    """Rosters: secretaries their commune, province officers their province (read-only),
    team leaders the members of their teams, and everyone themselves."""
    scope = scope_for(user)
    condition = Q(commune_id__in=scope.secretary_of) | Q(commune__province_id__in=scope.officer_of)
    if scope.led_team_ids:
        condition |= Q(memberships__team_id__in=scope.led_team_ids, memberships__left_on__isnull=True)
    if scope.volunteer is not None:
        condition |= Q(pk=scope.volunteer.pk)
    return Volunteer.objects.filter(condition).distinct()


# Help sessions and records of help ------------------------------------------------------------------


def sessions_visible(user) -> QuerySet:
    """Secretaries, commune leaders and province officers: all sessions of their places; team
    leaders: their teams' sessions; volunteers: their commune's open shifts and their own."""
    from sessions.models import HelpSession

    scope = scope_for(user)
    condition = (
        Q(commune_id__in=scope.secretary_of | scope.commune_leader_of)
        | Q(commune__province_id__in=scope.officer_of)
        | Q(team_id__in=scope.led_team_ids)
    )
    if scope.volunteer is not None:
        condition |= Q(
            commune_id=scope.volunteer.commune_id,
            status=HelpSession.Status.PLANNED,
            date__gte=timezone.localdate(),
        )
        condition |= Q(attendances__volunteer=scope.volunteer)
    return HelpSession.objects.filter(condition).distinct()


def _own_attendance(user, session):
    """The user's attendance row on this shift (withdrawn or not), looked up once per object."""
    scope = scope_for(user)
    if scope.volunteer is None:
        return None
    cache = session.__dict__.setdefault("_attendance_by_volunteer", {})
    if scope.volunteer.pk not in cache:
        cache[scope.volunteer.pk] = session.attendances.filter(volunteer=scope.volunteer).first()
    return cache[scope.volunteer.pk]


def active_attendance(user, session):
    attendance = _own_attendance(user, session)
    return attendance if attendance is not None and attendance.withdrawn_at is None else None


def session_allows(user, session, action: str) -> bool:
    scope = scope_for(user)
    is_secretary = session.commune_id in scope.secretary_of
    leads_team = session.team_id is not None and session.team_id in scope.led_team_ids
    if action == "session.view":
        # The same rule as sessions_visible(), decided without a query where the roles suffice.
        if is_secretary or leads_team or session.commune_id in scope.commune_leader_of:
            return True
        if scope.officer_of and session.commune.province_id in scope.officer_of:
            return True
        volunteer = scope.volunteer
        if volunteer is None:
            return False
        if (
            volunteer.commune_id == session.commune_id
            and session.status == "planned"
            and session.date >= timezone.localdate()
        ):
            return True
        return _own_attendance(user, session) is not None
    if action == "session.manage":
        return is_secretary
    if action == "session.attendance":
        return is_secretary or leads_team
    if action == "session.record":
        return is_secretary or leads_team or active_attendance(user, session) is not None
    if action == "session.signup":
        return scope.volunteer is not None and scope.volunteer.commune_id == session.commune_id
    raise ValueError(action)


def records_visible(user) -> QuerySet:
    from sessions.models import HelpRecord

    scope = scope_for(user)
    condition = (
        Q(session__commune_id__in=scope.secretary_of | scope.commune_leader_of)
        | Q(session__commune__province_id__in=scope.officer_of)
        | Q(session__team_id__in=scope.led_team_ids)
        | Q(recorded_by=user)
    )
    return HelpRecord.objects.filter(condition)


def record_allows(user, record, action: str) -> bool:
    """Change (correct, delete, undo): the secretary always; the session team's leader and the
    volunteer who recorded it until the secretary closes the session."""
    scope = scope_for(user)
    session = record.session
    if session.commune_id in scope.secretary_of:
        return True
    if session.is_closed:
        return False
    return record.recorded_by_id == user.pk or (
        session.team_id is not None and session.team_id in scope.led_team_ids
    )


def province_allows(user, province_code: int, action: str) -> bool:
    return province_code in scope_for(user).officer_of


def is_volunteer(user) -> bool:
    return scope_for(user).volunteer is not None


def is_province_officer(user) -> bool:
    return bool(scope_for(user).officer_of)


def may_open_units(user) -> bool:
    """Whether the menu shows the communes' pages (secretaries, commune leaders, province officers)."""
    scope = scope_for(user)
    return bool(scope.secretary_of or scope.commune_leader_of or scope.officer_of)


# The decorator every view wears -------------------------------------------------------------------


def _resolve_commune(user, code: int, action: str) -> Commune:
    commune = Commune.objects.select_related("province").filter(pk=code).first()
    if commune is None or not commune_is_visible(user, commune):
        raise Http404(_("No such commune, or it is not one your account may see."))
    if not commune_allows(user, commune, action):
        raise PermissionDenied(_("Your role in %(commune)s does not allow this.") % {"commune": commune.name})
    return commune


def _resolve_team(user, code: int, team_id: int, action: str) -> Team:
    team = (
        Team.objects.select_related("commune__province", "hamlet").filter(pk=team_id, commune_id=code).first()
    )
    if team is None or not (
        commune_is_visible(user, team.commune) or team.pk in scope_for(user).led_team_ids
    ):
        raise Http404(_("No such team, or it is not one your account may see."))
    if not team_allows(user, team, action):
        raise PermissionDenied(
            _("Your role does not allow this for the team %(team)s.") % {"team": team.name}
        )
    return team


def _resolve_session(user, code: int, session_id: int, action: str):
    from sessions.models import HelpSession

    sessions = HelpSession.objects.select_related("commune").filter(pk=session_id, commune_id=code)
    volunteer = scope_for(user).volunteer
    if volunteer is not None:
        # The user's own sign-up comes in the same query: most rules for a volunteer ask for it.
        sessions = sessions.annotate(
            own_attendance=FilteredRelation("attendances", condition=Q(attendances__volunteer=volunteer))
        ).select_related("own_attendance")
    session = sessions.order_by().first()
    if session is not None and volunteer is not None:
        # Django leaves the attribute unset when the user has no sign-up on the shift.
        own = getattr(session, "own_attendance", None)
        session.__dict__.setdefault("_attendance_by_volunteer", {})[volunteer.pk] = own
    if session is None or not session_allows(user, session, "session.view"):
        raise Http404(_("No such shift, or it is not one your account may see."))
    if not session_allows(user, session, action):
        raise PermissionDenied(_("Your role does not allow this for this shift."))
    return session


def _resolve_record(user, code: int, session_id: int, record_id: int, action: str):
    session = _resolve_session(user, code, session_id, "session.view")
    record = session.records.select_related("service", "session").filter(pk=record_id).first()
    if record is None or not records_visible(user).filter(pk=record.pk).exists():
        raise Http404(_("No such record, or it is not one your account may see."))
    if not record_allows(user, record, action):
        if session.is_closed:
            raise PermissionDenied(
                _("The shift has been closed by the secretary; its records can no longer be changed.")
            )
        raise PermissionDenied(_("You may change only the records you made yourself."))
    return record


def _resolve_province(user, province_code: int, action: str):
    from volunteers.models import Province

    province = Province.objects.filter(pk=province_code).first()
    if province is None or not province_allows(user, province_code, action):
        raise Http404(_("No such province, or it is not one your account may see."))
    return province


def export_allows(user, export) -> bool:
    """Only the user who asked downloads a file, and only while the place is still in their scope."""
    if export.user_id != user.pk:
        return False
    params = export.params
    if params.get("commune"):
        commune = Commune.objects.filter(pk=params["commune"]).first()
        return commune is not None and commune_allows(user, commune, "commune.read_reports")
    if params.get("province"):
        return province_allows(user, int(params["province"]), "province.read_reports")
    return False


def _resolve_export(user, export_id, action: str):
    from reports.models import Export

    export = Export.objects.filter(pk=export_id).first()
    if export is None or not export_allows(user, export):
        raise Http404(_("No such file, or it is not one your account asked for."))
    return export


def require(action: str):
    """Declare and enforce a view's access rule.

    Commune actions turn the URL's `code` into `commune`; team actions `code` and `team_id` into
    `team`; session actions `code` and `session_id` into `session`; record actions add `record_id`
    and give `record`; province actions turn `province_code` into `province`. Objects further down
    the URL are looked up inside that place by the view.
    """
    if action not in ALL_ACTIONS:
        raise ValueError(f"unknown access action {action!r}")

    def decorator(view):
        if action == "public":
            view.access_action = action
            return view

        @wraps(view)
        def guarded(request, *args, **kwargs):
            if action in COMMUNE_ACTIONS:
                kwargs["commune"] = _resolve_commune(request.user, kwargs.pop("code"), action)
            elif action in TEAM_ACTIONS:
                kwargs["team"] = _resolve_team(
                    request.user, kwargs.pop("code"), kwargs.pop("team_id"), action
                )
            elif action in SESSION_ACTIONS:
                kwargs["session"] = _resolve_session(
                    request.user, kwargs.pop("code"), kwargs.pop("session_id"), action
                )
            elif action in RECORD_ACTIONS:
                kwargs["record"] = _resolve_record(
                    request.user,
                    kwargs.pop("code"),
                    kwargs.pop("session_id"),
                    kwargs.pop("record_id"),
                    action,
                )
            elif action in PROVINCE_ACTIONS:
                kwargs["province"] = _resolve_province(request.user, kwargs.pop("province_code"), action)
            elif action in EXPORT_ACTIONS:
                kwargs["export"] = _resolve_export(request.user, kwargs.pop("export_id"), action)
            return view(request, *args, **kwargs)

        signed_in_only = login_required(guarded)

        @wraps(view)
        def protected(request, *args, **kwargs):
            if request.headers.get("HX-Request") and not request.user.is_authenticated:
                # htmx would follow the redirect and swap the sign-in page into a fragment (or,
                # with hx-swap="none", show nothing): make the browser go to sign in instead.
                current = request.headers.get("HX-Current-URL") or request.get_full_path()
                response = HttpResponse(status=401)
                response["HX-Redirect"] = f"{resolve_url(settings.LOGIN_URL)}?next={quote(current)}"
                return response
            return signed_in_only(request, *args, **kwargs)

        protected.access_action = action
        return protected

    return decorator


def mark_public(view):
    """For views we do not write (sign-in, language switch): declare them open to everyone."""
    view.access_action = "public"
    return view


def mark_signed_in(view):
    """For views we do not write that Django already guards with login_required."""
    protected = login_required(view)
    protected.access_action = "signed_in"
    return protected
