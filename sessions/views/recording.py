"""The phone page where volunteers record the citizens they help, and corrections of records."""

import uuid

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.decorators import require
from access.scope import scope_for
from sessions import services
from sessions.forms import (
    ContactForm,
    QuickRecordForm,
    RecordDetailForm,
    TallyForm,
)
from sessions.models import ReviewEntry
from sessions.selectors import (
    campaign_running,
    recording_totals,
    review_entries,
    services_for_campaign,
    services_for_recording,
    user_entries,
)
from sessions.taxonomy import PROCEDURE_SUGGESTIONS
from sessions.views.shared import safe_next, session_url


@require("session.record")
def record_page(request, session):
    campaign = campaign_running(session)
    campaign_services = services_for_campaign(campaign) if campaign else []
    first = {service.pk for service in campaign_services}
    categories: dict = {}
    for service in services_for_recording():
        if service.pk not in first:
            categories.setdefault(service.category, []).append(service)
    context = {
        "session": session,
        "commune": session.commune,
        "campaign": campaign,
        "campaign_services": campaign_services,
        "categories": categories,
        "entries": user_entries(session=session, user=request.user),
        # Entries of this user that the server kept for the secretary: the volunteer sees what
        # became of them.
        "my_reviews": session.review_entries.filter(recorded_by=request.user)
        .select_related("service")
        .order_by("-arrived_at")[:10],
        "tally_form": TallyForm(session=session),
        # For the outbox (static/js/outbox.js): the totals' moment, and the shift's hours to warn
        # before recording outside them.
        "server_time_ms": round(timezone.now().timestamp() * 1000),
        "starts_at_ms": round(session.local_start().timestamp() * 1000),
        "ends_at_ms": round(session.local_end().timestamp() * 1000),
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
    form = TallyForm(request.POST, session=session) if is_tally else QuickRecordForm(request.POST)
    status = 200
    saved = None
    error = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            recorded = services.record_create(
                session=session,
                recorded_by=request.user,
                service=data["service"],
                client_id=data["client_id"],
                citizen_count=data["citizen_count"] if is_tally else 1,
                is_tally=is_tally,
                volunteer=scope_for(request.user).volunteer,
                **(form.details() if is_tally else {}),
            )
        except services.SessionError as refused:
            error = str(refused)
            status = 409 if session.is_closed or session.is_cancelled else 400
        else:
            saved = recorded.record
            status = 201 if recorded.created else 200
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
        return redirect(session_url(session, "record_page"))
    context = {"session": session, "saved": saved, "created": status == 201, "error": error, "my_total": None}
    if saved is not None:
        context.update(session_total=recorded.session_total, my_total=recorded.my_total)
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
    return redirect(safe_next(request, request.POST.get("next"), session_url(session, "record_page")))


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
            return redirect(safe_next(request, request.GET.get("next"), session_url(session, "record_page")))
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


@require("session.attendance", also=["session.manage"])
def session_records(request, session):
    records = session.records.select_related("service", "recorded_by", "volunteer").order_by("-helped_at")
    context = {
        "session": session,
        "commune": session.commune,
        "records": records,
        "review_entries": review_entries(session=session),
        "can_review": session.allowed["session.manage"],
    }
    return render(request, "sessions/session_records.html", context)


def _review(request, session, entry_id: int, decide) -> HttpResponse:
    entry = get_object_or_404(ReviewEntry, pk=entry_id, session=session)
    try:
        decide(entry)
    except services.SessionError as refused:
        messages.error(request, str(refused))
    return redirect(session_url(session, "session_records"))


@require_POST
@require("session.manage")
def review_accept(request, session, entry_id):
    """The secretary accepts an entry kept for review: it becomes a record and counts."""

    def accept(entry):
        services.review_accept(entry=entry, accepted_by=request.user)
        messages.success(request, _("The entry was accepted and now counts."))

    return _review(request, session, entry_id, accept)


@require_POST
@require("session.manage")
def review_reject(request, session, entry_id):
    """The secretary rejects an entry kept for review: it stays, marked rejected, and never counts."""

    def reject(entry):
        services.review_reject(entry=entry, rejected_by=request.user)
        messages.success(request, _("The entry was rejected; it is kept but does not count."))

    return _review(request, session, entry_id, reject)
