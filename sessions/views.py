"""Shifts, sign-ups, attendance, campaigns, and the phone page where volunteers record citizens."""

import calendar
import datetime
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sessions import services
from sessions.forms import (
    CampaignForm,
    ContactForm,
    HelpSessionForm,
    QuickRecordForm,
    RecordDetailForm,
    SessionBatchForm,
    SessionFilterForm,
    TallyForm,
    TargetFormSet,
)
from sessions.models import Campaign, HelpSession
from sessions.selectors import (
    campaign_progress,
    campaigns_for_commune,
    my_shifts,
    recording_totals,
    services_for_recording,
    session_figures,
    session_list,
    user_entries,
    volunteer_totals,
)
from volunteers.access import (
    active_attendance,
    commune_allows,
    require,
    scope_for,
    session_allows,
)
from volunteers.models import Volunteer

PROCEDURE_SUGGESTIONS = [
    "Đăng ký khai sinh",
    "Đăng ký thường trú",
    "Đăng ký tạm trú",
    "Xác nhận tình trạng hôn nhân",
    "Cấp đổi giấy phép lái xe",
    "Cấp lại thẻ bảo hiểm y tế",
    "Đăng ký kết hôn",
    "Đăng ký khai tử",
    "Cấp phiếu lý lịch tư pháp",
]


def _safe_next(request, value: str | None, fallback: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=False
    ):
        return value
    return fallback


def _session_url(session, name="session_detail"):
    return reverse(f"sessions:{name}", kwargs={"code": session.commune_id, "session_id": session.pk})


# Lists and calendar -------------------------------------------------------------------------------


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
    if view == "calendar":
        filters["first_day"], filters["last_day"] = first, last
    elif not filters.get("first_day") and not filters.get("last_day"):
        filters["first_day"] = timezone.localdate() - datetime.timedelta(days=7)
    sessions = session_list(sessions=HelpSession.objects.filter(commune=commune), **filters)
    context = {
        "commune": commune,
        "form": form,
        "view": view,
        "can_manage": commune_allows(request.user, commune, "commune.manage"),
        "tab": "sessions",
    }
    if view == "calendar":
        context.update(_calendar(sessions, first, last))
    else:
        context["sessions"] = sessions[:500]
    return render(request, "sessions/session_list.html", context)


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


@require_POST
@require("session.attendance")
def session_assign(request, session):
    chosen = request.POST.get("volunteer", "")
    volunteer = (
        Volunteer.objects.filter(pk=chosen, commune=session.commune).first()
        if chosen.isascii() and chosen.isdigit()
        else None
    )
    if volunteer is None:
        messages.error(request, _("Choose a volunteer of this commune."))
        return redirect(_session_url(session))
    return _run(
        request,
        session,
        lambda: services.signup(session=session, volunteer=volunteer, assigned_by=request.user),
        _("%(name)s is assigned to this shift.") % {"name": volunteer.full_name},
    )


# Planning ---------------------------------------------------------------------------------------------


@require("commune.manage")
def session_create(request, commune):
    form = HelpSessionForm(request.POST or None, commune=commune)
    if request.method == "POST" and form.is_valid():
        form.instance.created_by = request.user
        session = form.save()
        messages.success(request, _("The shift was created."))
        return redirect(_session_url(session))
    return render(
        request, "sessions/session_form.html", {"commune": commune, "form": form, "tab": "sessions"}
    )


@require("commune.manage")
def session_batch(request, commune):
    form = SessionBatchForm(request.POST or None, commune=commune)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.session_create_batch(
                template=form.instance,
                first_day=data["first_day"],
                last_day=data["last_day"],
                slots=data["slots"],
                weekdays=set(data["weekdays"]),
                created_by=request.user,
            )
        except services.SessionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(count)s shifts were created.") % {"count": len(created)})
            return redirect(
                reverse("sessions:session_list", kwargs={"code": commune.code})
                + f"?first_day={data['first_day']:%d/%m/%Y}&last_day={data['last_day']:%d/%m/%Y}"
            )
    return render(
        request, "sessions/session_batch.html", {"commune": commune, "form": form, "tab": "sessions"}
    )


@require("session.view")
def session_detail(request, session):
    user = request.user
    attendance = active_attendance(user, session)
    scope = scope_for(user)
    context = {
        "session": session,
        "commune": session.commune,
        "figures": session_figures(session),
        "attendances": session.attendances.select_related("volunteer").order_by("volunteer__sort_key"),
        "my_attendance": attendance,
        "can_manage": session_allows(user, session, "session.manage"),
        "can_mark": session_allows(user, session, "session.attendance"),
        "can_record": session_allows(user, session, "session.record"),
        "can_sign_up": scope.volunteer is not None and session_allows(user, session, "session.signup"),
        "can_read_records": session_allows(user, session, "session.attendance")
        or commune_allows(user, session.commune, "commune.read_reports"),
    }
    if context["can_mark"]:
        taken = session.attendances.filter(withdrawn_at__isnull=True).values("volunteer")
        context["assignable"] = Volunteer.objects.filter(commune=session.commune, is_active=True).exclude(
            pk__in=taken
        )
    return render(request, "sessions/session_detail.html", context)


