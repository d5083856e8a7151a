"""The dashboard and the province overview run the same number of queries however much data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions.models import Attendance, HelpRecord, HelpSession, Service
from tests.factories import HamletFactory, TeamFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


def grow(world, size):
    commune = world["commune"]
    services = list(Service.objects.all())
    for index in range(size):
        team = TeamFactory(commune=commune)
        hamlet = HamletFactory(commune=commune)
        people = [VolunteerFactory(commune=commune) for _ in range(3)]
        session = HelpSession.objects.create(
            commune=commune,
            team=team,
            hamlet=hamlet,
            place_kind="market",
            status="held",
            date=datetime.date(2025, 8, 1 + index % 28),
            starts_at=datetime.time(7),
            ends_at=datetime.time(11),
        )
        for person in people:
            Attendance.objects.create(session=session, volunteer=person, present=True)
        for offset in range(5):
            HelpRecord.objects.create(
                session=session,
                commune=commune,
                service=services[(index + offset) % len(services)],
                volunteer=people[offset % 3],
                hamlet=hamlet,
                recorded_by=world["users"]["secretary"],
                helped_at=datetime.datetime(2025, 8, 1 + index % 28, 8, tzinfo=datetime.UTC),
            )


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "role, url_name", [("commune_leader", "dashboard"), ("province_officer", "overview")]
)
def test_query_count_does_not_grow_with_data(client_as, world, role, url_name):
    client = client_as(role)
    if url_name == "dashboard":
        url = reverse("reports:dashboard", kwargs={"code": world["commune"].code}) + "?period=2025-08"
    else:
        url = (
            reverse("reports:province_overview", kwargs={"province_code": world["province"].code})
            + "?period=2025-08"
        )
    grow(world, 2)
    small = count_queries(client, url)
    grow(world, 25)
    large = count_queries(client, url)
    assert small == large
