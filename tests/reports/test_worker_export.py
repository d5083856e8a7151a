"""A large export runs in a real Celery worker through Redis, and the page offers the file."""

import datetime
import uuid

import pytest
from django.urls import reverse

from reports.models import Export
from sessions.models import HelpRecord, HelpSession, Service
from tests.celery_worker import celery_worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

RECORDS = 30_000


def test_a_province_year_of_records_is_exported_by_the_worker(client_as, world, redis_services, postgresql):
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
                citizen_count=1 + index % 3,
            )
            for index in range(RECORDS)
        ],
        batch_size=5000,
    )
    client = client_as("province_officer")
    with celery_worker() as worker:
        response = client.post(
            reverse("reports:province_records_export", kwargs={"province_code": world["province"].code}),
            {"period": "2025"},
        )
        export = Export.objects.get(user=world["users"]["province_officer"])
        assert response.url == reverse("reports:export_status", kwargs={"export_id": export.pk})
        wait_for(lambda: Export.objects.get(pk=export.pk).status in {"done", "failed"})
        assert worker.poll() is None
    export.refresh_from_db()
    assert (export.status, export.rows, export.progress) == ("done", RECORDS, 100)
    page = client.get(response.url).content.decode()
    assert "Tệp đã sẵn sàng." in page
    body = b"".join(
        client.get(reverse("reports:export_download", kwargs={"export_id": export.pk})).streaming_content
    )
    lines = body.decode("utf-8-sig").splitlines()
    assert len(lines) == RECORDS + 1
    # and nobody else gets it
    assert (
        client_as("secretary")
        .get(reverse("reports:export_download", kwargs={"export_id": export.pk}))
        .status_code
        == 404
    )
