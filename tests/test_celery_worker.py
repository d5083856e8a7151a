"""A real Celery worker process completes a task sent through Redis."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture
def celery_worker_process(redis_services):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=warning",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield worker
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()


def test_a_worker_completes_a_task_through_redis(celery_worker_process):
    from config.tasks import ping

    result = ping.delay()
    assert result.get(timeout=60) == "pong"
    assert celery_worker_process.poll() is None, "the worker stopped"
