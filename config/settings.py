"""Settings for Xung Kích Số. Every deploy-time value comes from the environment (see README).

With no environment the app runs on its embedded defaults: a SQLite file and Celery tasks run
in-process. DATABASE_URL and REDIS_URL switch to PostgreSQL and a Celery worker on Redis.
"""

import datetime
from pathlib import Path

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from config.cache import redis_cache_settings
from config.env import (
    SettingsError,
    database_from_env,
    env_bool,
    env_int,
    env_list,
    env_str,
    redis_url_from_env,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise SettingsError("SECRET_KEY is required when DEBUG is off (set DEBUG=1 for development).")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "volunteers",
    "sessions.apps.HelpSessionsConfig",
    "reports",
    "access",
    "axes",
    "csp",
    "auditlog",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML compressed (static files come compressed from WhiteNoise, above). Django's GZip pads
    # each response with random bytes against BREACH-style guessing of the CSRF token.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "config.middleware.RequestSizeMiddleware",
    "config.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "csp.middleware.CSPMiddleware",
    # Who did it and from where, on every audit entry written during a request (docs/security.md).
    "auditlog.middleware.AuditlogMiddleware",
    # Last, as django-axes asks: answers a locked-out sign-in with its own page.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp): scripts only from this site's own files, never inline, so
# that injected markup cannot run; pages are not framed by other sites. Inline styles stay allowed
# (the charts and a few layouts set them; a style cannot run code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Invitation links to set a password expire after three days (volunteers/tokens.py).
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

# No request body may be larger than this (a roster file is at most 5 MB).
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 8 * 1024 * 1024)

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one account from
# one address, that account cannot sign in from that address for AXES_COOLOFF_TIME. Failures are
# counted per account and address together, never per address alone: a commune's volunteers often
# share one mobile operator's address (NAT), and one person's mistakes or an attack on one account
# must not lock the others out. An administrator unlocks at once with
# `manage.py axes_reset_username USERNAME` (docs/operations.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "volunteers.backends.PhoneNumberBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "config.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": database_from_env("DATABASE_URL", BASE_DIR / "db.sqlite3")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Pages ask small questions; starting parallel query workers for them costs more (~20 ms each
    # on two cores) than it saves. Measured in docs/performance.md.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c max_parallel_workers_per_gather=0"
    # A database that does not answer (a dropped link, a host gone) fails a request in seconds,
    # answered 503 by config.middleware, instead of holding the worker for the system's TCP time-out.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first, English second; dates dd/mm/yyyy in both (config/formats).
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_THOUSAND_SEPARATOR = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end libraries come from npm at set-up (package.json, package-lock.json) and are served
# from node_modules by the app itself: no CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/idb", BASE_DIR / "node_modules" / "idb" / "build"),
    # workbox-sw loads its modules from one folder (static/js/sw.js sets it): all builds go there.
    *[
        ("vendor/workbox", BASE_DIR / "node_modules" / package / "build")
        for package in (
            "workbox-sw",
            "workbox-core",
            "workbox-routing",
            "workbox-strategies",
            "workbox-expiration",
        )
    ],
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery and cache: Redis when REDIS_URL is set, otherwise in-process tasks and local memory.
REDIS_URL = redis_url_from_env("REDIS_URL")
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Work that must not be lost (Celery's guide on acks_late and reliability): a task is taken off
# the queue only once it has ended, a worker that dies mid-task gives it back, and each worker
# process holds one long task at a time. Every task here is safe to run twice (exports start
# over, the rollup and erasures recompute; reminders are the one exception, see sessions/tasks.py).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The longest task is an export: past the soft limit it stops and is marked failed, past the hard
# limit its process is killed. The broker hands an unacknowledged task to another worker after the
# visibility timeout, which must therefore be longer than the hard limit, or a slow export would
# run twice at once.
EXPORT_TIME_LIMIT = env_int("EXPORT_TIME_LIMIT", 30 * 60)
EXPORT_SOFT_TIME_LIMIT = EXPORT_TIME_LIMIT - max(1, min(60, EXPORT_TIME_LIMIT // 10))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 2 * EXPORT_TIME_LIMIT),
    # Publishing from a request must not hold it: an unreachable or frozen broker fails fast.
    "socket_connect_timeout": 3,
    "socket_timeout": 5,
}
if CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= EXPORT_TIME_LIMIT:
    raise SettingsError(
        f"CELERY_VISIBILITY_TIMEOUT={CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout']} must be "
        f"longer than EXPORT_TIME_LIMIT={EXPORT_TIME_LIMIT} (seconds), or slow exports run twice."
    )
# Exports that stopped: the sweep (every minute) re-queues an export whose worker has shown no
# sign of life for EXPORT_STALLED_AFTER seconds, or that waited in the queue for
# EXPORT_PENDING_AFTER, once; the next time it fails it with a reason. Its page polls while the
# export shows signs of life within EXPORT_POLL_QUIET seconds, then offers to try again.
EXPORT_STALLED_AFTER = env_int("EXPORT_STALLED_AFTER", 5 * 60)
EXPORT_PENDING_AFTER = env_int("EXPORT_PENDING_AFTER", 15 * 60)
EXPORT_REQUEUES = 1
EXPORT_POLL_QUIET = env_int("EXPORT_POLL_QUIET", 2 * 60)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "remind-volunteers-of-tomorrows-shifts": {
        "task": "sessions.tasks.send_shift_reminders",
        "schedule": crontab(hour=17, minute=0),
    },
    "tally-the-month-that-ended": {
        "task": "reports.tasks.close_month",
        "schedule": crontab(day_of_month=1, hour=0, minute=30),
    },
    "refresh-stale-monthly-sums": {
        "task": "reports.tasks.refresh_stale_tallies",
        "schedule": crontab(minute="*/5"),
    },
    "erase-expired-citizen-contacts": {
        "task": "sessions.tasks.erase_expired_contacts",
        "schedule": crontab(hour=2, minute=30),
    },
    "sweep-stopped-exports": {
        "task": "reports.tasks.sweep_exports",
        "schedule": 60.0,
    },
}

# The cache only ever speeds things up: while Redis is down it answers as a miss, after a short
# time-out, and pages and recording go to the database (config/cache.py).
if REDIS_URL:
    CACHES = {"default": redis_cache_settings(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each user's access scope (roles, volunteer, led teams) is cached only when the cache is shared by
# every process (Redis): a change must reach all of them (access/scope.py, access/signals.py).
ACCESS_SCOPE_CACHE = bool(REDIS_URL)
# Sessions live in the database alone. A cached copy would save one primary-key query per request
# but must never outlive its row: a sign-out during a Redis outage would delete the row and fail to
# delete the cached copy, which would sign the user back in when Redis returns.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# E-mail: the console by default, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Xung Kích Số <no-reply@localhost>")

# Production hardening: on whenever DEBUG is off (check --deploy passes with a real key and host).
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