@require("session.manage")
def session_edit(request, session):
    if session.is_closed:
        messages.error(request, _("This shift is closed; reopen it before changing it."))
        return redirect(_session_url(session))
    form = HelpSessionForm(request.POST or None, instance=session, commune=session.commune)
    if request.method == "POST" and form.is_valid():
        services.session_update(session=form.save(commit=False))
        messages.success(request, _("The shift was saved."))
        return redirect(_session_url(session))
    return render(
        request, "sessions/session_form.html", {"commune": session.commune, "form": form, "session": session}
    )


def _run(request, session, action, success_message):
    try:
        action()
    except services.SessionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success_message)
    return redirect(_session_url(session))


@require_POST
@require("session.manage")
def session_cancel(request, session):
    return _run(
        request, session, lambda: services.session_cancel(session=session), _("The shift was cancelled.")
    )


@require_POST
@require("session.manage")
def session_close(request, session):
    return _run(
        request,
        session,
        lambda: services.session_close(session=session, closed_by=request.user),
        _("The shift is closed. Volunteers can no longer change its records."),
    )


@require_POST
@require("session.manage")
def session_reopen(request, session):
    return _run(
        request, session, lambda: services.session_reopen(session=session), _("The shift is open again.")
    )


# Sign-up and attendance -----------------------------------------------------------------------------


def _own_volunteer(request):
    volunteer = scope_for(request.user).volunteer
    if volunteer is None:
        raise PermissionDenied(_("Your account is not linked to a volunteer."))
    return volunteer


@require_POST
@require("session.signup")
def session_signup(request, session):
    volunteer = _own_volunteer(request)
    return _run(
        request,
        session,
        lambda: services.signup(session=session, volunteer=volunteer),
        _("You are signed up for this shift."),
    )


@require_POST
@require("session.signup")
def session_withdraw(request, session):
    volunteer = _own_volunteer(request)
    return _run(
        request,
        session,
        lambda: services.withdraw(session=session, volunteer=volunteer),
        _("You have withdrawn from this shift."),
    )


def _time_or_none(value: str):
    value = (value or "").strip()
    if not value:
        return None
    for pattern in ("%H:%M", "%H:%M:%S"):
        try:
            return datetime.datetime.strptime(value, pattern).time()
        except ValueError:
            continue
    raise ValueError(value)


@require("session.attendance")
def session_attendance(request, session):
    candidates = Volunteer.objects.filter(commune=session.commune, is_active=True)
    if session.team_id:
        team_members = candidates.filter(memberships__team=session.team, memberships__left_on__isnull=True)
    else:
        team_members = candidates.none()
    attendances = {a.volunteer_id: a for a in session.attendances.select_related("volunteer")}
    if request.method == "POST":
        marks = []
        errors = []
        for key, value in request.POST.items():
            number = key.removeprefix("present-")
            if not key.startswith("present-") or not (number.isascii() and number.isdigit()):
                continue
            volunteer_id = int(key.removeprefix("present-"))
            present = {"yes": True, "no": False}.get(value)
            try:
                arrived = _time_or_none(request.POST.get(f"arrived-{volunteer_id}"))
                left = _time_or_none(request.POST.get(f"left-{volunteer_id}"))
            except ValueError as bad:
                errors.append(_("“%(value)s” is not a time like 07:30.") % {"value": bad})
                continue
            marks.append(services.Mark(volunteer_id, present, arrived, left))
        added = request.POST.get("add_volunteer", "")
        if added.isascii() and added.isdigit():
            marks.append(services.Mark(int(added), True))
        elif added:
            errors.append(_("Choose a volunteer of this commune."))
        if errors:
            for error in errors:
                messages.error(request, error)
        else:
            try:
                services.attendance_mark(session=session, marks=marks, marked_by=request.user)
            except services.SessionError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Attendance saved."))
                return redirect(_session_url(session))
    rows = list(attendances.values())
    for volunteer in team_members:
        if volunteer.pk not in attendances:
            rows.append(
                type(
                    "Row",
                    (),
                    {
                        "volunteer": volunteer,
                        "present": None,
                        "arrived_at": None,
                        "left_at": None,
                        "withdrawn_at": None,
                    },
                )()
            )
    rows.sort(key=lambda row: row.volunteer.sort_key)
    others = candidates.exclude(pk__in=[row.volunteer.pk for row in rows])
    context = {"session": session, "commune": session.commune, "rows": rows, "others": others}
    return render(request, "sessions/attendance.html", context)


