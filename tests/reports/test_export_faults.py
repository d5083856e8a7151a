"""Exports always end: stopped exports are queued again once then failed, failures are recorded
even on a dropped connection, the page stops waiting, and a missing broker or file says so."""

import datetime
import socket
import time

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from reports import exports, services
from reports.models import Export
from reports.tasks import run_export, sweep_exports

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager(monkeypatch):
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


def _export(world, user="secretary", **fields) -> Export:
    return Export.objects.create(
        user=world["users"][user],
        kind=Export.Kind.COMMUNE_REPORT,
        params={"commune": world["commune"].code, "period": "2025-08"},
        **fields,
    )


def _status_url(export) -> str:
    return reverse("reports:export_status", kwargs={"export_id": export.pk})


def _quiet_since(minutes: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=minutes)


def test_it_queues_a_stalled_export_again_once_then_fails_it(world, eager, monkeypatch, settings):
    export = _export(world, status=Export.Status.RUNNING, progress=8, runs=1)
    Export.objects.filter(pk=export.pk).update(heartbeat_at=_quiet_since(30))
    monkeypatch.setattr(exports, "commune_report_xlsx", _stalls)  # the worker dies again

    assert sweep_exports() == {"requeued": 1, "failed": 0}
    export.refresh_from_db()
    assert (export.status, export.requeues, export.runs) == ("failed", 1, 2)  # ran again, failed

    # A stall the second time round: the sweep gives up with a reason the user can read.
    Export.objects.filter(pk=export.pk).update(status="running", heartbeat_at=_quiet_since(30))
    assert sweep_exports() == {"requeued": 0, "failed": 1}
    export.refresh_from_db()
    assert export.status == "failed" and export.requeues == 1
    assert export.error == "Việc tạo tệp đã dừng và không tiếp tục được; vui lòng thử lại."


def _stalls(**kwargs):
    raise RuntimeError("worker lost")


def test_it_finishes_a_stalled_export_it_queues_again(world, eager):
    export = _export(world, status=Export.Status.RUNNING, progress=8, runs=1)
    Export.objects.filter(pk=export.pk).update(heartbeat_at=_quiet_since(30))
    assert sweep_exports() == {"requeued": 1, "failed": 0}
    export.refresh_from_db()
    assert (export.status, export.progress, export.requeues, export.runs) == ("done", 100, 1, 2)


def test_it_leaves_exports_that_show_signs_of_life_alone(world, eager):
    running = _export(world, status=Export.Status.RUNNING, progress=40)
    waiting = _export(world)
    Export.objects.filter(pk=waiting.pk).update(heartbeat_at=_quiet_since(5))  # a queue, not lost
    assert sweep_exports() == {"requeued": 0, "failed": 0}
    assert Export.objects.get(pk=running.pk).status == "running"
    assert Export.objects.get(pk=waiting.pk).status == "pending"


def test_it_queues_an_export_left_pending_too_long(world, eager):
    export = _export(world)
    Export.objects.filter(pk=export.pk).update(heartbeat_at=_quiet_since(60))  # its queue was lost
    assert sweep_exports() == {"requeued": 1, "failed": 0}
    assert Export.objects.get(pk=export.pk).status == "done"


def test_it_runs_an_export_delivered_twice_into_one_file(world, settings):
    export = _export(world)
    run_export(str(export.pk))
    export.refresh_from_db()
    first_file = export.file.name
    # The broker gives the task back (its worker was lost after the file was written but before
    # it acknowledged): the export starts over and leaves one file.
    Export.objects.filter(pk=export.pk).update(status="running", progress=60)
    run_export(str(export.pk))
    export.refresh_from_db()
    assert (export.status, export.progress, export.runs) == ("done", 100, 2)
    storage = export.file.storage
    assert storage.exists(export.file.name)
    assert export.file.name == first_file or not storage.exists(first_file)
    # Delivered once more after it ended: nothing happens.
    run_export(str(export.pk))
    assert Export.objects.get(pk=export.pk).runs == 2


def test_it_gives_up_on_an_export_that_keeps_killing_its_worker(world):
    export = _export(world, status=Export.Status.RUNNING, runs=services.EXPORT_MAX_RUNS)
    run_export(str(export.pk))
    export.refresh_from_db()
    assert export.status == "failed"
    assert export.error == "Không tạo được tệp sau nhiều lần thử."


