"""The dashboard's data warnings do not accuse volunteers of recording nothing on a shift whose
citizens were recorded as a tally by the secretary (a tally carries no volunteer)."""

import pytest
from django.urls import reverse

from reports.periods import Period
from reports.selectors import data_warnings
from sessions import services
from sessions.models import Service

pytestmark = pytest.mark.django_db


def _mark_present(world, *people):
    services.attendance_mark(
        session=world["session"],
        marks=[services.Mark(person.pk, True) for person in people],
        marked_by=world["users"]["secretary"],
    )


def _silent(world):
    warnings = data_warnings(Period.containing(world["session"].date), commune=world["commune"])
    return {attendance.volunteer for attendance in warnings["present_without_records"]}


def test_a_volunteer_present_who_recorded_nothing_is_listed(world):
    _mark_present(world, world["leader"], world["member"])
    # The member recorded one citizen (the world's record); the leader none.
    assert _silent(world) == {world["leader"]}


WARNING = "TNV có mặt nhưng chưa ghi nhận người dân nào"


def test_a_tally_without_a_volunteer_clears_the_shift(client_as, world):
    _mark_present(world, world["leader"], world["member"])
    dashboard = reverse("reports:dashboard", kwargs={"code": world["commune"].code})
    client = client_as("commune_leader")
    assert WARNING in client.get(dashboard).content.decode()
    services.record_create(
        session=world["session"],
        recorded_by=world["users"]["secretary"],
        service=Service.objects.get(code="vneid_level2"),
        citizen_count=15,
        is_tally=True,
    )
    assert _silent(world) == set()
    assert WARNING not in client.get(dashboard).content.decode()
