"""Shared fixtures: users, a signed-in client, and gates for tests that need outside services."""

import os

import pytest
from django.conf import settings


@pytest.fixture
def password():
    return "a-Strong-pass-2025"


@pytest.fixture
def make_user(db, password):
    from django.contrib.auth import get_user_model

    def make(username="user", **extra):
        return get_user_model().objects.create_user(username=username, password=password, **extra)

    return make


def _require(reason: str, required: bool):
    if required:
        pytest.fail(f"{reason} (required in this run)")
    pytest.skip(reason)


@pytest.fixture
def redis_services():
    """PostgreSQL and Redis, as CI's second run gives them; skips in the embedded run."""
    if not settings.REDIS_URL or settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        _require(
            "needs DATABASE_URL (PostgreSQL) and REDIS_URL", bool(os.environ.get("XKS_REQUIRE_SERVICES"))
        )
    return settings.REDIS_URL
