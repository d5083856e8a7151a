"""Where a user's roles reach (their Scope), computed once per request and shared through the cache.

The rules (access/rules.py) turn a scope into query conditions; the menu asks the predicates at
the end of this module.
"""

import threading
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from volunteers.models import RoleAssignment, TeamMembership, Volunteer


@dataclass(frozen=True)
class Scope:
    """Where a user's roles reach; computed once per request."""

    user_id: int | None
    is_superuser: bool
    secretary_of: frozenset[int]
    commune_leader_of: frozenset[int]
    officer_of: frozenset[int]
    led_team_ids: frozenset[int]
    volunteer: Volunteer | None


NOBODY = Scope(None, False, frozenset(), frozenset(), frozenset(), frozenset(), None)


def scope_for(user) -> Scope:
    if not user.is_authenticated:
        return NOBODY
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
        user_id=user.pk,
        is_superuser=user.is_superuser,
        secretary_of=frozenset(by_role["secretary"]),
        commune_leader_of=frozenset(by_role["commune_leader"]),
        officer_of=frozenset(by_role["province_officer"]),
        led_team_ids=frozenset(led_team_ids),
        volunteer=volunteer,
    )


# Scopes are shared between requests and processes through the cache (Redis in production), under
# a version that every change to roles, volunteers, teams or memberships replaces once it commits
# (access/signals.py). A scope stored under an older version is never used; one read of the
# cache replaces the three queries above on every request.
#
# The cache may be down (config/cache.py answers a miss and drops writes): then scopes come from the
# database. A change made meanwhile could not replace the version, and Redis may come back with
# the old one and the scopes stored under it; so a process whose forget failed reads no scope from
# the cache, and keeps retrying the forget in the background (once a second), until one succeeds.
# Another process that never saw the outage could serve an old scope between Redis's return and
# that retry: a few seconds at most (the breaker's pause plus one), against the 15 minutes a scope
# is otherwise kept.
_VERSION_KEY = "access-scope:version"
_SCOPE_SECONDS = 15 * 60
_RETRY_SECONDS = 1.0
_forget_pending = threading.Event()
_retrying = threading.Lock()


def _scope_key(user) -> str:
    # "v2": scopes carry the user's id since the rules became query conditions; a scope pickled
    # before that must not be read back.
    return f"access-scope:v2:user:{user.pk}"


def _shared_scope(user) -> Scope:
    if _forget_pending.is_set() and not _replace_version():
        return _scope_from_database(user)
    key = _scope_key(user)
    found = cache.get_many([_VERSION_KEY, key])
    version, stored = found.get(_VERSION_KEY), found.get(key)
    if version is not None and stored is not None and stored[0] == version:
        scope = stored[1]
        # Flags of the account itself come from the row loaded for this request, not the cache.
        if scope.is_superuser == user.is_superuser:
            return scope
    if version is None:
        # A fresh or flushed cache: start a version (or, if the cache is down, nothing is stored).
        cache.add(_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(_VERSION_KEY)
    # The version was read before the database: a change committed meanwhile has replaced it, so
    # what is stored here can only be used if nothing changed.
    scope = _scope_from_database(user)
    if version is not None:
        cache.set(key, (version, scope), _SCOPE_SECONDS)
    return scope


def _replace_version() -> bool:
    """Store a new version; False if the cache did not take it (the fail-soft cache answers False)."""
    if cache.set(_VERSION_KEY, uuid.uuid4().hex, None) is False:
        return False
    _forget_pending.clear()
    return True


def _retry_forgetting() -> None:
    if not _retrying.acquire(blocking=False):
        return  # a retry loop is already running in this process
    try:
        while _forget_pending.is_set() and not _replace_version():
            time.sleep(_RETRY_SECONDS)
    finally:
        _retrying.release()


def forget_scopes() -> None:
    """Make every shared scope stale: call after a change to who may see what has committed.

    Never raises: a change to roles must be saved even while the cache is down."""
    if _replace_version():
        return
    _forget_pending.set()
    threading.Thread(target=_retry_forgetting, name="forget-access-scopes", daemon=True).start()


# What the menu shows -------------------------------------------------------------------------------


def is_volunteer(user) -> bool:
    return scope_for(user).volunteer is not None


def is_team_leader(user) -> bool:
    return bool(scope_for(user).led_team_ids)


def is_province_officer(user) -> bool:
    return bool(scope_for(user).officer_of)


def may_open_units(user) -> bool:
    """Whether the menu shows the communes' pages (secretaries, commune leaders, province officers)."""
    scope = scope_for(user)
    return bool(scope.secretary_of or scope.commune_leader_of or scope.officer_of)
