"""Project-wide views: the home page and the health check."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app
from volunteers.access import mark_public, require


@require("signed_in")
def home(request):
    return render(request, "home.html")


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
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:
        return f"error: {error.__class__.__name__}"
    return "ok"


@mark_public
@never_cache
@require_GET
def healthz(request):
    database = _database_status()
    broker = _broker_status()
    healthy = database == "ok" and broker in {"ok", "eager"}
    return JsonResponse(
        {"status": "ok" if healthy else "error", "database": database, "broker": broker},
        status=200 if healthy else 503,
    )