def test_it_marks_an_export_failed_when_the_database_errs(world, monkeypatch):
    export = _export(world)

    def database_error(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(exports, "commune_report_xlsx", database_error)
    run_export(str(export.pk))
    export.refresh_from_db()
    assert (export.status, export.error) == ("failed", "Không tạo được tệp; vui lòng thử lại.")
    assert export.finished_at is not None


def test_the_page_polls_while_the_export_moves(client_as, world):
    export = _export(world, status=Export.Status.RUNNING, progress=30)
    page = client_as("secretary").get(_status_url(export)).content.decode()
    assert 'hx-trigger="every 1s"' in page and "30%" in page
    assert 'data-testid="export-again"' not in page


def test_the_page_stops_polling_and_offers_to_try_again_once_nothing_moves(client_as, world):
    export = _export(world, status=Export.Status.RUNNING, progress=8)
    Export.objects.filter(pk=export.pk).update(heartbeat_at=_quiet_since(3))
    client = client_as("secretary")
    for response in [
        client.get(_status_url(export)),
        client.get(_status_url(export), HTTP_HX_REQUEST="true"),
    ]:
        page = response.content.decode()
        assert response.status_code == 200
        assert "hx-trigger" not in page and "hx-get" not in page
        assert "Không thấy tiến triển một lúc" in page
        assert 'data-testid="export-again"' in page


def test_a_failed_export_shows_why_and_offers_to_try_again(client_as, world):
    export = _export(world, status=Export.Status.FAILED, error="Không tạo được tệp; vui lòng thử lại.")
    page = client_as("secretary").get(_status_url(export)).content.decode()
    assert "hx-trigger" not in page
    assert "Không tạo được tệp; vui lòng thử lại." in page and "Thử lại" in page


def test_trying_again_makes_a_new_export_of_the_same_place(client_as, world, eager):
    export = _export(world, status=Export.Status.FAILED, error="x")
    response = client_as("secretary").post(reverse("reports:export_again", kwargs={"export_id": export.pk}))
    again = Export.objects.exclude(pk__in=[export.pk, world["export"].pk]).get(
        user=world["users"]["secretary"]
    )
    assert response.status_code == 302 and response.url == _status_url(again)
    assert again.params == export.params and again.status == "done"


def test_only_the_asker_may_try_again_and_only_by_post(client_as, world, eager):
    export = _export(world, status=Export.Status.FAILED, error="x")
    url = reverse("reports:export_again", kwargs={"export_id": export.pk})
    assert client_as("secretary").get(url).status_code == 405
    for role in ["commune_leader", "other_secretary"]:
        assert client_as(role).post(url).status_code == 404
    world["users"]["secretary"].role_assignments.all().delete()
    assert client_as("secretary").post(url).status_code == 404
    assert Export.objects.filter(kind=export.kind, params=export.params).count() == 2  # world's + this


def test_a_file_that_is_gone_answers_410_and_offers_to_make_it_again(client_as, world):
    export = world["export"]
    export.refresh_from_db()
    assert export.status == "done"
    export.file.storage.delete(export.file.name)
    response = client_as("secretary").get(reverse("reports:export_download", kwargs={"export_id": export.pk}))
    assert response.status_code == 410
    page = response.content.decode()
    assert "không còn trên máy chủ" in page
    assert reverse("reports:export_again", kwargs={"export_id": export.pk}) in page


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_broker_answers_503_at_once_and_leaves_no_row(client_as, world, monkeypatch):
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_url", f"redis://127.0.0.1:{_closed_port()}/0")
    monkeypatch.setitem(app.conf, "broker_write_url", None)
    before = Export.objects.count()
    client = client_as("commune_leader")
    started = time.monotonic()
    response = client.post(
        reverse("reports:commune_report_export", kwargs={"code": world["commune"].code}),
        {"period": "2025-08"},
    )
    assert time.monotonic() - started < 3
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "Không kết nối được tới dịch vụ tạo tệp" in response.content.decode()
    assert Export.objects.count() == before
