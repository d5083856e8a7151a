"""A team leader's scope is the team: on a shift's pages they see and assign only their team's
members and those signed up for their team's shifts, never the whole commune."""

import pytest
from django.urls import reverse

from sessions.models import Attendance
from tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def test_the_team_leader_sees_only_the_team_on_the_shift_pages(client_as, world):
    outsider = VolunteerFactory(commune=world["commune"], full_name="Phạm Ngoài Đội")
    kwargs = {"code": world["commune"].code, "session_id": world["session"].pk}
    leader = client_as("team_leader")
    for name in ("sessions:session_detail", "sessions:session_attendance"):
        page = leader.get(reverse(name, kwargs=kwargs)).content.decode()
        assert "Phạm Ngoài Đội" not in page, name
    # The secretary still sees everyone of the commune.
    page = client_as("secretary").get(reverse("sessions:session_attendance", kwargs=kwargs)).content.decode()
    assert "Phạm Ngoài Đội" in page

    # A crafted request to assign or mark the outsider changes nothing.
    leader = client_as("team_leader")
    leader.post(reverse("sessions:session_assign", kwargs=kwargs), {"volunteer": outsider.pk})
    data = {
        "attendance-TOTAL_FORMS": "1",
        "attendance-INITIAL_FORMS": "0",
        "attendance-MIN_NUM_FORMS": "0",
        "attendance-MAX_NUM_FORMS": "1000",
        "attendance-0-volunteer": outsider.pk,
        "attendance-0-present": "yes",
    }
    response = leader.post(reverse("sessions:session_attendance", kwargs=kwargs), data, follow=True)
    assert not Attendance.objects.filter(session=world["session"], volunteer=outsider).exists()
    assert "Chỉ điểm danh được tình nguyện viên thuộc đội hình của ca này." in response.content.decode()
