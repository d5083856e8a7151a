"""Small helpers the sessions pages share."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from sessions import services


def safe_next(request, value: str | None, fallback: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=False
    ):
        return value
    return fallback


def session_url(session, name="session_detail") -> str:
    return reverse(f"sessions:{name}", kwargs={"code": session.commune_id, "session_id": session.pk})


def run_and_redirect(request, session, action, success_message):
    """Run a change to a shift; say how it went on the shift's page."""
    try:
        action()
    except services.SessionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success_message)
    return redirect(session_url(session))
