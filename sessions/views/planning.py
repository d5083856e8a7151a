"""Planning shifts: create one or a batch, the shift's page, edit, cancel, close and reopen."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from access.decorators import require
from access.rules import volunteers_for_shift
from sessions import services
from sessions.forms import (
    HelpSessionForm,
    SessionBatchForm,
)
from sessions.models import HelpRecord, ReviewEntry
from sessions.selectors import (
    session_figures,
)
from sessions.views.shared import run_and_redirect, session_url


@require("commune.manage")
def session_create(request, commune):
    form = HelpSessionForm(request.POST or None, commune=commune)
    if request.method == "POST" and form.is_valid():
        form.instance.created_by = request.user
        session = form.save()
        messages.success(request, _("The shift was created."))
        return redirect(session_url(session))
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


@require(
    "session.view",
    also=["session.manage", "session.attendance", "session.record", "session.signup", "session.read_records"],
)
def session_detail(request, session):
    context = {
        "session": session,
        "commune": session.commune,
        "figures": session_figures(session),
        "attendances": session.attendances.select_related("volunteer").order_by("volunteer__sort_key"),
        "my_attendance": session.my_attendance,
        "can_manage": session.allowed["session.manage"],
        "can_mark": session.allowed["session.attendance"],
        "can_record": session.allowed["session.record"],
        "can_sign_up": session.allowed["session.signup"],
        "can_read_records": session.allowed["session.read_records"],
    }
    if context["can_mark"]:
        # What phones sent that needs the secretary, said where the shift is looked at.
        context["waiting_review"] = session.review_entries.filter(status=ReviewEntry.Status.PENDING).count()
        context["sent_late"] = HelpRecord.objects.counted().filter(session=session, sent_late=True).count()
        taken = session.attendances.filter(withdrawn_at__isnull=True).values("volunteer")
        context["assignable"] = volunteers_for_shift(request.user, session).exclude(pk__in=taken)
    return render(request, "sessions/session_detail.html", context)


@require("session.manage")
def session_edit(request, session):
    if session.is_closed:
        messages.error(request, _("This shift is closed; reopen it before changing it."))
        return redirect(session_url(session))
    form = HelpSessionForm(request.POST or None, instance=session, commune=session.commune)
    if request.method == "POST" and form.is_valid():
        services.session_update(session=form.save(commit=False))
        messages.success(request, _("The shift was saved."))
        return redirect(session_url(session))
    return render(
        request, "sessions/session_form.html", {"commune": session.commune, "form": form, "session": session}
    )


def _confirm(request, session, action: str, status: int = 200):
    """The page that asks before a shift is cancelled or closed; it works without JavaScript."""
    context = {
        "session": session,
        "commune": session.commune,
        "action": action,
        "unmarked": list(services.unmarked_signups(session)) if action == "close" else [],
    }
    return render(request, "sessions/session_confirm.html", context, status=status)


@require_http_methods(["GET", "POST"])
@require("session.manage")
def session_cancel(request, session):
    """GET asks; POST with confirm=yes cancels. The shift can be restored afterwards."""
    if request.method == "GET" or request.POST.get("confirm") != "yes":
        return _confirm(request, session, "cancel")
    return run_and_redirect(
        request,
        session,
        lambda: services.session_cancel(session=session),
        _("The shift was cancelled. You can restore it from its page."),
    )


@require_POST
@require("session.manage")
def session_restore(request, session):
    return run_and_redirect(
        request, session, lambda: services.session_restore(session=session), _("The shift is planned again.")
    )


@require_http_methods(["GET", "POST"])
@require("session.manage")
def session_close(request, session):
    """GET asks (and names volunteers whose attendance is not marked); POST with confirm=yes closes."""
    if request.method == "GET" or request.POST.get("confirm") != "yes":
        return _confirm(request, session, "close")
    return run_and_redirect(
        request,
        session,
        lambda: services.session_close(session=session, closed_by=request.user),
        _("The shift is closed. Volunteers can no longer change its records."),
    )


@require_POST
@require("session.manage")
def session_reopen(request, session):
    return run_and_redirect(
        request, session, lambda: services.session_reopen(session=session), _("The shift is open again.")
    )
