"""Calendar feeds, and self check-in at the desk by scanning the shift's QR code."""

import datetime
import secrets
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sessions.models import Attendance, CalendarFeed, HelpSession
from sessions.services.shifts import SessionError, check_open
from volunteers.models import Commune, TeamMembership, Volunteer

# The code at the desk works from this long before the shift starts until it ends.
CHECK_IN_OPENS = datetime.timedelta(minutes=30)
# A second scan this soon after the first is the same scan (a shaky hand, a reload), not a check-out.
SAME_SCAN = datetime.timedelta(seconds=60)


def calendar_feed_get_or_create(*, user, commune: Commune | None = None) -> CalendarFeed:
    """The user's feed of their own shifts, or of a commune's shifts; made on first use."""
    kind = CalendarFeed.Kind.COMMUNE if commune else CalendarFeed.Kind.MY_SHIFTS
    feed = CalendarFeed.objects.filter(user=user, kind=kind, commune=commune, revoked_at__isnull=True).first()
    return feed or CalendarFeed.objects.create(user=user, kind=kind, commune=commune)


def calendar_feed_revoke(*, feed: CalendarFeed) -> None:
    """The address stops working at once and for good; the next one is a new address."""
    CalendarFeed.objects.filter(pk=feed.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def checkin_code_for(session: HelpSession) -> str:
    """The shift's check-in secret, made the first time its code is printed."""
    if not session.checkin_code:
        code = secrets.token_urlsafe(12)
        HelpSession.objects.filter(pk=session.pk, checkin_code="").update(checkin_code=code)
        session.checkin_code = HelpSession.objects.values_list("checkin_code", flat=True).get(pk=session.pk)
    return session.checkin_code


class NotExpected(SessionError):
    """The volunteer neither signed up, was assigned nor belongs to the shift's team: they must
    confirm that they joined it."""


class Scan(NamedTuple):
    attendance: Attendance
    action: str  # "in", "out" or "same" (a repeated scan, nothing changed)


def check_in_window(session: HelpSession, now: datetime.datetime) -> None:
    check_open(session)
    opens = session.local_start() - CHECK_IN_OPENS
    if now < opens:
        raise SessionError(
            _("Check-in for this shift opens at %(time)s on %(date)s.")
            % {"time": f"{timezone.localtime(opens):%H:%M}", "date": f"{session.date:%d/%m/%Y}"}
        )
    if now > session.local_end():
        raise SessionError(_("This shift has ended; ask the secretary to mark your attendance."))


def _in_team(session: HelpSession, volunteer: Volunteer) -> bool:
    return (
        bool(session.team_id)
        and TeamMembership.objects.filter(
            team_id=session.team_id, volunteer=volunteer, left_on__isnull=True
        ).exists()
    )


def _clock(moment: datetime.datetime) -> datetime.time:
    return timezone.localtime(moment).time().replace(second=0, microsecond=0)


@transaction.atomic
def attendance_scan(
    *, session: HelpSession, volunteer: Volunteer, user, joined: bool = False, now=None
) -> Scan:
    """A volunteer scanned the shift's code: checked in (present from that moment), or checked out
    if already in; a repeat within a minute changes nothing. A volunteer the shift did not expect
    is asked to confirm (`joined`) and is then flagged for the secretary."""
    now = now or timezone.now()
    session = HelpSession.objects.select_for_update().get(pk=session.pk)
    check_in_window(session, now)
    if volunteer.commune_id != session.commune_id or not volunteer.is_active:
        raise SessionError(
            _("Only volunteers of %(commune)s can take this shift.") % {"commune": session.commune}
        )
    attendance = Attendance.objects.select_for_update().filter(session=session, volunteer=volunteer).first()
    expected = (attendance is not None and attendance.withdrawn_at is None) or _in_team(session, volunteer)
    if not expected and not joined:
        raise NotExpected(_("You had not signed up for this shift. Did you join it?"))
    if attendance is None:
        attendance = Attendance(session=session, volunteer=volunteer, joined_by_scan=not expected)
    elif attendance.withdrawn_at is not None:
        attendance.withdrawn_at = None
        attendance.joined_by_scan = not expected
    last = attendance.checked_out_at or attendance.checked_in_at
    if last is not None and now - last < SAME_SCAN:
        return Scan(attendance, "same")
    attendance.session = session
    attendance.marked_by = user
    attendance.marked_at = now
    if attendance.checked_in_at is None or attendance.checked_out_at is not None:
        # In (or back in after checking out: the first arrival stays, the shift is not over).
        if attendance.checked_in_at is None:
            attendance.checked_in_at = now
            attendance.arrived_at = max(_clock(now), session.starts_at)
        attendance.checked_out_at = None
        attendance.left_at = None
        attendance.present = True
        attendance.save()
        return Scan(attendance, "in")
    attendance.checked_out_at = now
    attendance.left_at = min(max(_clock(now), attendance.arrived_at or session.starts_at), session.ends_at)
    attendance.save()
    return Scan(attendance, "out")
