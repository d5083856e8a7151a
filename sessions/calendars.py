"""Shifts as iCalendar (RFC 5545, with the `icalendar` library): a volunteer's own shifts, a
commune's shifts, or one shift, for the phone's own calendar app.

Each shift is one event with a stable UID, its times in Asia/Ho_Chi_Minh (with the zone's
VTIMEZONE), STATUS:CANCELLED once cancelled, a revision number that grows with every change, and
two reminders: the evening before at 20:00 and an hour before it starts.
"""

import datetime
import zoneinfo
from collections.abc import Callable, Iterable

import icalendar
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from sessions.models import CalendarFeed, HelpSession

# Shifts this far back stay in the feeds, so that last week's are still in the phone's calendar.
PAST_DAYS = 60
EVENING_BEFORE = datetime.time(20, 0)
PRODUCT_ID = "-//Xung Kich So//Ca ho tro//VI"
UID_DOMAIN = "xungkichso.vn"
REVISIONS_FROM = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


def shifts_for_feed(feed: CalendarFeed) -> QuerySet[HelpSession]:
    """What a feed shows, from PAST_DAYS ago on: the volunteer's shifts (signed up or assigned, not
    withdrawn; cancelled ones too, marked so), or every shift of the feed's commune."""
    since = timezone.localdate() - datetime.timedelta(days=PAST_DAYS)
    shifts = HelpSession.objects.filter(date__gte=since).select_related("team", "hamlet", "commune")
    if feed.kind == CalendarFeed.Kind.COMMUNE:
        return shifts.filter(commune_id=feed.commune_id).order_by("date", "starts_at", "pk")
    return shifts.filter(
        attendances__volunteer__user=feed.user, attendances__withdrawn_at__isnull=True
    ).order_by("date", "starts_at", "pk")


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _event(shift: HelpSession, url: str, now: datetime.datetime) -> icalendar.Event:
    zone = _zone()
    starts = datetime.datetime.combine(shift.date, shift.starts_at, tzinfo=zone)
    ends = datetime.datetime.combine(shift.date, shift.ends_at, tzinfo=zone)
    place = shift.get_place_kind_display()
    if shift.hamlet_id:
        place = f"{place} · {shift.hamlet.name}"
    event = icalendar.Event()
    event.add("uid", f"shift-{shift.pk}@{UID_DOMAIN}")
    event.add("dtstamp", now)
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("summary", f"{place} · {shift.commune.name}")
    event.add("location", ", ".join(part for part in (shift.address, shift.commune.name) if part))
    description = [shift.team.name if shift.team_id else "", shift.notes, url]
    event.add("description", "\n".join(part for part in description if part))
    event.add("url", url)
    changed = shift.updated_at or now
    event.add("last-modified", changed)
    # The revision grows with each change (in seconds since 2020, well inside what clients accept).
    event.add("sequence", max(0, int((changed - REVISIONS_FROM).total_seconds())))
    cancelled = shift.status == HelpSession.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if not cancelled:
        evening = datetime.datetime.combine(
            shift.date - datetime.timedelta(days=1), EVENING_BEFORE, tzinfo=zone
        )
        for trigger in (evening.astimezone(datetime.UTC), datetime.timedelta(hours=-1)):
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", event["summary"])
            alarm.add("trigger", trigger)
            event.add_component(alarm)
    return event


def calendar_of(shifts: Iterable[HelpSession], *, name: str, url_of: Callable[[HelpSession], str]) -> bytes:
    """The shifts as one VCALENDAR, with the time zone they are in."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    # Calendar apps fetch a subscribed feed about this often, at most.
    calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    now = timezone.now()
    for shift in shifts:
        calendar.add_component(_event(shift, url_of(shift), now))
    calendar.add_missing_timezones()
    return calendar.to_ical()
