"""Check-in at the desk by scanning the shift's QR code: in time, too early, after the end, not
signed up, twice (check-out), another commune's shift; minutes follow the scans."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions import services
from sessions.models import Attendance, HelpSession
from tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def around_now(world, before_minutes=60, after_minutes=60, **extra):
    """A shift of the world's team happening now (kept inside today whatever the hour)."""
    now = timezone.localtime()
    start = max(now - datetime.timedelta(minutes=before_minutes), now.replace(hour=0, minute=0))
    end = min(now + datetime.timedelta(minutes=after_minutes), now.replace(hour=23, minute=59))
    return HelpSession.objects.create(
        commune=world["commune"],
        team=extra.pop("team", world["team"]),
        place_kind="one_stop_desk",
        date=now.date(),
        starts_at=start.time().replace(second=0, microsecond=0),
        ends_at=end.time().replace(second=0, microsecond=0),
        **extra,
    )


def checkin_url(shift):
    return reverse(
        "sessions:session_checkin", args=[shift.commune_id, shift.pk, services.checkin_code_for(shift)]
    )


def attendance(world, shift):
    return Attendance.objects.filter(session=shift, volunteer=world["member"]).first()


def test_a_volunteer_of_the_team_scanning_in_time_is_checked_in_from_that_moment(client_as, world):
    shift = around_now(world)
    response = client_as("volunteer").get(checkin_url(shift))
    assert response.status_code == 200
    assert "Bạn đã điểm danh có mặt từ" in response.content.decode()
    mark = attendance(world, shift)
    assert mark.present is True and mark.checked_in_at is not None and not mark.joined_by_scan
    assert mark.arrived_at == timezone.localtime(mark.checked_in_at).time().replace(second=0, microsecond=0)
    # The secretary sees it on the attendance sheet.
    sheet = client_as("secretary").get(
        reverse("sessions:session_attendance", args=[shift.commune_id, shift.pk])
    )
    assert f"Quét mã vào {timezone.localtime(mark.checked_in_at):%H:%M}" in sheet.content.decode()


def test_scanning_twice_at_once_changes_nothing_and_later_checks_out(world):
    shift = around_now(world, 120, 120)
    volunteer, user = world["member"], world["users"]["volunteer"]
    start = timezone.now() - datetime.timedelta(minutes=90)
    first = services.attendance_scan(session=shift, volunteer=volunteer, user=user, now=start)
    again = services.attendance_scan(
        session=shift, volunteer=volunteer, user=user, now=start + datetime.timedelta(seconds=20)
    )
    assert (first.action, again.action) == ("in", "same")
    out = services.attendance_scan(
        session=shift, volunteer=volunteer, user=user, now=start + datetime.timedelta(minutes=75)
    )
    assert out.action == "out"
    mark = attendance(world, shift)
    assert mark.checked_out_at is not None
    assert mark.present_minutes == 75  # attendance minutes follow check-in and check-out


def test_too_early_and_after_the_end_are_refused_and_change_nothing(client_as, world):
    later = HelpSession.objects.create(
        commune=world["commune"],
        team=world["team"],
        place_kind="one_stop_desk",
        date=timezone.localdate() + datetime.timedelta(days=1),
        starts_at=datetime.time(7, 0),
        ends_at=datetime.time(11, 0),
    )
    response = client_as("volunteer").get(checkin_url(later))
    assert "Điểm danh cho ca này mở từ 06:30 ngày" in response.content.decode()
    assert attendance(world, later) is None

    over = HelpSession.objects.create(
        commune=world["commune"],
        team=world["team"],
        place_kind="one_stop_desk",
        date=timezone.localdate() - datetime.timedelta(days=1),
        starts_at=datetime.time(7, 0),
        ends_at=datetime.time(11, 0),
    )
    services.signup(session=over, volunteer=world["member"], assigned_by=world["users"]["secretary"])
    response = client_as("volunteer").get(checkin_url(over))
    assert "Ca này đã kết thúc" in response.content.decode()
    assert attendance(world, over).checked_in_at is None and attendance(world, over).present is None


def test_someone_not_signed_up_confirms_and_is_flagged_for_the_secretary(client_as, world):
    from tests.factories import TeamFactory

    shift = around_now(world, team=TeamFactory(commune=world["commune"]))  # not the volunteer's team
    client = client_as("volunteer")
    question = client.get(checkin_url(shift)).content.decode()
    assert "Bạn chưa đăng ký ca này" in question
    assert attendance(world, shift) is None  # nothing until they confirm
    client.post(checkin_url(shift), {"joined": "yes"})
    mark = attendance(world, shift)
    assert mark.present and mark.joined_by_scan
    sheet = client_as("secretary").get(
        reverse("sessions:session_attendance", args=[shift.commune_id, shift.pk])
    )
    assert "tham gia khi chưa đăng ký" in sheet.content.decode()


def test_another_communes_shift_or_a_wrong_code_answers_404(client_as, world):
    stranger_shift = HelpSession.objects.create(
        commune=world["far_commune"],
        place_kind="one_stop_desk",
        date=timezone.localdate(),
        starts_at=datetime.time(0, 0),
        ends_at=datetime.time(23, 59),
    )
    assert client_as("volunteer").get(checkin_url(stranger_shift)).status_code == 404
    shift = around_now(world)
    wrong = reverse("sessions:session_checkin", args=[shift.commune_id, shift.pk, "guessed-code"])
    services.checkin_code_for(shift)
    assert client_as("volunteer").get(wrong).status_code == 404
    assert attendance(world, shift) is None


def test_the_printable_code_is_for_the_secretary_and_team_leader(client_as, world):
    shift = around_now(world)
    url = reverse("sessions:session_qr", args=[shift.commune_id, shift.pk])
    page = client_as("secretary").get(url).content.decode()
    assert "<svg" in page and checkin_url(shift) in page.replace("http://testserver", "")
    assert client_as("team_leader").get(url).status_code == 200
    assert client_as("volunteer").get(url).status_code in {403, 404}


def test_a_volunteer_of_another_commune_cannot_check_in(world):
    outsider = VolunteerFactory(commune=world["other_commune"])
    shift = around_now(world)
    with pytest.raises(services.SessionError):
        services.attendance_scan(session=shift, volunteer=outsider, user=world["users"]["volunteer"])
    assert not Attendance.objects.filter(session=shift).exists()
