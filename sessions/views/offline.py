"""What makes recording work without a connection: the batch sync of entries kept on a phone, and
the web app's manifest and service worker (served from the site's root so that it covers every page).
"""

import datetime
import json
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.decorators import mark_public, require
from access.rules import checked
from access.scope import scope_for
from sessions import services
from sessions.models import MAX_TALLY, HelpRecord, HelpSession
from sessions.selectors import recording_totals, service_by_code, shifts_to_keep_offline
from sessions.views.shared import session_url
from volunteers.models import Hamlet
from volunteers.phones import refuse_citizen_identity
from volunteers.text import refuse_control_characters

MAX_SYNC_ENTRIES = 500
KINDS = {"tap", "tally", "undo"}


class Refused(Exception):
    """An entry the sync cannot take; str() says why, in the user's language."""


def _instant(milliseconds) -> datetime.datetime:
    """A phone's clock reading (milliseconds since 1970, as JavaScript's Date.now() gives)."""
    if isinstance(milliseconds, bool) or not isinstance(milliseconds, int | float):
        raise ValueError("not a number")
    return datetime.datetime.fromtimestamp(milliseconds / 1000, tz=datetime.UTC)


def _milliseconds(moment: datetime.datetime) -> int:
    return round(moment.timestamp() * 1000)


def _clock_offset(sent_at, received_at: datetime.datetime) -> datetime.timedelta:
    """How far the phone's clock is behind the server's: the server's time when the batch arrived
    minus the phone's time when it sent it (docs/counting.md). The time in transit makes it a little
    larger than the truth, by a second or two on a slow link: nothing beside the rules' hours."""
    try:
        return received_at - _instant(sent_at)
    except (ValueError, OverflowError, OSError):
        return datetime.timedelta(0)


def _shift(user, raw_id, shifts: dict) -> HelpSession:
    """The entry's shift, through the same door as a tap (session.record); one query per shift."""
    if raw_id not in shifts:
        try:
            found = checked(
                user, HelpSession.objects.select_related("commune").filter(pk=int(raw_id)), ["session.record"]
            )
        except (TypeError, ValueError):
            found = None
        if found is None:
            shifts[raw_id] = Refused(_("No such shift, or it is not one your account may see."))
        elif not found.allowed["session.record"]:
            shifts[raw_id] = Refused(_("Your role does not allow this for this shift."))
        else:
            shifts[raw_id] = found
    if isinstance(shifts[raw_id], Refused):
        raise shifts[raw_id]
    return shifts[raw_id]


def _choice(raw, name: str, choices, default: str) -> str:
    value = raw.get(name) or default
    if value not in choices.values:
        raise Refused(_("“%(value)s” is not a valid %(field)s.") % {"value": str(value)[:40], "field": name})
    return value


def _details(raw: dict, session: HelpSession) -> dict:
    details = {
        "outcome": _choice(raw, "outcome", HelpRecord.Outcome, HelpRecord.Outcome.DONE),
        "form_of_help": _choice(raw, "form_of_help", HelpRecord.FormOfHelp, HelpRecord.FormOfHelp.ONE_TO_ONE),
    }
    procedure = raw.get("procedure") or ""
    if not isinstance(procedure, str) or len(procedure) > 200:
        raise Refused(_("The procedure must be a text of at most 200 characters."))
    try:
        refuse_control_characters(procedure)
        refuse_citizen_identity(procedure)
    except ValidationError as error:
        raise Refused(error.messages[0]) from None
    if procedure:
        details["procedure"] = procedure
    hamlet = raw.get("hamlet")
    if hamlet not in (None, ""):
        try:
            hamlet_id = int(hamlet)
        except (TypeError, ValueError):
            hamlet_id = None
        if (
            hamlet_id is None
            or not Hamlet.objects.filter(pk=hamlet_id, commune_id=session.commune_id).exists()
        ):
            raise Refused(_("This hamlet is not one of this commune's."))
        details["hamlet_id"] = hamlet_id
    return details


def _client_ids(entries: list) -> list[uuid.UUID]:
    ids = []
    for raw in entries:
        try:
            ids.append(uuid.UUID(str(raw.get("client_id"))))
        except (AttributeError, ValueError):
            continue  # answered on its own, as not readable or without a valid id
    return ids


