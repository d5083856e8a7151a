"""Writes about shifts: planning, cancelling and closing them, sign-ups and attendance.

Each function is one transaction; a refused write raises SessionError with a message for the user
and leaves nothing half-written.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sessions.models import (
    Attendance,
    HelpSession,
)
from volunteers.models import Volunteer

MAX_SESSIONS_PER_BATCH = 500


class SessionError(Exception):
    """A write refused for a reason the user can act on; str() is the message to show."""


# Shifts -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    starts_at: datetime.time
    ends_at: datetime.time


def session_create_batch(
    *,
    template: HelpSession,
    first_day: datetime.date,
    last_day: datetime.date,
    slots: list[Slot],
    weekdays: set[int] | None = None,
    created_by,
) -> list[HelpSession]:
    """Create one shift per day and slot, copying place, team, campaign and needs from template."""
    days = []
    day = first_day
    while day <= last_day:
        if not weekdays or day.weekday() in weekdays:
            days.append(day)
        day += datetime.timedelta(days=1)
    if not days:
        raise SessionError(_("No day in this range matches the chosen weekdays."))
    if len(days) * len(slots) > MAX_SESSIONS_PER_BATCH:
        raise SessionError(
            _("That would create %(count)s shifts; create at most %(max)s at a time.")
            % {"count": len(days) * len(slots), "max": MAX_SESSIONS_PER_BATCH}
        )
    campaign = template.campaign
    if campaign is not None and (days[0] < campaign.starts_on or days[-1] > campaign.ends_on):
        raise SessionError(
            _("The shifts must fall inside the campaign “%(campaign)s” (%(start)s–%(end)s).")
            % {
                "campaign": campaign.name,
                "start": f"{campaign.starts_on:%d/%m/%Y}",
                "end": f"{campaign.ends_on:%d/%m/%Y}",
            }
        )
    sessions = []
    with transaction.atomic():
        for day in days:
            for slot in slots:
                session = HelpSession(
                    commune=template.commune,
                    team=template.team,
                    campaign=template.campaign,
                    place_kind=template.place_kind,
                    hamlet=template.hamlet,
                    address=template.address,
                    date=day,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    volunteers_needed=template.volunteers_needed,
                    notes=template.notes,
                    created_by=created_by,
                )
                session.full_clean()
                sessions.append(session)
        HelpSession.objects.bulk_create(sessions)
    return sessions


@transaction.atomic
def session_update(*, session: HelpSession) -> HelpSession:
    """Save an edited shift; present volunteers' hours follow its new times."""
    session.save()
    for attendance in session.attendances.select_for_update().filter(present=True):
        attendance.session = session
        attendance.save()
    return session


@transaction.atomic
def session_cancel(*, session: HelpSession) -> HelpSession:
    # The same row lock as record_create: no entry can slip in between the check and the save.
    session = HelpSession.objects.select_for_update().get(pk=session.pk)
    if session.is_closed:
        raise SessionError(_("A closed shift cannot be cancelled."))
    if session.records.counted().exists():
        raise SessionError(_("Citizens were already recorded on this shift; it cannot be cancelled."))
    if session.attendances.filter(present=True).exists():
        raise SessionError(_("Volunteers were marked present on this shift; it cannot be cancelled."))
    session.status = HelpSession.Status.CANCELLED
    session.save(update_fields=["status", "updated_at"])
    return session


@transaction.atomic
def session_restore(*, session: HelpSession) -> HelpSession:
    """Undo a cancellation: the shift is planned again, with its sign-ups as they were."""
    session = HelpSession.objects.select_for_update().get(pk=session.pk)
    if not session.is_cancelled:
        raise SessionError(_("This shift is not cancelled."))
    session.status = HelpSession.Status.PLANNED
    session.save(update_fields=["status"])
    return session


def unmarked_signups(session: HelpSession):
    """Volunteers signed up (or assigned) and not withdrawn whose attendance is not marked: closing
    the shift now would leave their hours out."""
    return (
        session.attendances.filter(withdrawn_at__isnull=True, present__isnull=True)
        .select_related("volunteer")
        .order_by("volunteer__sort_key")
    )


