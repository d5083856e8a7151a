"""The backup procedure of docs/operations.md, run for real on PostgreSQL: a custom-format dump of a
database with a known month, restored into a second database, gives the same dashboard there."""

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

PROJECT = Path(__file__).resolve().parent.parent


def dashboard_figures(commune_code: int) -> dict:
    """What a leader reads on the dashboard of August 2025, as plain data to compare."""
    from reports.periods import Period
    from reports.selectors import dashboard
    from volunteers.models import Commune

    board = dashboard(Period(2025, 8), commune=Commune.objects.get(code=commune_code))
    return json.loads(
        json.dumps(
            {
                "headline": dataclasses.asdict(board.headline),
                "changes": {change.key: change.delta for change in board.changes},
                "by_service": board.by_service,
                "by_team": board.by_team,
                "by_hamlet": board.by_hamlet,
                "trend": board.trend,
            },
            default=str,
        )
    )


def _libpq_env() -> dict:
    params = connection.settings_dict
    env = {**os.environ, "PGHOST": params["HOST"] or "localhost", "PGPORT": str(params["PORT"] or 5432)}
    env["PGUSER"] = params["USER"] or ""
    if params["PASSWORD"]:
        env["PGPASSWORD"] = params["PASSWORD"]
    return env


def _database_url(name: str) -> str:
    params = connection.settings_dict
    credentials = quote(params["USER"] or "")
    if params["PASSWORD"]:
        credentials += ":" + quote(params["PASSWORD"])
    return f"postgres://{credentials}@{params['HOST'] or 'localhost'}:{params['PORT'] or 5432}/{name}"


def _run(*command, env=None):
    return subprocess.run(command, env=env, capture_output=True, text=True, check=True, timeout=300)


@pytest.mark.django_db(transaction=True)
def test_a_dump_restored_into_a_second_database_gives_the_same_dashboard(postgresql, world, august, tmp_path):
    for tool in ("pg_dump", "pg_restore"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} is needed for the backup procedure")
    expected = dashboard_figures(world["commune"].code)
    assert expected["headline"]["citizen_turns"] == 39  # the known month (tests/known_month.py)

    source = connection.settings_dict["NAME"]
    restored = f"{source}_restored"
    env = _libpq_env()
    dump = tmp_path / "xks.dump"
    _run("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source, env=env)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        cursor.execute(f'CREATE DATABASE "{restored}"')
    try:
        _run("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump), env=env)
        clean = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
        result = _run(
            sys.executable,
            "-c",
            "import json, django; django.setup(); "
            "from tests.test_backup_restore import dashboard_figures; "
            f"print(json.dumps(dashboard_figures({world['commune'].code})))",
            env={
                **clean,
                "DJANGO_SETTINGS_MODULE": "config.test_settings",
                "DATABASE_URL": _database_url(restored),
                "PYTHONPATH": str(PROJECT),
            },
        )
        assert json.loads(result.stdout.strip().splitlines()[-1]) == expected
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
