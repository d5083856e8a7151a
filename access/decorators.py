"""The decorator every view wears: `@require(action)`.

It loads the place, team, shift, record or export named in the URL together with what the user may
do to it (access/rules.py, one query) and answers 404 when the user may not see it at all, 403
when they may see it but not do this.
"""

from collections.abc import Iterable
from functools import wraps
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import FilteredRelation, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _

from access.rules import (
    ALL_ACTIONS,
    COMMUNE_ACTIONS,
    EXPORT_ACTIONS,
    PROVINCE_ACTIONS,
    RECORD_ACTIONS,
    SESSION_ACTIONS,
    TEAM_ACTIONS,
    checked,
)
from access.scope import scope_for
from reports.models import Export
from sessions.models import HelpRecord, HelpSession
from volunteers.models import Commune, Province, Team


def _with_commune_flags(obj, commune: Commune):
    """Every page under a commune shows its tabs: their flags come in the query that loaded it
    (asked for pages only; a write that renders tabs after all asks `allows`, one query a tab)."""
    if all(action in obj.allowed for action in COMMUNE_ACTIONS):
        commune.allowed = {action: obj.allowed[action] for action in COMMUNE_ACTIONS}
    return obj


def _resolve_commune(user, code: int, actions: list[str]) -> Commune:
    commune = checked(user, Commune.objects.select_related("province").filter(pk=code), actions)
    if commune is None:
        raise Http404(_("No such commune, or it is not one your account may see."))
    if not commune.allowed[actions[0]]:
        raise PermissionDenied(_("Your role in %(commune)s does not allow this.") % {"commune": commune.name})
    return commune


def _resolve_team(user, code: int, team_id: int, actions: list[str]) -> Team:
    teams = Team.objects.select_related("commune__province", "hamlet").filter(pk=team_id, commune_id=code)
    team = checked(user, teams, actions)
    if team is None:
        raise Http404(_("No such team, or it is not one your account may see."))
    if not team.allowed[actions[0]]:
        raise PermissionDenied(
            _("Your role does not allow this for the team %(team)s.") % {"team": team.name}
        )
    return _with_commune_flags(team, team.commune)


def _resolve_session(user, code: int, session_id: int, actions: list[str], *, page: bool) -> HelpSession:
    sessions = HelpSession.objects.select_related("commune").filter(pk=session_id, commune_id=code)
    volunteer = scope_for(user).volunteer
    if volunteer is not None and page:
        # The user's own sign-up comes in the same query, for the shift's page (writes need none).
        sessions = sessions.annotate(
            own_attendance=FilteredRelation("attendances", condition=Q(attendances__volunteer=volunteer))
        ).select_related("own_attendance")
    session = checked(user, sessions, actions)
    if session is None:
        raise Http404(_("No such shift, or it is not one your account may see."))
    if not session.allowed[actions[0]]:
        raise PermissionDenied(_("Your role does not allow this for this shift."))
    # Django leaves the attribute unset when the user has no sign-up on the shift (or on a write).
    own = getattr(session, "own_attendance", None)
    session.my_attendance = own if own is not None and own.withdrawn_at is None else None
    return _with_commune_flags(session, session.commune)


def _resolve_record(user, code: int, session_id: int, record_id: int, actions: list[str]) -> HelpRecord:
    records = HelpRecord.objects.select_related("service", "session__commune").filter(
        pk=record_id, session_id=session_id, session__commune_id=code
    )
    record = checked(user, records, actions)
    if record is None:
        raise Http404(_("No such record, or it is not one your account may see."))
    if not record.allowed[actions[0]]:
        if record.session.is_closed:
            raise PermissionDenied(
                _("The shift has been closed by the secretary; its records can no longer be changed.")
            )
        raise PermissionDenied(_("You may change only the records you made yourself."))
    return _with_commune_flags(record, record.session.commune)


def _resolve_province(user, province_code: int, actions: list[str]) -> Province:
    province = checked(user, Province.objects.filter(pk=province_code), actions)
    if province is None or not province.allowed[actions[0]]:
        raise Http404(_("No such province, or it is not one your account may see."))
    return province


def _resolve_export(user, export_id, actions: list[str]) -> Export:
    export = checked(user, Export.objects.filter(pk=export_id), actions)
    if export is None:
        raise Http404(_("No such file, or it is not one your account asked for."))
    return export


def _resolve(request, action: str, also: tuple[str, ...], kwargs: dict) -> None:
    user = request.user
    actions = [action, *also]
    # Pages show the commune's tabs; writes (a tap, a sync) render none, and each rule annotated on
    # the query costs the ORM time to build, so only pages ask for the tabs' flags.
    tabs = COMMUNE_ACTIONS if request.method in ("GET", "HEAD") else ()
    if action in COMMUNE_ACTIONS:
        kwargs["commune"] = _resolve_commune(user, kwargs.pop("code"), [*actions, *tabs])
    elif action in TEAM_ACTIONS:
        team_actions = [*actions, *tabs]
        kwargs["team"] = _resolve_team(user, kwargs.pop("code"), kwargs.pop("team_id"), team_actions)
    elif action in SESSION_ACTIONS:
        session_actions = [*actions, *tabs]
        kwargs["session"] = _resolve_session(
            user, kwargs.pop("code"), kwargs.pop("session_id"), session_actions, page=bool(tabs)
        )
    elif action in RECORD_ACTIONS:
        kwargs["record"] = _resolve_record(
            user,
            kwargs.pop("code"),
            kwargs.pop("session_id"),
            kwargs.pop("record_id"),
            [*actions, *tabs],
        )
    elif action in PROVINCE_ACTIONS:
        kwargs["province"] = _resolve_province(user, kwargs.pop("province_code"), actions)
    elif action in EXPORT_ACTIONS:
        kwargs["export"] = _resolve_export(user, kwargs.pop("export_id"), actions)


def require(action: str, *, also: Iterable[str] = ()):
    """Declare and enforce a view's access rule.

    Commune actions turn the URL's `code` into `commune`; team actions `code` and `team_id` into
    `team`; session actions `code` and `session_id` into `session`; record actions add `record_id`
    and give `record`; province actions turn `province_code` into `province`; export actions
    `export_id` into `export`. The object's `allowed` says whether the user may do each of the
    actions in `also` (the page's buttons), and the commune's `allowed` each commune action (its
    tabs). Objects further down the URL are looked up inside that place by the view.
    """
    also = tuple(also)
    unknown = {action, *also} - ALL_ACTIONS
    if unknown:
        raise ValueError(f"unknown access action {sorted(unknown)!r}")

    def decorator(view):
        if action == "public":
            view.access_action = action
            return view

        @wraps(view)
        def guarded(request, *args, **kwargs):
            _resolve(request, action, also, kwargs)
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


def to_own_province(request, url_name: str, not_an_officer: str):
    """The menu's links to a province page: the page `url_name` of the first province the user is
    an officer of, or home saying `not_an_officer` when they are an officer of none."""
    provinces = sorted(scope_for(request.user).officer_of)
    if not provinces:
        messages.info(request, not_an_officer)
        return redirect("home")
    return redirect(url_name, province_code=provinces[0])
