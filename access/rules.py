"""The access table of docs/product.md, each rule written once as a query condition.

For each kind of object there is one function `(scope, action, via) -> Q`: the objects of that kind
on which a user with this scope may do `action`. `via` is the path from another model to this
kind (a shift reaches its commune through "commune__"), so that a rule of one kind is reused inside
another and an action on a commune can be asked of the shift that is loaded. Each kind also has a
"see" rule: what the user may know exists (else 404, not 403).

Lists filter with a rule (`visible`, `communes_for`); one object is checked by annotating the same
rules on the query that loads it (`checked`), so a list and a page can never disagree.
"""

from collections.abc import Callable, Iterable
from functools import reduce
from operator import or_
from typing import TypeVar

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone

from access.scope import Scope, scope_for
from reports.models import Export
from sessions.models import Attendance, HelpRecord, HelpSession
from volunteers.models import Commune, Province, Team, Volunteer

# Actions a view may require, by the kind of object the URL names.
COMMUNE_ACTIONS = ("commune.manage", "commune.read_roster", "commune.read_reports")
TEAM_ACTIONS = ("team.view", "team.manage")
SESSION_ACTIONS = (
    "session.view",
    "session.manage",
    "session.attendance",
    "session.record",
    "session.signup",
    "session.read_records",
)
RECORD_ACTIONS = ("record.change",)
PROVINCE_ACTIONS = ("province.manage_campaigns", "province.read_reports")
EXPORT_ACTIONS = ("export.own",)
OTHER_ACTIONS = ("public", "signed_in")
ALL_ACTIONS = frozenset(
    COMMUNE_ACTIONS
    + TEAM_ACTIONS
    + SESSION_ACTIONS
    + RECORD_ACTIONS
    + PROVINCE_ACTIONS
    + EXPORT_ACTIONS
    + OTHER_ACTIONS
)

NOTHING = Q(pk__in=[])

Rule = Callable[[Scope, str, str], Q]


def _any(*conditions: Q | None) -> Q:
    """Any of the conditions; None stands for a role the user does not have."""
    present = [condition for condition in conditions if condition is not None]
    return reduce(or_, present) if present else NOTHING


def _among(via: str, field: str, ids: Iterable[int]) -> Q | None:
    ids = frozenset(ids)
    return Q(**{f"{via}{field}__in": ids}) if ids else None


def _pk(via: str) -> str:
    """The column that holds the primary key of the object `via` leads to ("session__" -> session_id)."""
    return f"{via[:-2]}_id" if via else "pk"


def _unknown(action: str):
    return ValueError(f"unknown access action {action!r}")


def commune_rule(scope: Scope, action: str, via: str = "") -> Q:
    secretary = _among(via, "pk", scope.secretary_of)
    leader = _among(via, "pk", scope.commune_leader_of)
    officer = _among(via, "province_id", scope.officer_of)
    if action == "commune.see":
        volunteer = scope.volunteer
        own_commune = _among(via, "pk", [volunteer.commune_id]) if volunteer is not None else None
        return _any(secretary, leader, officer, own_commune)
    if action == "commune.manage":
        return _any(secretary)
    if action == "commune.read_roster":
        return _any(secretary, officer)
    if action == "commune.read_reports":
        return _any(secretary, leader, officer)
    raise _unknown(action)


def team_rule(scope: Scope, action: str, via: str = "") -> Q:
    secretary = _among(via, "commune_id", scope.secretary_of)
    leads = _among(via, "pk", scope.led_team_ids)
    if action == "team.see":
        return _any(commune_rule(scope, "commune.see", f"{via}commune__"), leads)
    if action == "team.view":
        return _any(secretary, leads, _among(via, "commune__province_id", scope.officer_of))
    if action == "team.manage":
        return _any(secretary)
    raise _unknown(action)


def _own_attendance(scope: Scope, via: str, **lookups) -> Exists | None:
    """The user's own sign-up on the shift: a subquery, so that lists need no DISTINCT."""
    if scope.volunteer is None:
        return None
    return Exists(
        Attendance.objects.filter(session_id=OuterRef(_pk(via)), volunteer=scope.volunteer, **lookups)
    )


