"""Middleware of the whole site: the chosen language, and a 503 when the database drops.

Vietnamese first: the language is Vietnamese unless the user chose English with the switch.
Django's LocaleMiddleware would follow the browser's Accept-Language, so a commune office PC set
up in English would show English to everyone; here only the explicit choice (a cookie) counts.
"""

import logging

import psycopg2
from django.conf import settings
from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

logger = logging.getLogger(__name__)

# Django wraps the driver's errors in its own; a few paths (closing, committing) can let the
# driver's through.
_CONNECTION_ERRORS = (OperationalError, InterfaceError, psycopg2.OperationalError, psycopg2.InterfaceError)


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class DatabaseUnavailableMiddleware:
    """A database connection that drops during a request answers 503 with Retry-After, not 500.

    The error means "try again", not "your request is wrong": PostgreSQL restarted, a backend was
    terminated, a failover happened. Whatever the view wrote was rolled back with the transaction
    or committed whole, and entries carry client ids, so the client's retry records them once. The
    broken connection is closed here so that the next request opens a fresh one.
    """

    RETRY_AFTER_SECONDS = 5

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, _CONNECTION_ERRORS):
            return None
        return database_unavailable(request, exception)


def database_unavailable(request, exception: Exception) -> HttpResponse:
    """The 503 answer to a dropped database connection (also given by `server_error` when the
    connection drops outside a view, e.g. while the session is saved)."""
    logger.warning("Database unavailable during %s %s: %s", request.method, request.path, exception)
    _close_broken_connections()
    if getattr(request, "htmx", False) or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse(
            {
                "error": "database_unavailable",
                "message": gettext(
                    "The system is busy and nothing was saved yet. Please try again in a few seconds."
                ),
                "retry_after": DatabaseUnavailableMiddleware.RETRY_AFTER_SECONDS,
            },
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("503.html", request=request), status=503)
    response["Retry-After"] = str(DatabaseUnavailableMiddleware.RETRY_AFTER_SECONDS)
    return response


def is_connection_error(exception: BaseException | None) -> bool:
    return isinstance(exception, _CONNECTION_ERRORS)


def _close_broken_connections() -> None:
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and not connection.is_usable():
            try:
                connection.close()
            except Exception:  # already broken; closing only forgets it
                connection.connection = None


class RefuseNulMiddleware:
    """A NUL character anywhere in the address, the query or a submitted form answers 400 with a
    reason. Nobody types one; PostgreSQL refuses it in any text, so left in, it would surface as a
    500 from whichever query first meets it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Typed forms only: reading a multipart body here would leave nothing for views that read
        # the raw body, and JSON is checked by the view that reads it.
        typed_form = request.content_type == "application/x-www-form-urlencoded"
        submitted = [request.GET, request.POST] if request.method == "POST" and typed_form else [request.GET]
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for data in submitted
            for key, values in data.lists()
        ):
            message = gettext("The request holds an invisible NUL character; it was not processed.")
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class RequestSizeMiddleware:
    """A request body larger than MAX_REQUEST_BYTES answers 413 before any of it is read: the
    largest thing anyone sends is a 5 MB roster file."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            message = gettext("The file or form sent is too large (more than %(size)s MB).") % {
                "size": settings.MAX_REQUEST_BYTES // (1024 * 1024)
            }
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