# Recording citizens -----------------------------------------------------------------------------------


@require("session.record")
def record_page(request, session):
    categories: dict = {}
    for service in services_for_recording():
        categories.setdefault(service.category, []).append(service)
    context = {
        "session": session,
        "commune": session.commune,
        "categories": categories,
        "entries": user_entries(session=session, user=request.user),
        "tally_form": TallyForm(),
        "procedures": PROCEDURE_SUGGESTIONS,
        # Used only when the page runs without JavaScript; app.js replaces it with an id it makes.
        "fallback_id": uuid.uuid4(),
        **recording_totals(session=session, user=request.user),
    }
    return render(request, "sessions/record.html", context)


@require_POST
@require("session.record")
def record_create(request, session):
    is_tally = request.POST.get("kind") == "tally"
    form = (TallyForm if is_tally else QuickRecordForm)(request.POST)
    status = 200
    saved = None
    error = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            record, created = services.record_create(
                session=session,
                recorded_by=request.user,
                service=data["service"],
                client_id=data["client_id"],
                citizen_count=data["citizen_count"] if is_tally else 1,
                is_tally=is_tally,
                volunteer=scope_for(request.user).volunteer,
            )
        except services.SessionError as refused:
            error = str(refused)
            status = 409 if session.is_closed or session.is_cancelled else 400
        else:
            saved = record
            status = 201 if created else 200
    else:
        error = " ".join(message for messages_ in form.errors.values() for message in messages_)
        status = 400
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(
                request,
                _("Saved: %(service)s, %(count)s citizens.")
                % {"service": saved.service, "count": saved.citizen_count},
            )
        return redirect(_session_url(session, "record_page"))
    context = {"session": session, "saved": saved, "created": status == 201, "error": error, "my_total": None}
    if saved is not None:
        # A new entry from a tap during the shift brings the totals it was saved with.
        totals = getattr(saved, "shift_totals", None)
        context.update(totals or recording_totals(session=session, user=request.user))
    return render(request, "sessions/_record_result.html", context, status=status)


@require_POST
@require("record.change")
def record_undo(request, record):
    session = record.session
    services.record_delete(record=record, deleted_by=request.user)
    if request.htmx:
        context = {
            "session": session,
            "undone": record,
            **recording_totals(session=session, user=request.user),
        }
        return render(request, "sessions/_record_result.html", context)
    messages.success(request, _("The entry was removed."))
    return redirect(_safe_next(request, request.POST.get("next"), _session_url(session, "record_page")))


@require("record.change")
def record_edit(request, record):
    session = record.session
    form = RecordDetailForm(request.POST or None, instance=record, commune=session.commune)
    contact_form = (
        ContactForm(request.POST or None, prefix="contact") if request.POST.get("contact-name") else None
    )
    if request.method == "POST" and form.is_valid() and (contact_form is None or contact_form.is_valid()):
        record.refresh_from_db()
        try:
            with transaction.atomic():
                services.record_update(record=record, changed_by=request.user, **form.cleaned_data)
                if contact_form is not None:
                    contact = contact_form.cleaned_data
                    services.contact_save(
                        record=record,
                        name=contact["name"],
                        phone=contact["phone"],
                        purpose=contact["purpose"],
                        recorded_by=request.user,
                    )
        except services.SessionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The entry was saved."))
            return redirect(
                _safe_next(request, request.GET.get("next"), _session_url(session, "record_page"))
            )
    context = {
        "session": session,
        "commune": session.commune,
        "record": record,
        "form": form,
        "contact_form": contact_form or ContactForm(prefix="contact"),
        "history": record.changes.select_related("changed_by"),
        "procedures": PROCEDURE_SUGGESTIONS,
    }
    invalid = form.errors or (contact_form is not None and contact_form.errors)
    return render(request, "sessions/record_form.html", context, status=400 if invalid else 200)


@require("session.attendance")
def session_records(request, session):
    records = session.records.select_related("service", "recorded_by", "volunteer").order_by("-helped_at")
    return render(
        request,
        "sessions/session_records.html",
        {"session": session, "commune": session.commune, "records": records},
    )


# A volunteer's own shifts ---------------------------------------------------------------------------


@require("signed_in")
def my_shifts_view(request):
    volunteer = scope_for(request.user).volunteer
    if volunteer is None:
        return render(request, "sessions/my_shifts.html", {"volunteer": None})
    context = {"volunteer": volunteer, "totals": volunteer_totals(volunteer), **my_shifts(volunteer)}
    return render(request, "sessions/my_shifts.html", context)


