"""From the home page, one tap to the recording page of the shift happening now."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions import services
from sessions.models import HelpSession

pytestmark = pytest.mark.django_db


def a_shift(world, starts, ends, **extra):
    shift = HelpSession.objects.create(
        commune=world["commune"],
        team=world["team"],
        place_kind="one_stop_desk",
        date=timezone.localdate(),
        starts_at=starts,
        ends_at=ends,
        **extra,
    )
    services.signup(session=shift, volunteer=world["member"])
    return shift


def record_url(shift):
    return reverse("sessions:record_page", args=[shift.commune_id, shift.pk])


def around_now(minutes_before, minutes_after):
    now = timezone.localtime()
    start = max(now - datetime.timedelta(minutes=minutes_before), now.replace(hour=0, minute=0))
    end = min(now + datetime.timedelta(minutes=minutes_after), now.replace(hour=23, minute=59))
    return start.time().replace(second=0, microsecond=0), end.time().replace(second=0, microsecond=0)


def test_the_shift_happening_now_is_one_tap_from_home(client_as, world):
    HelpSession.objects.filter(pk=world["session"].pk).update(
        date=timezone.localdate() - datetime.timedelta(days=1)
    )
    shift = a_shift(world, *around_now(60, 60))
    page = client_as("volunteer").get(reverse("home")).content.decode()
    assert "Đang diễn ra" in page
    assert f'href="{record_url(shift)}"' in page
    assert "Ghi nhận người dân được hỗ trợ" in page


def test_a_cancelled_or_closed_shift_is_not_offered(client_as, world):
    HelpSession.objects.filter(pk=world["session"].pk).update(
        date=timezone.localdate() - datetime.timedelta(days=1)
    )
    shift = a_shift(world, *around_now(60, 60))
    services.session_cancel(session=shift)
    page = client_as("volunteer").get(reverse("home")).content.decode()
    assert "Đang diễn ra" not in page
    assert record_url(shift) not in page


def test_another_teams_shift_is_not_offered(client_as, world):
    from tests.factories import TeamFactory

    HelpSession.objects.filter(pk=world["session"].pk).update(
        date=timezone.localdate() - datetime.timedelta(days=1)
    )
    start, end = around_now(60, 60)
    other = HelpSession.objects.create(
        commune=world["commune"],
        team=TeamFactory(commune=world["commune"]),
        place_kind="one_stop_desk",
        date=timezone.localdate(),
        starts_at=start,
        ends_at=end,
    )
    page = client_as("volunteer").get(reverse("home")).content.decode()
    assert record_url(other) not in page


def test_later_today_is_the_next_shift_not_happening_now(world):
    from sessions.selectors import shifts_now

    HelpSession.objects.filter(pk=world["session"].pk).update(
        date=timezone.localdate() - datetime.timedelta(days=1)
    )
    shift = a_shift(world, datetime.time(14, 0), datetime.time(17, 0))
    morning = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(8, 0)))
    found = shifts_now(HelpSession.objects.all(), now=morning)
    assert (found["happening"], found["next"]) == ([], shift)
    early = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(13, 40)))
    assert shifts_now(HelpSession.objects.all(), now=early)["happening"] == [shift]  # arriving early


def test_the_menus_current_shift_link_opens_the_shift_happening_now(client_as, world):
    HelpSession.objects.filter(pk=world["session"].pk).update(
        date=timezone.localdate() - datetime.timedelta(days=1)
    )
    client = client_as("volunteer")
    response = client.get(reverse("sessions:current_shift"))
    assert response.status_code == 302 and response.url == reverse("sessions:my_shifts")
    shift = a_shift(world, *around_now(60, 60))
    response = client.get(reverse("sessions:current_shift"))
    assert response.url == record_url(shift)


def test_a_team_leaders_home_shows_the_team_its_coming_shifts_and_attendance_to_mark(client_as, world):
    coming = HelpSession.objects.create(
        commune=world["commune"],
        team=world["team"],
        place_kind="one_stop_desk",
        date=timezone.localdate() + datetime.timedelta(days=3),
        starts_at=datetime.time(7, 0),
        ends_at=datetime.time(11, 0),
    )
    past = HelpSession.objects.create(
        commune=world["commune"],
        team=world["team"],
        place_kind="one_stop_desk",
        date=timezone.localdate() - datetime.timedelta(days=2),
        starts_at=datetime.time(7, 0),
        ends_at=datetime.time(11, 0),
    )
    services.signup(session=past, volunteer=world["member"], assigned_by=world["users"]["secretary"])
    leader = client_as("team_leader")
    for page in (leader.get(reverse("home")), leader.get(reverse("sessions:my_teams"))):
        text = page.content.decode()
        assert world["team"].name in text
        assert reverse("sessions:session_detail", args=[coming.commune_id, coming.pk]) in text
        to_mark = text[text.index('data-testid="attendance-to-mark"') :].split("</div>")[0]
        assert reverse("sessions:session_attendance", args=[past.commune_id, past.pk]) in to_mark
    assert "Đội hình của tôi" in leader.get(reverse("home")).content.decode()  # in the menu
    volunteer = client_as("volunteer")
    assert "Đội hình của tôi" not in volunteer.get(reverse("home")).content.decode()
    assert volunteer.get(reverse("sessions:my_teams")).status_code == 302
