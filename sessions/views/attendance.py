"""Sign-up, withdrawal, assignment and the attendance sheet of a shift."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.decorators import require
from access.rules import volunteers_for_shift
from access.scope import scope_for
from sessions import services
from sessions.forms import AddVolunteerForm, AttendanceFormSet
from sessions.views.shared import run_and_redirect, session_url


@require_POST
@require("session.attendance")
def session_assign(request, session):
    chosen = request.POST.get("volunteer", "")
    volunteer = (
        volunteers_for_shift(request.user, session).filter(pk=chosen).first()
        if chosen.isascii() and chosen.isdigit() and len(chosen) <= 18
        else None
    )
    if volunteer is None:
        messages.error(request, _("Choose a volunteer of this commune."))
        return redirect(session_url(session))
    return run_and_redirect(
        request,
        session,
        lambda: services.signup(session=session, volunteer=volunteer, assigned_by=request.user),
        _("%(name)s is assigned to this shift.") % {"name": volunteer.full_name},
    )


def _change_own_attendance(request, session, change, success_message):
    """Sign the user's own volunteer up for the shift, or withdraw them, with `change`."""
    volunteer = scope_for(request.user).volunteer
    if volunteer is None:
        raise PermissionDenied(_("Your account is not linked to a volunteer."))
    return run_and_redirect(
        request, session, lambda: change(session=session, volunteer=volunteer), success_message
    )


@require_POST
@require("session.signup")
def session_signup(request, session):
    return _change_own_attendance(request, session, services.signup, _("You are signed up for this shift."))


@require_POST
@require("session.signup")
def session_withdraw(request, session):
    return _change_own_attendance(
        request, session, services.withdraw, _("You have withdrawn from this shift.")
    )


def _row(volunteer, attendance=None) -> dict:
    """What the sheet shows of one volunteer, and the answers it starts with. A volunteer who
    signed up (or was assigned) and is not marked yet starts as present: the usual case is one tap."""
    signed_up = attendance is not None and attendance.withdrawn_at is None
    present = attendance.present if attendance else None
    answer = "yes" if signed_up and present is None else {True: "yes", False: "no"}.get(present)
    return {
        "volunteer": volunteer,
        "signed_up": signed_up,
        "assigned": signed_up and attendance.assigned_by_id is not None,
        "pre_marked": signed_up and present is None,
        "withdrawn_at": attendance.withdrawn_at if attendance else None,
        "checked_in_at": attendance.checked_in_at if attendance else None,
        "checked_out_at": attendance.checked_out_at if attendance else None,
        "joined_by_scan": attendance.joined_by_scan if attendance else False,
        "initial": {
            "volunteer": volunteer.pk,
            "present": answer,
            "arrived_at": f"{attendance.arrived_at:%H:%M}" if attendance and attendance.arrived_at else "",
            "left_at": f"{attendance.left_at:%H:%M}" if attendance and attendance.left_at else "",
        },
    }


def _order(row) -> tuple:
    """Signed up or assigned first, then the rest of the team, then those who withdrew; by name."""
    group = 0 if row["signed_up"] else (2 if row["withdrawn_at"] else 1)
    return (group, row["volunteer"].sort_key)


def _marks(sheet, added) -> list[services.Mark]:
    marks = [
        services.Mark(row["volunteer"], row["present"], row["arrived_at"], row["left_at"])
        for row in sheet.cleaned_data
        if row and row["present"] is not None
    ]
    listed = {mark.volunteer_id for mark in marks}
    marks += [
        services.Mark(volunteer.pk, True)
        for volunteer in added.cleaned_data["add_volunteer"] or []
        if volunteer.pk not in listed
    ]
    return marks


def _all_present(data):
    """ "Everyone present": every line of the sheet answers present (times typed are kept)."""
    data = data.copy()
    total = _number(data.get("attendance-TOTAL_FORMS")) or 0
    for index in range(min(total, 1000)):
        data[f"attendance-{index}-present"] = "yes"
    return data


@require("session.attendance")
def session_attendance(request, session):
    candidates = volunteers_for_shift(request.user, session)
    rows = [_row(a.volunteer, a) for a in session.attendances.select_related("volunteer")]
    if session.team_id:
        listed = {row["volunteer"].pk for row in rows}
        team_members = candidates.filter(memberships__team=session.team, memberships__left_on__isnull=True)
        rows += [_row(volunteer) for volunteer in team_members if volunteer.pk not in listed]
    rows.sort(key=_order)
    data = request.POST if request.method == "POST" else None
    if data is not None and "all_present" in data:
        data = _all_present(data)
    sheet = AttendanceFormSet(data, initial=[row["initial"] for row in rows], prefix="attendance")
    added = AddVolunteerForm(data, candidates=candidates)
    if data is not None:
        if sheet.is_valid() and added.is_valid():
            marks = _marks(sheet, added)
            allowed = set(candidates.values_list("pk", flat=True)) | {row["volunteer"].pk for row in rows}
            try:
                if any(mark.volunteer_id not in allowed for mark in marks):
                    raise services.SessionError(_("Only volunteers of this shift's team can be marked here."))
                services.attendance_mark(session=session, marks=marks, marked_by=request.user)
            except services.SessionError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Attendance saved."))
                return redirect(session_url(session))
        else:
            for error in _errors(sheet, added):
                messages.error(request, error)
    names = {row["volunteer"].pk: row for row in rows}
    for form in sheet:
        form.row = names.get(_number(form["volunteer"].value()))  # None: a volunteer the sheet did not offer
    others = candidates.exclude(pk__in=list(names)).order_by("sort_key")
    context = {
        "session": session,
        "commune": session.commune,
        "sheet": sheet,
        "others": others,
        "signed_up_count": sum(1 for row in rows if row["signed_up"]),
    }
    return render(request, "sessions/attendance.html", context)


def _number(value) -> int | None:
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() else None


def _errors(sheet, added) -> list[str]:
    """Every message of the sheet once, in the order of its lines."""
    found = [*sheet.non_form_errors()]
    for form_errors in sheet.errors:
        found += [message for messages_ in form_errors.values() for message in messages_]
    found += [message for messages_ in added.errors.values() for message in messages_]
    return list(dict.fromkeys(found))