# Campaigns ------------------------------------------------------------------------------------------


@require("commune.read_reports")
def campaign_list(request, commune):
    campaigns = campaigns_for_commune(commune)
    return render(
        request,
        "sessions/campaign_list.html",
        {
            "commune": commune,
            "campaigns": campaigns,
            "can_manage": commune_allows(request.user, commune, "commune.manage"),
            "tab": "campaigns",
        },
    )


def _campaign_form(request, *, campaign, place_context, success_url):
    form = CampaignForm(request.POST or None, instance=campaign)
    targets = TargetFormSet(request.POST or None, instance=campaign, prefix="targets")
    if request.method == "POST" and form.is_valid() and targets.is_valid():
        with transaction.atomic():
            campaign = form.save(commit=False)
            if campaign.created_by_id is None:
                campaign.created_by = request.user
            campaign.save()
            targets.instance = campaign
            targets.save()
        messages.success(request, _("The campaign “%(name)s” was saved.") % {"name": campaign.name})
        return redirect(success_url(campaign))
    return render(
        request,
        "sessions/campaign_form.html",
        {"form": form, "targets": targets, "campaign": campaign, **place_context},
    )


@require("commune.manage")
def campaign_create(request, commune):
    return _campaign_form(
        request,
        campaign=Campaign(commune=commune),
        place_context={"commune": commune, "tab": "campaigns"},
        success_url=lambda c: reverse(
            "sessions:campaign_detail", kwargs={"code": commune.code, "campaign_id": c.pk}
        ),
    )


def _commune_campaign(commune, campaign_id):
    return get_object_or_404(campaigns_for_commune(commune), pk=campaign_id)


@require("commune.read_reports")
def campaign_detail(request, commune, campaign_id):
    campaign = _commune_campaign(commune, campaign_id)
    province_wide = campaign.province_id is not None
    context = {
        "commune": commune,
        "campaign": campaign,
        "progress": campaign_progress(campaign, commune if province_wide else None),
        "province_progress": campaign_progress(campaign) if province_wide else None,
        "can_edit": campaign.commune_id == commune.pk
        and commune_allows(request.user, commune, "commune.manage"),
        "sessions": session_list(sessions=campaign.help_sessions.filter(commune=commune))[:200],
        "tab": "campaigns",
    }
    return render(request, "sessions/campaign_detail.html", context)


@require("commune.manage")
def campaign_edit(request, commune, campaign_id):
    campaign = get_object_or_404(Campaign, pk=campaign_id, commune=commune)
    return _campaign_form(
        request,
        campaign=campaign,
        place_context={"commune": commune, "tab": "campaigns"},
        success_url=lambda c: reverse(
            "sessions:campaign_detail", kwargs={"code": commune.code, "campaign_id": c.pk}
        ),
    )


@require("signed_in")
def my_province_campaigns(request):
    provinces = sorted(scope_for(request.user).officer_of)
    if not provinces:
        messages.info(request, _("Province campaigns are planned by province officers."))
        return redirect("home")
    return redirect("sessions:province_campaigns", province_code=provinces[0])


@require("province.manage_campaigns")
def province_campaigns(request, province):
    campaigns = Campaign.objects.filter(province=province)
    return render(request, "sessions/province_campaigns.html", {"province": province, "campaigns": campaigns})


@require("province.manage_campaigns")
def province_campaign_create(request, province):
    return _campaign_form(
        request,
        campaign=Campaign(province=province),
        place_context={"province": province},
        success_url=lambda c: reverse("sessions:province_campaigns", kwargs={"province_code": province.code}),
    )


@require("province.manage_campaigns")
def province_campaign_edit(request, province, province_campaign_id):
    campaign = get_object_or_404(Campaign, pk=province_campaign_id, province=province)
    return _campaign_form(
        request,
        campaign=campaign,
        place_context={"province": province},
        success_url=lambda c: reverse("sessions:province_campaigns", kwargs={"province_code": province.code}),
    )


@require("signed_in")
def current_shift(request):
    """The volunteer's shift now (or the nearest today), straight to its recording page."""
    volunteer = scope_for(request.user).volunteer
    if volunteer is None:
        return redirect("sessions:my_shifts")
    today = my_shifts(volunteer)["today"]
    now = timezone.localtime().time()
    current = [s for s in today if not s.is_closed and s.starts_at <= now <= s.ends_at] or [
        s for s in today if not s.is_closed
    ]
    if not current:
        messages.info(request, _("You have no open shift today. Sign up for one below."))
        return redirect("sessions:my_shifts")
    return redirect(_session_url(current[0], "record_page"))
