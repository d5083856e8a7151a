"""Planning shifts: one at a time or a run, their bad inputs, sign-up, attendance and closing."""

import datetime
import re

import pytest
from django.urls import reverse

from sessions.models import Attendance, HelpSession

pytestmark = pytest.mark.django_db


def commune_url(world, name, **kwargs):
    return reverse(f"sessions:{name}", kwargs={"code": world["commune"].code, **kwargs})


def session_url(world, name, session=None):
    session = session or world["session"]
    return reverse(f"sessions:{name}", kwargs={"code": session.commune_id, "session_id": session.pk})


def attendance_sheet(client, address, marks=None, **extra):
    """What the attendance page posts: the lines it lists, with `marks` (by volunteer id) filled in."""
    page = client.get(address).content.decode()
    lines = re.findall(r'name="attendance-(\d+)-volunteer" value="(\d+)"', page)
    data = {"attendance-TOTAL_FORMS": len(lines), "attendance-INITIAL_FORMS": len(lines)}
    for index, volunteer_id in lines:
        data[f"attendance-{index}-volunteer"] = volunteer_id
        for field, value in (marks or {}).get(int(volunteer_id), {}).items():
            data[f"attendance-{index}-{field}"] = value
    return {**data, **extra}


def shift_data(world, **changes):
    return {
        "date": world["session"].date.strftime("%d/%m/%Y"),
        "starts_at": "13:00",
        "ends_at": "17:00",
        "place_kind": "one_stop_desk",
        "volunteers_needed": 3,
        **changes,
    }


def test_a_secretary_plans_a_shift(client_as, world):
    response = client_as("secretary").post(commune_url(world, "session_create"), shift_data(world))
    assert response.status_code == 302
    assert HelpSession.objects.filter(place_kind="one_stop_desk", starts_at=datetime.time(13)).exists()


def test_a_shift_ending_before_it_starts_is_refused(client_as, world):
    before = HelpSession.objects.count()
    response = client_as("secretary").post(
        commune_url(world, "session_create"), shift_data(world, starts_at="15:00", ends_at="11:00")
    )
    assert response.status_code == 200
    assert "Giờ kết thúc ca phải sau giờ bắt đầu." in response.content.decode()
    assert HelpSession.objects.count() == before


def test_a_shift_outside_its_campaign_is_refused(client_as, world):
    campaign = world["campaign"]
    outside = campaign.ends_on + datetime.timedelta(days=1)
    response = client_as("secretary").post(
        commune_url(world, "session_create"),
        shift_data(world, date=outside.strftime("%d/%m/%Y"), campaign=campaign.pk),
    )
    assert "nằm ngoài chiến dịch “Tháng cao điểm VNeID”" in response.content.decode()
    assert not HelpSession.objects.filter(date=outside).exists()


def test_a_run_of_shifts_every_day_at_four_times(client_as, world):
    response = client_as("secretary").post(
        commune_url(world, "session_batch"),
        {
            "first_day": "09/08/2025",
            "last_day": "15/08/2025",
            "slots": "07-11, 11:00-15:00, 15h-19h, 19:00–22:00",
            "place_kind": "police_station",
            "volunteers_needed": 6,
        },
    )
    assert response.status_code == 302
    created = HelpSession.objects.filter(place_kind="police_station")
    assert created.count() == 7 * 4
    assert created.filter(
        date=datetime.date(2025, 8, 15), starts_at=datetime.time(19), ends_at=datetime.time(22)
    ).exists()
    listing = client_as("secretary").get(response.url).content.decode().split('data-testid="sessions"')[1]
    assert listing.count("Trụ sở Công an xã/phường") == 28


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slots": "11-07"}, "giờ kết thúc phải sau giờ bắt đầu"),
        ({"slots": "sáng"}, "không phải khoảng giờ"),
        ({"last_day": "01/08/2025"}, "Ngày cuối không được trước ngày đầu."),
        ({"last_day": "31/12/2026", "first_day": "01/01/2025"}, "mỗi lần chỉ tạo tối đa 500 ca"),
    ],
)
def test_a_bad_run_of_shifts_creates_nothing(client_as, world, changes, message):
    before = HelpSession.objects.count()
    data = {
        "first_day": "09/08/2025",
        "last_day": "15/08/2025",
        "slots": "07:00-11:00",
        "place_kind": "police_station",
        "volunteers_needed": 6,
        **changes,
    }
    response = client_as("secretary").post(commune_url(world, "session_batch"), data)
    assert message in response.content.decode()
    assert HelpSession.objects.count() == before