def session_rule(scope: Scope, action: str, via: str = "") -> Q:
    """Secretaries, commune leaders and province officers see all shifts of their places, team
    leaders their teams' shifts, volunteers their commune's open shifts and those they joined."""
    secretary = _among(via, "commune_id", scope.secretary_of)
    leads = _among(via, "team_id", scope.led_team_ids)
    volunteer = scope.volunteer
    if action == "session.view":
        open_for_signup = None
        if volunteer is not None:
            open_for_signup = Q(
                **{
                    f"{via}commune_id": volunteer.commune_id,
                    f"{via}status": HelpSession.Status.PLANNED,
                    f"{via}date__gte": timezone.localdate(),
                }
            )
        return _any(
            _among(via, "commune_id", scope.secretary_of | scope.commune_leader_of),
            _among(via, "commune__province_id", scope.officer_of),
            leads,
            open_for_signup,
            _q(_own_attendance(scope, via)),
        )
    if action == "session.manage":
        return _any(secretary)
    if action == "session.attendance":
        return _any(secretary, leads)
    if action == "session.record":
        return _any(secretary, leads, _q(_own_attendance(scope, via, withdrawn_at__isnull=True)))
    if action == "session.signup":
        return _any(_among(via, "commune_id", [volunteer.commune_id]) if volunteer is not None else None)
    if action == "session.read_records":
        return _any(
            session_rule(scope, "session.attendance", via),
            commune_rule(scope, "commune.read_reports", f"{via}commune__"),
        )
    raise _unknown(action)


def _q(expression) -> Q | None:
    return Q(expression) if expression is not None else None


def record_rule(scope: Scope, action: str, via: str = "") -> Q:
    """A record is seen within a shift the user sees, by the shift's secretary, commune leaders,
    province officers and team leaders, and by whoever recorded it. Changing it (correct, delete,
    undo): the secretary always; the team's leader and the recorder until the shift is closed."""
    session = f"{via}session__"
    secretary = _among(session, "commune_id", scope.secretary_of)
    leads = _among(session, "team_id", scope.led_team_ids)
    recorder = Q(**{f"{via}recorded_by_id": scope.user_id}) if scope.user_id is not None else None
    if action == "record.see":
        return session_rule(scope, "session.view", session) & _any(
            _among(session, "commune_id", scope.secretary_of | scope.commune_leader_of),
            _among(session, "commune__province_id", scope.officer_of),
            leads,
            recorder,
        )
    if action == "record.change":
        still_open = Q(**{f"{session}closed_at__isnull": True})
        return _any(secretary, still_open & _any(recorder, leads))
    raise _unknown(action)


def province_rule(scope: Scope, action: str, via: str = "") -> Q:
    if action in {"province.see", *PROVINCE_ACTIONS}:
        return _any(_among(via, "pk", scope.officer_of))
    raise _unknown(action)


def _place_in_params(key: str) -> Cast:
    return Cast(KeyTextTransform(key, OuterRef("params")), IntegerField())


def export_rule(scope: Scope, action: str, via: str = "") -> Q:
    """Only the user who asked downloads a file, and only while its place is still in their scope."""
    if action != "export.own":
        raise _unknown(action)
    if scope.user_id is None or via:
        return NOTHING
    readable_communes = commune_rule(scope, "commune.read_reports")
    place = _any(
        Q(Exists(Commune.objects.filter(readable_communes, pk=_place_in_params("commune"))))
        if readable_communes is not NOTHING
        else None,
        Q(Exists(Province.objects.filter(pk__in=scope.officer_of, pk=_place_in_params("province"))))
        if scope.officer_of
        else None,
    )
    return Q(user_id=scope.user_id) & place


