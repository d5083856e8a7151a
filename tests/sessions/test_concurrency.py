"""Two requests carrying the same entry id at the same moment leave exactly one record."""

import threading
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from sessions.models import HelpRecord


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
