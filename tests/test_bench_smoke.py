"""Small runs of the data generator and of `make bench`, so that neither can silently rot."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.models import Sum

from bench.generate import fill
from bench.synthetic import Plan
from sessions.models import Attendance, HelpRecord, HelpSession
from tests.celery_worker import _database_url
from volunteers.models import Volunteer

PROJECT = Path(__file__).resolve().parent.parent


def tiny(*, records: int, volunteers: int = 200, seed: int = 2025) -> Plan:
    """A year of one province (Phú Thọ, 148 communes), as `python -m bench generate --scale tiny`."""
    return Plan([25], volunteers, records, years=1, last_day=datetime.date(2025, 12, 31), seed=seed)


def quiet(line: str) -> None:
    pass


@pytest.mark.django_db(transaction=True)
def test_the_generator_fills_a_tiny_province(taxonomy):
    fill(tiny(records=400, volunteers=60), log=quiet)
    assert HelpRecord.objects.count() == 400
    assert Volunteer.objects.count() == 60
    assert HelpSession.objects.filter(status="held").count() > 0
    assert Attendance.objects.filter(present=True).exists()
    assert HelpRecord.objects.aggregate(total=Sum("citizen_count"))["total"] >= 400
    # about 27 shifts of ~15 records, each in a commune drawn from the province's 148
    assert HelpRecord.objects.order_by().values("commune").distinct().count() > 10
    # and a second run adds to it without breaking anything
    fill(tiny(records=100, seed=7), log=quiet)
    assert HelpRecord.objects.count() == 500


def test_bench_refuses_sqlite_with_a_clear_message():
    env = {**os.environ, "DATABASE_URL": ""}
    result = subprocess.run(
        [sys.executable, "-m", "bench"], cwd=PROJECT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "make bench: needs PostgreSQL" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_bench_runs_end_to_end_at_a_tiny_size(postgresql, taxonomy, tmp_path):
    out = tmp_path / "bench.json"
    env = {**os.environ, "DATABASE_URL": _database_url()}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    # as `make bench` does: generate if empty (twice: the second finds the data), then measure
    generate = [sys.executable, "-W", "ignore", "-m", "bench", "generate", "--if-empty", "--scale", "tiny"]
    generate += ["--records", "600", "--years", "1"]
    for expected in ("Generated 600 records", "600 records already there"):
        result = subprocess.run(generate, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-2000:]
        assert expected in result.stdout
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-m", "bench", "--quick", f"--json={out}"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    results = json.loads(out.read_text())
    assert results["sizes"]["records"] >= 600
    for key in ("dashboard", "overview", "recording"):
        assert results[key]["app"]["median_ms"] > 0 and results[key]["baseline"]["median_ms"] > 0
        assert results[key]["app"]["queries"] > 0
    assert results["sustained"]["errors"] == 0 and results["sustained"]["ok"] > 0
    assert results["sync"]["errors"] == 0 and results["sync"]["ok"] >= 200
    taps = results["tap_to_count"]["app"]
    assert taps["taps"] == 10 and taps["saved"] == 10  # each tap counted on screen, then saved once
    assert results["export"]["rows"] > 0
    assert "records/s" in result.stdout