def _sync_one(
    request, raw, offset: datetime.timedelta, shifts: dict, volunteer, touched: dict, kept: dict
) -> dict:
    if not isinstance(raw, dict):
        return {"client_id": "", "status": "refused", "message": _("This entry is not readable.")}
    answer = {"client_id": str(raw.get("client_id") or "")[:64]}
    try:
        try:
            client_id = uuid.UUID(str(raw.get("client_id")))
        except ValueError:
            raise Refused(_("This entry has no valid id; it cannot be saved.")) from None
        kind = raw.get("kind") or "tap"
        if kind not in KINDS:
            raise Refused(_("Unknown kind of entry."))
        session = _shift(request.user, raw.get("session"), shifts)
        if kind == "undo":
            answer["status"] = _undo(request.user, session, client_id)
            touched[session.pk] = session
            return answer
        service = service_by_code(str(raw.get("service") or ""))
        if service is None:
            raise Refused(_("Unknown service “%(code)s”.") % {"code": str(raw.get("service"))[:40]})
        count = raw.get("citizen_count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_TALLY:
            raise Refused(
                _("The number of citizens must be between 1 and %(max)s.")
                % {"max": f"{MAX_TALLY:,}".replace(",", ".")}
            )
        try:
            device_time = _instant(raw.get("device_time"))
        except (ValueError, OverflowError, OSError):
            raise Refused(_("This entry has no valid time.")) from None
        result = services.entry_sync(
            entry=services.SyncedEntry(
                client_id=client_id,
                session=session,
                service=service,
                citizen_count=count,
                is_tally=kind == "tally",
                device_time=device_time,
                made_at=device_time + offset,
                details=_details(raw, session),
            ),
            recorded_by=request.user,
            volunteer=volunteer,
            kept=kept.get(client_id),
        )
    except (Refused, services.SessionError) as refused:
        answer.update(status="refused", message=str(refused))
        return answer
    touched[session.pk] = session
    answer["status"] = result.status
    if result.message:
        answer["message"] = result.message
    if result.record is not None:
        answer["sent_late"] = result.record.sent_late
    return answer


def _undo(user, session: HelpSession, client_id: uuid.UUID) -> str:
    """Undo an entry by its client id, through the same rule as the undo button (record.change)."""
    record = checked(user, HelpRecord.objects.filter(client_id=client_id, session=session), ["record.change"])
    if record is None:
        # Never saved, or kept for review: there is nothing that counts to remove.
        services.review_withdraw(client_id=client_id, user=user)
        return "undone"
    if not record.allowed["record.change"]:
        raise Refused(_("The shift has been closed by the secretary; its records can no longer be changed."))
    services.record_delete(record=record, deleted_by=user)
    return "undone"


@require_POST
@require("signed_in")
def record_sync(request):
    """Entries kept on a phone, many at once (JSON): each saved, already saved, kept for review or
    refused with its reason, on its own (docs/counting.md, "Entries sent from a phone")."""
    received_at = timezone.now()
    try:
        payload = json.loads(request.body)
        entries = payload["entries"]
        if not isinstance(entries, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": _("The request could not be read.")}, status=400)
    sender = payload.get("user")
    if sender is not None and str(sender) != str(request.user.pk):
        # Kept on this phone by another account: never recorded under the one signed in now.
        return JsonResponse(
            {"error": _("These entries were kept by another account; sign in as that account to send them.")},
            status=409,
        )
    if len(entries) > MAX_SYNC_ENTRIES:
        return JsonResponse(
            {"error": _("Send at most %(max)s entries at a time.") % {"max": MAX_SYNC_ENTRIES}}, status=400
        )
    offset = _clock_offset(payload.get("sent_at"), received_at)
    volunteer = scope_for(request.user).volunteer
    shifts: dict = {}
    touched: dict = {}
    kept = services.kept_entries(_client_ids(entries))
    results = [_sync_one(request, raw, offset, shifts, volunteer, touched, kept) for raw in entries]
    totals = {
        str(pk): recording_totals(session=session, user=request.user) for pk, session in touched.items()
    }
    return JsonResponse(
        {
            "received_at": _milliseconds(received_at),
            "server_time": _milliseconds(timezone.now()),
            "clock_offset_ms": round(offset.total_seconds() * 1000),
            "results": results,
            "totals": totals,
        }
    )


@mark_public
def manifest(request):
    """The web app's manifest: installed, it opens on the volunteer's home page."""
    icons = [
        {
            "src": static(f"icons/icon-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "any",
        }
        for size in (192, 512)
    ]
    icons.append(
        {
            "src": static("icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        }
    )
    data = {
        "name": "Xung Kích Số",
        "short_name": "Xung Kích Số",
        "description": "Ghi nhận người dân được hỗ trợ chuyển đổi số",
        "lang": "vi",
        "start_url": reverse("home") + "?source=app",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0d6efd",
        "icons": icons,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@mark_public
def service_worker(request):
    """The service worker, at the root so that its scope is the whole site. Never cached by HTTP:
    a new version must reach phones at their next visit."""
    context = {
        # workbox-sw loads its modules by their plain names from this folder.
        "workbox_prefix": static("vendor/workbox/workbox-sw.js")
        .rsplit("/", 1)[0]
        .replace("workbox-sw.js", ""),
        "static_prefix": settings.STATIC_URL
        if settings.STATIC_URL.startswith("/")
        else "/" + settings.STATIC_URL,
        "fallback_pages": json.dumps([reverse("sessions:my_shifts"), reverse("home")]),
    }
    response = render(request, "sessions/sw.js", context, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require("signed_in")
def offline_pages(request):
    """The pages a phone keeps for a day without signal: home, my shifts, and the recording pages
    of the user's shifts of today and tomorrow."""
    urls = [reverse("home"), reverse("sessions:my_shifts")]
    volunteer = scope_for(request.user).volunteer
    if volunteer is not None:
        urls += [session_url(shift, "record_page") for shift in shifts_to_keep_offline(volunteer)]
    return JsonResponse({"urls": urls})
