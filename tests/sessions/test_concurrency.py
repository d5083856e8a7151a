"""Requests at the same moment: one entry id records once, a shift being recorded on cannot be
cancelled, and volunteers recording on one shift do not queue behind each other."""

import datetime
import threading
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sessions.models import HelpRecord, HelpSession, Service


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_posts_of_the_same_entry_record_once(postgresql, world):
    url = reverse(
        "sessions:record_create", kwargs={"code": world["commune"].code, "session_id": world["session"].pk}
    )
    entry = str(uuid.uuid4())
    barrier = threading.Barrier(4)
    statuses = []

    def post():
        from django.db import connections

        client = Client()
        client.force_login(world["users"]["volunteer"])
        barrier.wait()
        response = client.post(
            url, {"service": "vneid_install", "citizen_count": 1, "client_id": entry}, HTTP_HX_REQUEST="true"
        )
        statuses.append(response.status_code)
        connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [200, 200, 200, 201]
    assert HelpRecord.objects.filter(client_id=entry).count() == 1


def _fresh_shift(world):
    from sessions import services

    shift = HelpSession.objects.create(
        commune=world["commune"],
        place_kind="service_centre",
        date=timezone.localdate(),
        starts_at=datetime.time(0, 0),
        ends_at=datetime.time(23, 59),
    )
    services.signup(session=shift, volunteer=world["member"])
    services.signup(session=shift, volunteer=world["leader"])
    return shift


def _record_and_hold(shift, recorded_by, volunteer, holding: threading.Event, release: threading.Event):
    """Record on the shift inside a transaction that stays open until `release` is set."""
    from django.db import connections, transaction

    from sessions import services

    try:
        with transaction.atomic():
            services.record_create(
                session=shift,
                recorded_by=recorded_by,
                service=Service.objects.get(code="vneid_install"),
                volunteer=volunteer,
            )
            holding.set()
            release.wait(timeout=10)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_a_shift_cannot_be_cancelled_while_a_citizen_is_being_recorded_on_it(postgresql, world):
    from django.db import connections

    from sessions import services

    shift = _fresh_shift(world)
    holding, release = threading.Event(), threading.Event()
    recorder = threading.Thread(
        target=_record_and_hold, args=(shift, world["users"]["volunteer"], world["member"], holding, release)
    )
    recorder.start()
    assert holding.wait(timeout=10)
    outcome = []

    def cancel():
        try:
            services.session_cancel(session=shift)
            outcome.append("cancelled")
        except services.SessionError as refused:
            outcome.append(str(refused))
        finally:
            connections.close_all()

    canceller = threading.Thread(target=cancel)
    canceller.start()
    canceller.join(timeout=1)
    assert canceller.is_alive(), "the cancel must wait for the recording to finish"
    release.set()
    recorder.join(timeout=10)
    canceller.join(timeout=10)
    assert outcome and outcome[0] != "cancelled"
    shift.refresh_from_db()
    assert not shift.is_cancelled
    assert shift.records.filter(deleted_at__isnull=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_volunteers_record_on_one_shift_without_waiting_for_each_other(postgresql, world):
    shift = _fresh_shift(world)
    holding, release = threading.Event(), threading.Event()
    first = threading.Thread(
        target=_record_and_hold, args=(shift, world["users"]["volunteer"], world["member"], holding, release)
    )
    first.start()
    assert holding.wait(timeout=10)
    done = threading.Event()
    second = threading.Thread(
        target=_record_and_hold,
        args=(shift, world["users"]["team_leader"], world["leader"], done, threading.Event()),
    )
    second.start()
    try:
        # The second volunteer's entry is in while the first one's transaction is still open.
        assert done.wait(timeout=3)
    finally:
        release.set()
        first.join(timeout=10)
        second.join(timeout=15)
    assert shift.records.count() == 2
