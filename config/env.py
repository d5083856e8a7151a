"""Read deploy-time settings from the environment, failing loudly on malformed values."""

import os
from urllib.parse import urlparse

import dj_database_url


class SettingsError(Exception):
    """A deploy-time value is missing or malformed; the message says which and how to fix it."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_env(name: str, sqlite_path) -> dict:
    """PostgreSQL when the variable is set, else the embedded SQLite file."""
    raw = env_str(name)
    if not raw:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(sqlite_path)}
    scheme = urlparse(raw).scheme
    if scheme not in {"postgres", "postgresql", "sqlite"}:
        raise SettingsError(
            f"{name}={raw!r} is not a database URL; expected postgres://USER@HOST:PORT/NAME "
            "(or leave it unset for the embedded SQLite file)."
        )
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except ValueError as error:
        raise SettingsError(f"{name}={raw!r} cannot be read: {error}") from None
    if scheme != "sqlite" and not config.get("NAME"):
        raise SettingsError(f"{name}={raw!r} names no database; add it after the last slash.")
    return config


def redis_url_from_env(name: str) -> str:
    raw = env_str(name)
    if raw and urlparse(raw).scheme not in {"redis", "rediss"}:
        raise SettingsError(
            f"{name}={raw!r} is not a Redis URL; expected redis://HOST:PORT/DB "
            "(or leave it unset to run tasks in-process)."
        )
    return raw
