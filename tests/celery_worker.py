"""Start a real Celery worker process on the test's Redis and database, for tests that need one."""

import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, suppress
from pathlib import Path

from django.db import connection

PROJECT = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    """The URL of the database the test is using right now (pytest-django's test database)."""
    settings = connection.settings_dict
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


@contextmanager
def celery_worker(*, pool: str = "solo", environment: dict[str, str] | None = None):
    """A worker with the given pool ("prefork" starts one child process, as production does, and
    enforces time limits); `environment` adds to the settings' environment."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": _database_url(),
        **(environment or {}),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    # A file, not a pipe nobody reads: a worker logging much would otherwise block on a full pipe.
    log = tempfile.NamedTemporaryFile(prefix="xks-worker-", suffix=".log", delete=False)  # noqa: SIM115
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            "--loglevel=warning",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=PROJECT,
        env=env,
        start_new_session=True,  # its own process group, so that kill_worker reaches its children
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    worker.log_path = log.name
    try:
        yield worker
    finally:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                kill_worker(worker)


def kill_worker(worker: subprocess.Popen) -> None:
    """SIGKILL the worker and its pool children at once, as the OOM killer or a stop that timed
    out does: nothing gets to acknowledge, reject or clean up."""
    with suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def wait_for(predicate, *, timeout: float = 120, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise TimeoutError("the worker did not finish in time")
