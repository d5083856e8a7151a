"""Lists and calendars of shifts: a commune's, a team's, and a volunteer's own."""

import calendar
import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from access.decorators import require
from access.rules import allows, permitted
from access.scope import scope_for
from sessions.forms import (
    SessionBatchForm,
    SessionFilterForm,
)
from sessions.models import HelpSession
from sessions.selectors import (
    my_shifts,
    session_list,
    shifts_now,
    teams_led,
    volunteer_totals,
)
from sessions.views.shared import session_url


def _month_bounds(month: str | None) -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    try:
        year, number = (int(part) for part in (month or "").split("-"))
        if not 2000 <= year <= 2100:
            raise ValueError(year)
        first = datetime.date(year, number, 1)
    except ValueError:
        first = today.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


@require("commune.read_reports")
def session_list_view(request, commune):
    form = SessionFilterForm(request.GET or None, commune=commune)
    filters = {}
    view = request.GET.get("view", "list")
    first, last = _month_bounds(request.GET.get("month"))
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "first_day": data["first_day"],
            "last_day": data["last_day"],
            "team_id": data["team"].pk if data["team"] else None,
            "campaign_id": data["campaign"].pk if data["campaign"] else None,
            "place_kind": data["place_kind"],
            "status": data["status"],
        }
    by_month = view == "calendar" or (request.GET.get("month") and not request.GET.get("first_day"))
    if by_month:
        filters["first_day"], filters["last_day"] = first, last
    elif not filters.get("first_day") and not filters.get("last_day"):
        filters["first_day"] = timezone.localdate() - datetime.timedelta(days=7)
    sessions = session_list(sessions=HelpSession.objects.filter(commune=commune), **filters)
    context = {
        "commune": commune,
        "form": form,
        "view": view,
        "can_manage": allows(request.user, commune, "commune.manage"),
        "tab": "sessions",
        **_month_links(first if by_month else None),
        "listed_from": filters.get("first_day"),
        "listed_to": filters.get("last_day"),
    }
    if view == "calendar":
        context.update(_calendar(sessions, first, last))
    else:
        context["sessions"] = sessions[:500]
    return render(request, "sessions/session_list.html", context)


def _month_links(month: datetime.date | None) -> dict:
    """Links to step through the shifts month by month (the list shows one month once chosen)."""
    shown = month or timezone.localdate().replace(day=1)
    previous = (shown - datetime.timedelta(days=1)).replace(day=1)
    following = (shown + datetime.timedelta(days=32)).replace(day=1)
    return {"list_month": month, "month_previous": previous, "month_this": shown, "month_next": following}


def _calendar(sessions, first: datetime.date, last: datetime.date) -> dict:
    by_day: dict[datetime.date, list] = {}
    for session in sessions:
        by_day.setdefault(session.date, []).append(session)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    return {
        "weeks": [[(day, by_day.get(day, []), day.month == first.month) for day in week] for week in weeks],
        "month": first,
        "weekday_names": [label for _number, label in SessionBatchForm.WEEKDAYS],
        "previous_month": (first - datetime.timedelta(days=1)).strftime("%Y-%m"),
        "next_month": (last + datetime.timedelta(days=1)).strftime("%Y-%m"),
    }


@require("team.view")
def team_sessions(request, team):
    view = request.GET.get("view", "list")
    context = {"team": team, "commune": team.commune, "view": view}
    if view == "calendar":
        first, last = _month_bounds(request.GET.get("month"))
        sessions = session_list(
            sessions=HelpSession.objects.filter(team=team), first_day=first, last_day=last
        )
        context.update(_calendar(sessions, first, last))
    else:
        context["sessions"] = session_list(
            sessions=HelpSession.objects.filter(team=team),
            first_day=timezone.localdate() - datetime.timedelta(days=30),
        )
    return render(request, "sessions/team_sessions.html", context)


@require("signed_in")
def my_shifts_view(request):
    volunteer = scope_for(request.user).volunteer
    if volunteer is None:
        return render(request, "sessions/my_shifts.html", {"volunteer": None})
    context = {"volunteer": volunteer, "totals": volunteer_totals(volunteer), **my_shifts(volunteer)}
    return render(request, "sessions/my_shifts.html", context)


@require("signed_in")
def my_teams(request):
    """The teams a team leader leads: their coming shifts and the attendance still to mark."""
    led = scope_for(request.user).led_team_ids
    if not led:
        messages.info(request, _("You do not lead a team."))
        return redirect("home")
    return render(request, "sessions/my_teams.html", teams_led(led))


@require("signed_in")
def current_shift(request):
    """The shift happening now (or the next one today), straight to its recording page."""
    found = shifts_now(permitted(request.user, HelpSession, "session.record"))
    current = found["happening"][:1] or ([found["next"]] if found["next"] else [])
    if not current:
        messages.info(request, _("You have no open shift today. Sign up for one below."))
        return redirect("sessions:my_shifts")
    return redirect(session_url(current[0], "record_page"))
