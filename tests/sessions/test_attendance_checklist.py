"""Attendance as a checklist: who signed up comes first and starts marked present, "everyone
present" in one tap, several outside volunteers at once, and times typed 7h, 7h30 or 07:30 (the
same reader as the shift forms)."""

import datetime
import re

import pytest

from sessions.forms import HelpSessionForm, parse_clock, parse_slots
from sessions.models import Attendance
from tests.factories import VolunteerFactory
from tests.sessions.test_planning import attendance_sheet, session_url, shift_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("7", (7, 0)),
        ("7h", (7, 0)),
        ("7h30", (7, 30)),
        ("07:30", (7, 30)),
        ("14g", (14, 0)),
        ("7 giờ 30", (7, 30)),
    ],
)
def test_times_are_read_as_people_type_them(typed, expected):
    assert parse_clock(typed) == datetime.time(*expected)


@pytest.mark.parametrize("typed", ["25h", "7h61", "abc", "7:5"])
def test_other_text_is_not_a_time(typed):
    assert parse_clock(typed) is None


def test_the_single_shift_form_accepts_what_the_run_of_shifts_accepts(world):
    assert parse_slots("14h-17h30")[0].ends_at == datetime.time(17, 30)
    form = HelpSessionForm(shift_data(world, starts_at="14h", ends_at="17h30"), commune=world["commune"])
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["starts_at"], form.cleaned_data["ends_at"]) == (
        datetime.time(14),
        datetime.time(17, 30),
    )
    refused = HelpSessionForm(shift_data(world, starts_at="2 giờ chiều"), commune=world["commune"])
    assert not refused.is_valid()
    assert "không phải là giờ như 07:30 hoặc 7h30" in str(refused.errors["starts_at"])


def _names_in_order(page: str) -> list[str]:
    return re.findall(r'data-volunteer="([^"]+)"', page)


def test_signed_up_volunteers_come_first_and_start_marked_present(client_as, world):
    VolunteerFactory(commune=world["commune"], full_name="An Văn Sớm")  # first by name, not on the team
    client = client_as("secretary")
    page = client.get(session_url(world, "session_attendance")).content.decode()
    # The member signed up; the leader is only on the team.
    assert _names_in_order(page) == [world["member"].full_name, world["leader"].full_name]
    member_line = page.split(f'data-volunteer="{world["member"].full_name}"')[1].split("</li>")[0]
    leader_line = page.split(f'data-volunteer="{world["leader"].full_name}"')[1].split("</li>")[0]
    assert 'value="yes" checked' in member_line
    assert "checked" not in leader_line
    assert "đã đăng ký" in member_line


def test_everyone_present_marks_every_line(client_as, world):
    client = client_as("secretary")
    sheet = session_url(world, "session_attendance")
    response = client.post(sheet, attendance_sheet(client, sheet, all_present="yes"))
    assert response.status_code == 302
    marked = set(
        Attendance.objects.filter(session=world["session"], present=True).values_list("volunteer", flat=True)
    )
    assert marked == {world["member"].pk, world["leader"].pk}


def test_several_outside_volunteers_are_added_at_once_and_times_typed_7h30(client_as, world):
    first = VolunteerFactory(commune=world["commune"], full_name="Đỗ Văn Đến")
    second = VolunteerFactory(commune=world["commune"], full_name="Phạm Thị Tới")
    client = client_as("secretary")
    sheet = session_url(world, "session_attendance")
    data = attendance_sheet(client, sheet, {world["member"].pk: {"present": "yes", "arrived_at": "7h30"}})
    data["add_volunteer"] = [first.pk, second.pk]
    response = client.post(sheet, data)
    assert response.status_code == 302
    assert Attendance.objects.get(session=world["session"], volunteer=first).present
    assert Attendance.objects.get(session=world["session"], volunteer=second).present
    member = Attendance.objects.get(session=world["session"], volunteer=world["member"])
    assert member.arrived_at == datetime.time(7, 30)
    assert member.present_minutes == 210


def test_a_bad_time_is_refused_with_a_message(client_as, world):
    client = client_as("secretary")
    sheet = session_url(world, "session_attendance")
    data = attendance_sheet(client, sheet, {world["member"].pk: {"present": "yes", "arrived_at": "7h61"}})
    response = client.post(sheet, data, follow=True)
    assert "“7h61” không phải là giờ như 07:30 hoặc 7h30." in response.content.decode()
    assert not Attendance.objects.filter(present=True).exists()


def test_the_shift_list_steps_through_months(client_as, world):
    from sessions.models import HelpSession

    old = HelpSession.objects.create(
        commune=world["commune"],
        place_kind="market",
        date=datetime.date(2025, 3, 14),
        starts_at=datetime.time(7),
        ends_at=datetime.time(11),
    )
    client = client_as("secretary")
    from django.urls import reverse

    url = reverse("sessions:session_list", kwargs={"code": world["commune"].code})
    default = client.get(url).content.decode()
    assert "14/03/2025" not in default
    assert 'data-testid="month-nav"' in default
    march = client.get(url, {"month": "2025-03"}).content.decode()
    assert "Các ca trực tháng 03/2025" in march
    assert f"/sessions/{old.pk}/" in march
    assert "?month=2025-02" in march and "?month=2025-04" in march