def test_a_run_outside_its_campaign_creates_nothing(client_as, world):
    campaign = world["campaign"]
    response = client_as("secretary").post(
        commune_url(world, "session_batch"),
        {
            "first_day": campaign.starts_on.strftime("%d/%m/%Y"),
            "last_day": (campaign.ends_on + datetime.timedelta(days=2)).strftime("%d/%m/%Y"),
            "slots": "07:00-11:00",
            "place_kind": "service_centre",
            "volunteers_needed": 2,
            "campaign": campaign.pk,
        },
    )
    assert "Các ca phải nằm trong thời gian chiến dịch" in response.content.decode()
    assert HelpSession.objects.filter(campaign=campaign).count() == 1


def test_volunteers_sign_up_and_withdraw(client_as, world):
    session = world["session"]
    client = client_as("team_leader")
    client.post(session_url(world, "session_signup"))
    page = client.get(session_url(world, "session_detail")).content.decode()
    assert "Rút tên" in page
    assert Attendance.objects.filter(
        session=session, volunteer=world["leader"], withdrawn_at__isnull=True
    ).exists()
    client.post(session_url(world, "session_withdraw"))
    assert Attendance.objects.get(session=session, volunteer=world["leader"]).withdrawn_at is not None
    # the member recorded a citizen already, so cannot withdraw
    response = client_as("volunteer").post(session_url(world, "session_withdraw"), follow=True)
    assert "đã ghi nhận người dân ở ca này nên không thể rút tên" in response.content.decode()


def test_the_team_leader_marks_attendance_and_the_shift_shows_needed_signed_up_present(client_as, world):
    client = client_as("team_leader")
    sheet = session_url(world, "session_attendance")
    response = client.post(
        sheet,
        attendance_sheet(
            client,
            sheet,
            {world["member"].pk: {"present": "yes", "arrived_at": "07:30"}},
            add_volunteer=world["leader"].pk,
        ),
    )
    assert response.status_code == 302
    page = client.get(session_url(world, "session_detail")).content.decode()
    figures = page.split('data-testid="session-figures"')[1]
    numbers = [chunk.split("<")[0] for chunk in figures.split('<div class="h4 mb-0"')[1:5]]
    assert [n.split(">")[-1] for n in numbers] == ["4", "2", "2", "1"]
    member = Attendance.objects.get(session=world["session"], volunteer=world["member"])
    assert member.present_minutes == 210


def test_bad_attendance_times_are_refused(client_as, world):
    client = client_as("secretary")
    sheet = session_url(world, "session_attendance")
    marks = {world["member"].pk: {"present": "yes", "arrived_at": "10:00", "left_at": "08:00"}}
    response = client.post(sheet, attendance_sheet(client, sheet, marks), follow=True)
    assert "giờ về phải sau giờ đến" in response.content.decode()
    assert not Attendance.objects.filter(present=True).exists()


def test_closing_marks_the_shift_held_and_cancelling_needs_no_records(client_as, world):
    client = client_as("secretary")
    refused = client.post(session_url(world, "session_cancel"), {"confirm": "yes"}, follow=True)
    assert "Ca này đã có lượt hỗ trợ người dân; không thể huỷ." in refused.content.decode()
    client.post(session_url(world, "session_close"), {"confirm": "yes"})
    world["session"].refresh_from_db()
    assert world["session"].status == "held" and world["session"].is_closed


def test_the_calendar_shows_the_months_shifts(client_as, world):
    month = world["session"].date.strftime("%Y-%m")
    page = client_as("commune_leader").get(
        commune_url(world, "session_list") + f"?view=calendar&month={month}"
    )
    assert page.status_code == 200
    assert "07:00–11:00 · 1/4" in page.content.decode()


def test_filters_by_team_and_place(client_as, world):
    HelpSession.objects.create(
        commune=world["commune"],
        place_kind="market",
        date=world["session"].date,
        starts_at=datetime.time(15),
        ends_at=datetime.time(19),
    )
    client = client_as("secretary")
    by_team = client.get(commune_url(world, "session_list") + f"?team={world['team'].pk}").content.decode()
    by_team = by_team.split('data-testid="sessions"')[1]
    assert "Chợ" not in by_team and "Trung tâm Phục vụ hành chính công" in by_team
    by_place = client.get(commune_url(world, "session_list") + "?place_kind=market").content.decode()
    by_place = by_place.split('data-testid="sessions"')[1]
    assert "Chợ" in by_place and "Trung tâm Phục vụ hành chính công" not in by_place


