"""Shifts in the phone's own calendar (private iCalendar feeds, one shift's .ics), and check-in at
the desk by scanning the shift's QR code."""

import segno
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from access.decorators import mark_public, require
from access.rules import communes_for
from access.scope import scope_for
from sessions import calendars, services
from sessions.models import CalendarFeed
from sessions.views.shared import session_url


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=900"
    return response


def _feed_links(request, feed: CalendarFeed | None) -> dict:
    if feed is None:
        return {}
    https = request.build_absolute_uri(reverse("sessions:calendar_feed", args=[feed.token]))
    return {"feed": feed, "feed_url": https, "webcal_url": "webcal://" + https.split("://", 1)[1]}


@mark_public
def calendar_feed(request, feed_token):
    """What calendar apps fetch, without signing in: the secret address is the key. A revoked
    address, an account switched off or a secretary no longer of the commune answers 404."""
    feed = (
        CalendarFeed.objects.select_related("user", "commune")
        .filter(token=feed_token, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404(_("No such calendar."))
    if feed.kind == CalendarFeed.Kind.COMMUNE:
        if not communes_for(feed.user, "commune.manage").filter(pk=feed.commune_id).exists():
            raise Http404(_("No such calendar."))
        name = _("Shifts of %(commune)s") % {"commune": feed.commune.name}
    else:
        name = _("My shifts · Xung Kích Số")
    body = calendars.calendar_of(
        calendars.shifts_for_feed(feed),
        name=name,
        url_of=lambda shift: request.build_absolute_uri(session_url(shift)),
    )
    return _ics(body, "xung-kich-so.ics")


def _feed_page(request, *, commune=None):
    if request.method == "POST":
        feed = services.calendar_feed_get_or_create(user=request.user, commune=commune)
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(feed=feed)
            messages.success(request, _("The old calendar address no longer works. A new one is below."))
            services.calendar_feed_get_or_create(user=request.user, commune=commune)
        return redirect(request.path)
    kind = CalendarFeed.Kind.COMMUNE if commune else CalendarFeed.Kind.MY_SHIFTS
    feed = CalendarFeed.objects.filter(
        user=request.user, kind=kind, commune=commune, revoked_at__isnull=True
    ).first()
    context = {"commune": commune, **_feed_links(request, feed)}
    return render(request, "sessions/calendar_feed.html", context)


@require_http_methods(["GET", "POST"])
@require("signed_in")
def my_calendar(request):
    if scope_for(request.user).volunteer is None:
        messages.info(request, _("Only volunteers have a calendar of their shifts."))
        return redirect("home")
    return _feed_page(request)


@require_http_methods(["GET", "POST"])
@require("commune.manage")
def commune_calendar(request, commune):
    return _feed_page(request, commune=commune)


@require("session.view")
def session_ics(request, session):
    body = calendars.calendar_of(
        [session], name=str(session), url_of=lambda shift: request.build_absolute_uri(session_url(shift))
    )
    return _ics(body, f"ca-{session.date:%Y-%m-%d}-{session.pk}.ics")


@require("session.attendance")
def session_qr(request, session):
    """The page to print and post at the desk: a QR code of the shift's check-in address."""
    code = services.checkin_code_for(session)
    url = request.build_absolute_uri(
        reverse("sessions:session_checkin", args=[session.commune_id, session.pk, code])
    )
    qr = segno.make(url, error="m")
    context = {
        "session": session,
        "commune": session.commune,
        "checkin_url": url,
        "qr_svg": qr.svg_inline(scale=8, dark="#000", light="#fff", omitsize=True),
        "opens_at": timezone.localtime(session.local_start() - services.CHECK_IN_OPENS),
    }
    return render(request, "sessions/session_qr.html", context)


@require_http_methods(["GET", "POST"])
@require("session.signup")
def session_checkin(request, session, checkin_code):
    """Opened by scanning the code at the desk: the volunteer is checked in at once (or out, if in
    already). Someone the shift did not expect confirms first (a POST), and is flagged."""
    if not session.checkin_code or checkin_code != session.checkin_code:
        raise Http404(_("This check-in code is not this shift's; scan the code posted at the desk."))
    volunteer = scope_for(request.user).volunteer
    context = {"session": session, "commune": session.commune}
    joined = request.method == "POST" and request.POST.get("joined") == "yes"
    try:
        scan = services.attendance_scan(
            session=session, volunteer=volunteer, user=request.user, joined=joined
        )
    except services.NotExpected as question:
        context["question"] = str(question)
    except services.SessionError as refused:
        context["refused"] = str(refused)
    else:
        context["scan"] = scan
        if request.method == "POST":
            return redirect(request.path)
    return render(request, "sessions/checkin.html", context)