@transaction.atomic
def session_close(*, session: HelpSession, closed_by) -> HelpSession:
    """Close a shift after attendance is marked: it counts as held, and volunteers can no longer
    change its records."""
    session = HelpSession.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled:
        raise SessionError(_("This shift was cancelled; there is nothing to close."))
    if session.is_closed:
        return session
    session.status = HelpSession.Status.HELD
    session.closed_at = timezone.now()
    session.closed_by = closed_by
    session.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
    return session


def session_reopen(*, session: HelpSession) -> HelpSession:
    session.closed_at = None
    session.closed_by = None
    session.save(update_fields=["closed_at", "closed_by", "updated_at"])
    return session


# Sign-up and attendance -----------------------------------------------------------------------------


def check_open(session: HelpSession) -> None:
    if session.is_cancelled:
        raise SessionError(_("This shift was cancelled."))
    if session.is_closed:
        raise SessionError(_("This shift has been closed by the secretary."))


@transaction.atomic
def signup(*, session: HelpSession, volunteer: Volunteer, assigned_by=None) -> Attendance:
    check_open(session)
    if volunteer.commune_id != session.commune_id:
        raise SessionError(
            _("Only volunteers of %(commune)s can take this shift.") % {"commune": session.commune}
        )
    if not volunteer.is_active:
        raise SessionError(_("%(name)s is no longer active.") % {"name": volunteer.full_name})
    if assigned_by is None and session.date < timezone.localdate():
        raise SessionError(_("This shift is over; ask the secretary to add you."))
    attendance, created = Attendance.objects.get_or_create(
        session=session, volunteer=volunteer, defaults={"assigned_by": assigned_by}
    )
    if not created and attendance.withdrawn_at is not None:
        attendance.withdrawn_at = None
        attendance.assigned_by = assigned_by
        attendance.save()
    return attendance


@transaction.atomic
def withdraw(*, session: HelpSession, volunteer: Volunteer) -> None:
    check_open(session)
    attendance = session.attendances.select_for_update().filter(volunteer=volunteer).first()
    if attendance is None or attendance.withdrawn_at:
        return
    if attendance.present:
        raise SessionError(_("You were marked present on this shift; ask the secretary to change that."))
    if session.records.counted().filter(volunteer=volunteer).exists():
        raise SessionError(_("You have recorded citizens on this shift, so you cannot withdraw from it."))
    attendance.withdrawn_at = timezone.now()
    attendance.save()


@dataclass(frozen=True)
class Mark:
    volunteer_id: int
    present: bool | None
    arrived_at: datetime.time | None = None
    left_at: datetime.time | None = None


@transaction.atomic
def attendance_mark(*, session: HelpSession, marks: list[Mark], marked_by) -> list[Attendance]:
    """Record who was present and correct their times. Anyone marked present counts as signed up."""
    if session.is_cancelled:
        raise SessionError(_("This shift was cancelled."))
    if session.is_closed:
        raise SessionError(_("This shift has been closed; reopen it to change attendance."))
    if session.date > timezone.localdate():
        raise SessionError(_("Attendance is marked on or after the day of the shift."))
    volunteers = {v.pk: v for v in Volunteer.objects.filter(pk__in=[m.volunteer_id for m in marks])}
    saved = []
    for mark in marks:
        volunteer = volunteers.get(mark.volunteer_id)
        if volunteer is None or volunteer.commune_id != session.commune_id:
            raise SessionError(_("Only volunteers of this commune can be marked on its shifts."))
        arrived = mark.arrived_at or session.starts_at
        left = mark.left_at or session.ends_at
        if mark.present and left <= arrived:
            raise SessionError(
                _("%(name)s: the time of leaving must be after the time of arriving.")
                % {"name": volunteer.full_name}
            )
        attendance, _created = Attendance.objects.select_for_update().get_or_create(
            session=session, volunteer=volunteer, defaults={"assigned_by": marked_by}
        )
        attendance.withdrawn_at = None if mark.present else attendance.withdrawn_at
        attendance.present = mark.present
        attendance.arrived_at = mark.arrived_at
        attendance.left_at = mark.left_at
        attendance.marked_by = marked_by
        attendance.marked_at = timezone.now()
        attendance.session = session
        attendance.save()
        saved.append(attendance)
    if any(mark.present for mark in marks) and session.status == HelpSession.Status.PLANNED:
        session.status = HelpSession.Status.HELD
        session.save(update_fields=["status", "updated_at"])
    return saved