def test_a_campaign_with_targets_shows_its_progress(client_as, world):
    from sessions.models import Service

    client = client_as("secretary")
    response = client.post(
        commune_url(world, "campaign_create"),
        {
            "name": "Cao điểm đổi thẻ đảng viên",
            "starts_on": "09/08/2025",
            "ends_on": "15/08/2025",
            "targets-TOTAL_FORMS": 1,
            "targets-INITIAL_FORMS": 0,
            "targets-0-label": "7.000 đảng viên được hỗ trợ",
            "targets-0-metric": "citizen_turns",
            "targets-0-service": Service.objects.get(code="party_card_renewal").pk,
            "targets-0-value": 7000,
        },
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "7.000 đảng viên được hỗ trợ" in page
    assert "0</strong> / 7.000" in page


def test_attendance_works_for_volunteers_with_large_ids(client_as, world):
    from tests.factories import VolunteerFactory

    newcomer = VolunteerFactory(id=12345, commune=world["commune"], full_name="Mai Văn Xuân")
    client = client_as("secretary")
    page = client.get(session_url(world, "session_attendance")).content.decode()
    assert 'value="12345"' in page  # not "12.345": ids are never formatted as numbers
    sheet = session_url(world, "session_attendance")
    response = client.post(sheet, attendance_sheet(client, sheet, add_volunteer="12345"))
    assert response.status_code == 302
    assert Attendance.objects.get(volunteer=newcomer).present


def test_a_team_leader_assigns_a_volunteer_and_sees_the_team_calendar(client_as, world):
    client = client_as("team_leader")
    response = client.post(
        session_url(world, "session_assign"), {"volunteer": world["leader"].pk}, follow=True
    )
    assert "Trần Văn Bình đã được phân công vào ca này." in response.content.decode()
    attendance = Attendance.objects.get(session=world["session"], volunteer=world["leader"])
    assert attendance.assigned_by == world["users"]["team_leader"]
    month = world["session"].date.strftime("%Y-%m")
    calendar_page = client.get(
        reverse("sessions:team_sessions", kwargs={"code": world["commune"].code, "team_id": world["team"].pk})
        + f"?view=calendar&month={month}"
    )
    assert "07:00–11:00 · 2/4" in calendar_page.content.decode()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        (
            "session_attendance",
            {
                "attendance-TOTAL_FORMS": "1",
                "attendance-INITIAL_FORMS": "0",
                "attendance-0-volunteer": "abc",
                "attendance-0-present": "yes",
                "add_volunteer": "x",
            },
        ),
        ("session_assign", {"volunteer": "x"}),
    ],
)
def test_malformed_ids_get_a_message_not_a_server_error(client_as, world, name, data):
    response = client_as("secretary").post(session_url(world, name), data, follow=True)
    assert response.status_code == 200
    assert "Hãy chọn một tình nguyện viên của xã/phường." in response.content.decode()


def test_out_of_range_dates_get_a_message_not_a_server_error(client_as, world):
    client = client_as("secretary")
    assert client.get(commune_url(world, "session_list") + "?view=calendar&month=9999-12").status_code == 200
    response = client.post(
        commune_url(world, "session_batch"),
        {
            "first_day": "31/12/9999",
            "last_day": "31/12/9999",
            "slots": "07:00-11:00",
            "place_kind": "market",
            "volunteers_needed": 2,
        },
    )
    assert "Hãy chọn ngày trong khoảng 2000–2100." in response.content.decode()


def test_a_shift_with_volunteers_present_cannot_be_cancelled_and_edits_move_hours(client_as, world):
    from sessions import services

    services.attendance_mark(
        session=world["session"],
        marks=[services.Mark(world["leader"].pk, True)],
        marked_by=world["users"]["secretary"],
    )
    services.record_delete(record=world["record"], deleted_by=world["users"]["secretary"])
    client = client_as("secretary")
    refused = client.post(session_url(world, "session_cancel"), {"confirm": "yes"}, follow=True)
    assert "đã có tình nguyện viên có mặt" in refused.content.decode()
    client.post(session_url(world, "session_edit"), shift_data(world, starts_at="07:00", ends_at="08:00"))
    assert Attendance.objects.get(session=world["session"], volunteer=world["leader"]).present_minutes == 60


def test_attendance_cannot_be_marked_ahead_of_the_shift(client_as, world):
    later = HelpSession.objects.create(
        commune=world["commune"],
        place_kind="market",
        date=world["session"].date + datetime.timedelta(days=20),
        starts_at=datetime.time(7),
        ends_at=datetime.time(11),
    )
    client = client_as("secretary")
    sheet = session_url(world, "session_attendance", later)
    response = client.post(
        sheet, attendance_sheet(client, sheet, add_volunteer=world["leader"].pk), follow=True
    )
    assert "Điểm danh vào ngày của ca trực hoặc sau đó." in response.content.decode()
    assert not Attendance.objects.filter(session=later).exists()