RULES: dict[type[Model], Rule] = {
    Commune: commune_rule,
    Team: team_rule,
    HelpSession: session_rule,
    HelpRecord: record_rule,
    Province: province_rule,
    Export: export_rule,
}
SEE = {
    Commune: "commune.see",
    Team: "team.see",
    HelpSession: "session.view",
    HelpRecord: "record.see",
    Province: "province.see",
    Export: "export.own",
}
_KIND_OF_ACTION: dict[str, type[Model]] = {
    **dict.fromkeys(COMMUNE_ACTIONS, Commune),
    **dict.fromkeys(TEAM_ACTIONS, Team),
    **dict.fromkeys(SESSION_ACTIONS, HelpSession),
    **dict.fromkeys(RECORD_ACTIONS, HelpRecord),
    **dict.fromkeys(PROVINCE_ACTIONS, Province),
    **dict.fromkeys(EXPORT_ACTIONS, Export),
    **{see: model for model, see in SEE.items()},
}
# How an object of one kind reaches the kind an action is about.
_PATHS: dict[tuple[type[Model], type[Model]], str] = {
    (Team, Commune): "commune__",
    (HelpSession, Commune): "commune__",
    (HelpRecord, Commune): "session__commune__",
    (HelpRecord, HelpSession): "session__",
}


def condition(scope: Scope, action: str, model: type[Model]) -> Q:
    """The objects of `model` on which `action` is allowed: the action's own rule, reached
    through `model`'s path to the kind of object the action is about."""
    kind = _KIND_OF_ACTION[action]
    via = "" if kind is model else _PATHS[(model, kind)]
    return RULES[kind](scope, action, via)


def visible(user, model: type[Model]) -> QuerySet:
    """Every object of `model` the user may see: the list query of the one door."""
    return model.objects.filter(condition(scope_for(user), SEE[model], model))


def permitted(user, model: type[Model], action: str) -> QuerySet:
    """Every object of `model` on which the user may do `action`."""
    return model.objects.filter(condition(scope_for(user), action, model))


def volunteers_for_shift(user, session: HelpSession) -> QuerySet[Volunteer]:
    """The volunteers a user may see listed and assign on a shift's pages: a secretary every active
    volunteer of the commune; a team leader only the members of the teams they lead and those
    signed up for those teams' shifts (a team leader's scope is the team)."""
    scope = scope_for(user)
    active = Volunteer.objects.filter(commune_id=session.commune_id, is_active=True)
    if session.commune_id in scope.secretary_of:
        return active
    teams = list(scope.led_team_ids)
    return active.filter(
        Q(memberships__team_id__in=teams, memberships__left_on__isnull=True)
        | Q(attendances__session__team_id__in=teams, attendances__withdrawn_at__isnull=True)
    ).distinct()


def communes_for(user, action: str) -> QuerySet[Commune]:
    """The communes on which the user may do `action` (one of COMMUNE_ACTIONS)."""
    return Commune.objects.filter(condition(scope_for(user), action, Commune)).select_related("province")


def _flag(rule: Q) -> ExpressionWrapper:
    return ExpressionWrapper(rule, output_field=BooleanField())


def _column(action: str) -> str:
    return "may_" + action.replace(".", "_")


ModelT = TypeVar("ModelT", bound=Model)


def checked(user, queryset: QuerySet[ModelT], actions: Iterable[str]) -> ModelT | None:
    """The first object of `queryset`, loaded with what the user may do to it, in one query.

    None when there is no such object or the user may not see it. Otherwise the object's `allowed`
    maps each of `actions` to whether the user may do it, by the same rules that filter lists.
    """
    scope = scope_for(user)
    model = queryset.model
    actions = list(dict.fromkeys(actions))
    found = (
        queryset.annotate(
            may_see=_flag(condition(scope, SEE[model], model)),
            **{_column(action): _flag(condition(scope, action, model)) for action in actions},
        )
        .order_by()
        .first()
    )
    if found is None or not found.may_see:
        return None
    found.allowed = {action: bool(getattr(found, _column(action))) for action in actions}
    return found


def allows(user, obj: Model, action: str) -> bool:
    """Whether the user may do `action` to an object: from the flags loaded with it by `checked`
    (or the `require` decorator) when there, else by one query with the same rule."""
    allowed = getattr(obj, "allowed", None)
    if allowed is not None and action in allowed:
        return allowed[action]
    model = type(obj)
    scope = scope_for(user)
    return model.objects.filter(condition(scope, action, model), pk=obj.pk).exists()


def export_may_be_made(export: Export) -> bool:
    """Asked again when the task builds the file: the user's scope may have changed meanwhile."""
    return checked(export.user, Export.objects.filter(pk=export.pk), ["export.own"]) is not None
