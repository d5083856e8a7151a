"""Who may see what is cached (access/scope.py); these receivers make the cache stale.

Signals, not service calls, because roles, volunteers, teams and memberships are also changed in
Django admin and by imports: every save or delete of these rows, wherever it comes from, replaces
the scope version, at once and again when the transaction commits (a scope computed in between
from the old rows must not survive). They live here, not in volunteers, so that the domain apps
never import the access layer above them.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from access.scope import forget_scopes
from volunteers.models import RoleAssignment, Team, TeamMembership, Volunteer


def scope_rows_changed(sender, **kwargs):
    forget_scopes()
    transaction.on_commit(forget_scopes)


for model in (RoleAssignment, Volunteer, Team, TeamMembership):
    post_save.connect(scope_rows_changed, sender=model, dispatch_uid=f"scope-{model.__name__}-saved")
    post_delete.connect(scope_rows_changed, sender=model, dispatch_uid=f"scope-{model.__name__}-deleted")
