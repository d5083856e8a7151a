"""A worker killed in the middle of an export: the export completes by itself on the next worker,
and a failure on a dropped database connection is still recorded (PostgreSQL + Redis run)."""

import datetime
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from reports import exports
from reports.models import Export
from reports.tasks import run_export
from sessions.models import HelpRecord, HelpSession, Service
from tests.celery_worker import celery_worker, kill_worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

RECORDS = 20_000
# The killed worker's task comes back once the broker's visibility timeout has passed, which must
# be longer than the export's hard time limit (config/settings.py); both are short here.
WORKER_ENVIRONMENT = {
    "XKS_TEST_EXPORT_PAUSE": "0.2",  # 20 progress reports: about 4 s for the export
    "EXPORT_TIME_LIMIT": "12",
    "CELERY_VISIBILITY_TIMEOUT": "15",
}


def _records(world, count: int) -> None:
    session = HelpSession.objects.create(
        commune=world["commune"],
        place_kind="service_centre",
        date=datetime.date(2025, 3, 1),
        starts_at=datetime.time(7),
        ends_at=datetime.time(11),
        status="held",
    )
    services = list(Service.objects.all())
    helped_at = datetime.datetime(2025, 3, 1, 2, tzinfo=datetime.UTC)
    HelpRecord.objects.bulk_create(
        [
            HelpRecord(
                client_id=uuid.uuid4(),
                session=session,
                commune=world["commune"],
                service=services[index % len(services)],
                recorded_by=world["users"]["secretary"],
                helped_at=helped_at,
            )
            for index in range(count)
        ],
        batch_size=5000,
    )


def _log(worker) -> str:
    with open(worker.log_path, encoding="utf-8", errors="replace") as log:
        return log.read()[-3000:]


def test_an_export_whose_worker_is_killed_completes_on_the_next_worker(
    client_as, world, redis_services, postgresql
):
    from config.celery import app

    app.control.purge()  # tasks queued by earlier tests whose rows are gone
    _records(world, RECORDS)
    client = client_as("province_officer")
    with celery_worker(pool="prefork", environment=WORKER_ENVIRONMENT) as first:
        response = client.post(
            reverse("reports:province_records_export", kwargs={"province_code": world["province"].code}),
            {"period": "2025"},
        )
        export = Export.objects.get(user=world["users"]["province_officer"])
        assert response.url == reverse("reports:export_status", kwargs={"export_id": export.pk})
        started = wait_for(
            lambda: Export.objects.filter(pk=export.pk, status="running", progress__gte=10).first(),
            timeout=30,
            every=0.1,
        )
        assert started.progress < 100, _log(first)
        kill_worker(first)
    export.refresh_from_db()
    assert export.status == "running" and export.progress < 100  # stopped mid-way

    with celery_worker(pool="prefork", environment=WORKER_ENVIRONMENT) as second:
        wait_for(lambda: Export.objects.get(pk=export.pk).status in {"done", "failed"}, timeout=60)
        assert second.poll() is None, _log(second)
    export.refresh_from_db()
    assert export.status == "done", export.error
    assert (export.rows, export.progress, export.runs) == (RECORDS, 100, 2)
    page = client.get(response.url).content.decode()
    assert "Tệp đã sẵn sàng." in page
    body = b"".join(
        client.get(reverse("reports:export_download", kwargs={"export_id": export.pk})).streaming_content
    )
    assert len(body.decode("utf-8-sig").splitlines()) == RECORDS + 1


def test_a_failure_is_recorded_even_when_the_database_connection_was_dropped(world, postgresql, monkeypatch):
    export = Export.objects.create(
        user=world["users"]["secretary"],
        kind=Export.Kind.COMMUNE_REPORT,
        params={"commune": world["commune"].code, "period": "2025-08"},
    )

    def connection_dropped(**kwargs):
        # The server ends this backend, as a restart or a failover does, in the middle of the work.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")

    monkeypatch.setattr(exports, "commune_report_xlsx", connection_dropped)
    run_export(str(export.pk))
    export.refresh_from_db()
    assert (export.status, export.error) == ("failed", "Không tạo được tệp; vui lòng thử lại.")
