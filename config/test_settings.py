"""Settings for the test suite: the real settings with a throwaway key and a fast password hash."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")

from config.settings import *  # noqa: E402,F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A worker started by a test gets the same folder through the environment.
MEDIA_ROOT = os.environ.get("XKS_TEST_MEDIA_ROOT") or tempfile.mkdtemp(prefix="xks-test-media-")
os.environ["XKS_TEST_MEDIA_ROOT"] = MEDIA_ROOT
# The suite runs in one process, so the local-memory cache is shared enough to test the scope cache
# in every run (the PostgreSQL run tests it on Redis).
ACCESS_SCOPE_CACHE = True
# Tests that kill a worker in the middle of an export slow it down through the environment, so
# that there is a middle to kill it in (reports.services reads this between progress reports).
EXPORT_PROGRESS_PAUSE = float(os.environ.get("XKS_TEST_EXPORT_PAUSE") or 0)
# ... and look for the killed worker's unacknowledged task every second (the broker otherwise
# looks about every 100 s, which production's hour-long visibility timeout makes no matter).
if os.environ.get("XKS_TEST_EXPORT_PAUSE"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
# The browser tests' pages are served by threads of a live server, several at once (a page, its
# service worker, its outbox). An in-memory SQLite database would be one connection shared by all
# of them, where one thread's failed statement breaks the others' transactions; a file gives each
# thread its own connection, as production has. IMMEDIATE transactions wait for the write lock at
# BEGIN instead of failing on it halfway.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"xks-test-{os.getpid()}.sqlite3")
    }
    DATABASES["default"].setdefault("OPTIONS", {}).update(  # noqa: F405
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
