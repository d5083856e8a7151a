"""Project-wide views: the home page and the health check."""

import sys

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from access.decorators import mark_public, require
from access.rules import permitted
from access.scope import scope_for
from config.celery import app as celery_app
from config.middleware import database_unavailable, is_connection_error
from sessions.models import HelpSession
from sessions.selectors import shifts_now, teams_led

# Each check of an outside service gives up after this long.
_CHECK_SECONDS = 0.5


@require("signed_in")
def home(request):
    context = {}
    scope = scope_for(request.user)
    if scope.led_team_ids:
        context["teams_led"] = teams_led(scope.led_team_ids)
    if scope.volunteer is not None:
        # A volunteer or team leader on a shift: one tap from here to its recording page.
        context["shifts_now"] = shifts_now(permitted(request.user, HelpSession, "session.record"))
    return render(request, "home.html", context)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means "not reachable"; the reason goes in the answer
        return f"error: {error.__class__.__name__}"
    return "ok"


def _broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    broker_url = celery_app.conf.broker_url or ""
    try:
        if broker_url.startswith(("redis://", "rediss://")):
            # A PING with short time-outs and no retries: a frozen or missing Redis answers "down"
            # in about a second, where Kombu's connection would wait and retry for much longer.
            client = redis.Redis.from_url(
                broker_url, socket_connect_timeout=_CHECK_SECONDS, socket_timeout=_CHECK_SECONDS
            )
            try:
                client.ping()
            finally:
                client.close()
        else:
            with celery_app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=_CHECK_SECONDS)
    except Exception as error:
        return f"error: {error.__class__.__name__}"
    return "ok"


def _is_local(request) -> bool:
    """Asked from the machine itself, not through a proxy (which would add X-Forwarded-For)."""
    return request.META.get("REMOTE_ADDR") in {"127.0.0.1", "::1"} and not request.META.get(
        "HTTP_X_FORWARDED_FOR"
    )


@mark_public
@require_GET
def favicon(request):
    """Browsers ask /favicon.ico of every site; the icon itself is a static file."""
    response = redirect(static("icons/favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


@mark_public
@never_cache
@require_GET
def healthz(request):
    """200 or 503 for load balancers, within about two seconds whatever is down. What is down is
    told only to the machine itself: the public answer says nothing about the servers behind it."""
    database = _database_status()
    broker = _broker_status()
    healthy = database == "ok" and broker in {"ok", "eager"}
    body = {"status": "ok" if healthy else "unavailable"}
    if _is_local(request):
        body.update(database=database, broker=broker)
    return JsonResponse(body, status=200 if healthy else 503)


def server_error(request):
    """Django's 500 page, except when the database connection dropped outside a view (a session
    saved as the answer leaves): that is a 503 to retry, as inside views."""
    exception = sys.exc_info()[1]
    if is_connection_error(exception):
        return database_unavailable(request, exception)
    return defaults.server_error(request)
