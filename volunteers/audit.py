"""The audit log (django-auditlog): who did what, when and from where. Role grants and removals
and changes to shifts are recorded by auditlog itself (registered in the apps' ready()); events
that are not a change of a row (an export downloaded, an invitation issued, a sign-in locked, a
record corrected or removed) by `audit_event`, one call each. Every entry names the commune and
province it concerns, so that each reader sees only their place's (volunteers/views.py)."""

from auditlog.models import LogEntry


def place(*, commune_id=None, province_id=None) -> dict:
    return {"commune": commune_id, "province": province_id}


def audit_event(instance, what: str, *, commune_id=None, province_id=None, **details) -> LogEntry:
    """One entry for `what` happening to `instance`, by the user of the current request."""
    return LogEntry.objects.log_create(
        instance,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        changes={"event": [None, what], **{key: [None, str(value)] for key, value in details.items()}},
        additional_data=place(commune_id=commune_id, province_id=province_id),
    )
