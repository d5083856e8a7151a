"""Redis stopped or frozen: signed-in pages and recording keep working from the database, /healthz
says the broker is down, and everything is back to normal by itself once Redis returns.

Each test runs a redis-server of its own on a free port, configured as production configures the
shared cache (config/cache.py), so the shared Redis of the machine is never touched.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid

import pytest
import redis
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from config.cache import redis_cache_settings
from reports.models import Export
from sessions.models import HelpRecord
from volunteers.models import RoleAssignment

pytestmark = pytest.mark.django_db

LIMIT_SECONDS = 2.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_redis(port: int, directory) -> subprocess.Popen:
    """No automatic persistence; a SAVE asked for by a test is read back on the next start."""
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--dir", str(directory)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port, socket_connect_timeout=0.2)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            return server
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                server.kill()
                raise
            time.sleep(0.05)


@pytest.fixture
def own_redis(settings, tmp_path):
    """A redis-server of this test's own, as the app's cache (sessions, access scopes) and broker."""
    if not shutil.which("redis-server"):
        if os.environ.get("XKS_REQUIRE_SERVICES"):
            pytest.fail("needs the redis-server binary (required in this run)")
        pytest.skip("needs the redis-server binary")
    from config.celery import app

    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    state = {"server": _start_redis(port, tmp_path), "port": port, "url": url, "dir": tmp_path}
    caches = {"default": redis_cache_settings(url)}
    caches["default"]["OPTIONS"]["FAIL_SECONDS"] = 1  # the production pause is 5 s
    original_broker, original_eager = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url = url
    app.conf.task_always_eager = False  # tasks go to this Redis, as in production
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        with override_settings(CACHES=caches, ACCESS_SCOPE_CACHE=True):
            yield state
    finally:
        app.conf.broker_url, app.conf.task_always_eager = original_broker, original_eager
        server = state["server"]
        with contextlib.suppress(ProcessLookupError):
            server.send_signal(signal.SIGCONT)
        server.kill()
        server.wait(timeout=10)


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def _cached_scope_keys(port: int) -> list[bytes]:
    return redis.Redis(port=port).keys("*access-scope:v2:user:*")


def _everything_answers(client_as, world, expect_healthz: int):
    """Pages of three roles, a tap and /healthz, each within the limit; returns the tap's entry id."""
    pages = [
        ("secretary", reverse("volunteers:roster", kwargs={"code": world["commune"].code})),
        ("secretary", reverse("home")),
        ("commune_leader", reverse("reports:dashboard", kwargs={"code": world["commune"].code})),
        ("volunteer", reverse("sessions:my_shifts")),
    ]
    for role, path in pages:
        client = client_as(role)
        response, seconds = _timed(lambda c=client, p=path: c.get(p))
        assert response.status_code == 200, (role, path)
        assert seconds < LIMIT_SECONDS, (role, path, seconds)
    entry = str(uuid.uuid4())
    client = client_as("volunteer")
    tap_url = reverse(
        "sessions:record_create", kwargs={"code": world["commune"].code, "session_id": world["session"].pk}
    )
    response, seconds = _timed(
        lambda: client.post(
            tap_url,
            {"service": "vneid_install", "citizen_count": 1, "client_id": entry},
            HTTP_HX_REQUEST="true",
        )
    )
    assert response.status_code == 201 and seconds < LIMIT_SECONDS, (response.status_code, seconds)
    assert HelpRecord.objects.filter(client_id=entry).count() == 1
    response, seconds = _timed(lambda: client.get("/healthz"))
    assert response.status_code == expect_healthz and seconds < LIMIT_SECONDS, (response.status_code, seconds)
    return entry


def _export_answers(client_as, world, *, broker_up: bool):
    """Asking for a report: queued while the broker is up; a clear 503 at once, and no row left
    behind, while it is down."""
    before = Export.objects.count()
    url = reverse("reports:commune_report_export", kwargs={"code": world["commune"].code})
    response, seconds = _timed(lambda: client_as("commune_leader").post(url, {"period": "2025-08"}))
    if broker_up:
        assert response.status_code == 302 and Export.objects.count() == before + 1
    else:
        assert response.status_code == 503 and seconds < 3, (response.status_code, seconds)
        assert Export.objects.count() == before


def _wait_for_normal(client_as, world, port: int):
    """Within a few seconds of Redis's return, pages read scopes from it again."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        redis.Redis(port=port).flushall()
        client_as("secretary").get(reverse("home"))
        if _cached_scope_keys(port):
            return
        time.sleep(0.25)
    pytest.fail("the cache was not used again after Redis came back")


@pytest.mark.parametrize("outage", ["stopped", "frozen"])
def test_pages_and_taps_work_while_redis_is_down_and_all_is_normal_after(client_as, world, own_redis, outage):
    port = own_redis["port"]
    _everything_answers(client_as, world, expect_healthz=200)
    assert _cached_scope_keys(port), "scopes should be shared through this Redis"

    if outage == "stopped":
        own_redis["server"].terminate()
        own_redis["server"].wait(timeout=10)
    else:
        own_redis["server"].send_signal(signal.SIGSTOP)
    _everything_answers(client_as, world, expect_healthz=503)
    if outage == "stopped":  # a frozen broker holds a publish for its socket time-out (5 s)
        _export_answers(client_as, world, broker_up=False)
    # A role removed while Redis is down is gone at once, and stays gone when Redis returns with
    # the scopes it stored before (a frozen Redis keeps them).
    RoleAssignment.objects.filter(user=world["users"]["secretary"]).delete()
    roster = reverse("volunteers:roster", kwargs={"code": world["commune"].code})
    assert client_as("secretary").get(roster).status_code == 404

    if outage == "stopped":
        own_redis["server"] = _start_redis(port, own_redis["dir"])
    else:
        own_redis["server"].send_signal(signal.SIGCONT)
    time.sleep(1.2)  # the breaker's pause in this test
    assert client_as("secretary").get(roster).status_code == 404
    RoleAssignment.objects.create(
        user=world["users"]["secretary"], role=RoleAssignment.Role.SECRETARY, commune=world["commune"]
    )
    _wait_for_normal(client_as, world, port)
    _everything_answers(client_as, world, expect_healthz=200)
    _export_answers(client_as, world, broker_up=True)
    assert cache.get("access-scope:version") is not None


def test_a_scope_stored_before_an_outage_is_not_served_after_a_change_made_during_it(
    client_as, world, own_redis, monkeypatch
):
    """Redis down while a role is revoked: the forget cannot reach it. Redis comes back with what
    it had saved (as a Redis with persistence does), the old version and the old scope: this
    process must not read them back, even before the background retry of the forget lands
    (slowed down here)."""
    from access import scope

    monkeypatch.setattr(scope, "_RETRY_SECONDS", 30)
    port = own_redis["port"]
    roster = reverse("volunteers:roster", kwargs={"code": world["commune"].code})
    assert client_as("secretary").get(roster).status_code == 200
    assert _cached_scope_keys(port)
    redis.Redis(port=port).save()
    own_redis["server"].terminate()
    own_redis["server"].wait(timeout=10)
    RoleAssignment.objects.filter(user=world["users"]["secretary"]).delete()
    own_redis["server"] = _start_redis(port, own_redis["dir"])
    assert _cached_scope_keys(port), "Redis should be back with the scope it saved"
    assert client_as("secretary").get(roster).status_code == 404  # the breaker's pause
    time.sleep(1.2)
    assert client_as("secretary").get(roster).status_code == 404  # Redis answers again
