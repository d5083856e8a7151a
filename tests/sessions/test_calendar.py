"""Private calendar feeds of shifts, read back with the same iCalendar library."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from sessions import services
from sessions.models import CalendarFeed, HelpSession

pytestmark = pytest.mark.django_db

VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def a_shift(world, days, start=7, end=11, **extra):
    return HelpSession.objects.create(
        commune=extra.pop("commune", world["commune"]),
        place_kind="one_stop_desk",
        date=timezone.localdate() + datetime.timedelta(days=days),
        starts_at=datetime.time(start, 0),
        ends_at=datetime.time(end, 0),
        **extra,
    )


def events(body: bytes) -> dict:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def feed_url(client) -> str:
    client.post(reverse("sessions:my_calendar"), {"action": "create"})
    feed = CalendarFeed.objects.get(revoked_at__isnull=True, kind="my_shifts")
    return reverse("sessions:calendar_feed", args=[feed.token])


def test_a_volunteers_feed_has_their_shifts_in_vietnam_time_and_nothing_of_anyone_else(client_as, world):
    volunteer = client_as("volunteer")
    mine = a_shift(world, 3, address="Nhà văn hóa tổ 1")
    services.signup(session=mine, volunteer=world["member"])
    cancelled = a_shift(world, 5)
    services.signup(session=cancelled, volunteer=world["member"])
    services.session_cancel(session=cancelled)
    not_mine = a_shift(world, 4)
    services.signup(session=not_mine, volunteer=world["leader"])
    other_commune = a_shift(world, 3, commune=world["other_commune"])

    page = volunteer.get(reverse("sessions:my_calendar")).content.decode()
    assert "Tạo địa chỉ lịch của tôi" in page
    url = feed_url(volunteer)
    page = volunteer.get(reverse("sessions:my_calendar")).content.decode()
    assert url in page and "webcal://" in page and "Google Lịch" in page and "iPhone" in page

    volunteer.logout()  # calendar apps fetch without signing in
    response = volunteer.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    found = events(response.content)
    uid = f"shift-{mine.pk}@xungkichso.vn"
    assert uid in found and f"shift-{world['session'].pk}@xungkichso.vn" in found
    assert f"shift-{not_mine.pk}@xungkichso.vn" not in found
    assert f"shift-{other_commune.pk}@xungkichso.vn" not in found
    event = found[uid]
    starts = event.decoded("dtstart")
    assert starts.tzinfo is not None and starts.utcoffset() == datetime.timedelta(hours=7)
    assert starts.astimezone(VIETNAM).replace(tzinfo=None) == datetime.datetime.combine(
        mine.date, mine.starts_at
    )
    assert str(event["status"]) == "CONFIRMED"
    assert "Nhà văn hóa tổ 1" in str(event["location"])
    alarms = event.walk("VALARM")
    assert len(alarms) == 2
    triggers = [alarm.decoded("trigger") for alarm in alarms]
    assert datetime.timedelta(hours=-1) in triggers
    evening = [t for t in triggers if isinstance(t, datetime.datetime)][0].astimezone(VIETNAM)
    assert (evening.date(), evening.hour) == (mine.date - datetime.timedelta(days=1), 20)
    assert str(found[f"shift-{cancelled.pk}@xungkichso.vn"]["status"]) == "CANCELLED"
    assert "Lê Thị Ánh" not in response.content.decode()  # no one's name in a feed


def test_a_revoked_address_answers_404_and_a_new_one_works(client_as, world):
    volunteer = client_as("volunteer")
    old = feed_url(volunteer)
    response = volunteer.post(reverse("sessions:my_calendar"), {"action": "revoke"}, follow=True)
    assert "Địa chỉ lịch cũ đã ngừng hoạt động" in response.content.decode()
    current = CalendarFeed.objects.get(revoked_at__isnull=True, kind="my_shifts")
    new = reverse("sessions:calendar_feed", args=[current.token])
    assert new != old
    volunteer.logout()
    assert volunteer.get(old).status_code == 404
    assert volunteer.get(new).status_code == 200
    assert volunteer.get(reverse("sessions:calendar_feed", args=["made-up"])).status_code == 404


def test_a_change_to_a_shift_follows_in_the_feed(client_as, world):
    volunteer = client_as("volunteer")
    url = feed_url(volunteer)
    before = events(volunteer.get(url).content)[f"shift-{world['session'].pk}@xungkichso.vn"]
    # Changed a moment later (the planning form saves through the model, which stamps the change).
    HelpSession.objects.filter(pk=world["session"].pk).update(
        starts_at=datetime.time(8, 0), updated_at=timezone.now() + datetime.timedelta(seconds=5)
    )
    after = events(volunteer.get(url).content)[f"shift-{world['session'].pk}@xungkichso.vn"]
    assert after.decoded("dtstart").astimezone(VIETNAM).hour == 8
    assert int(after["sequence"]) > int(before["sequence"])


def test_the_secretary_has_the_communes_shifts_until_no_longer_secretary(client_as, world):
    secretary = client_as("secretary")
    other = a_shift(world, 2, commune=world["other_commune"])
    url = reverse("sessions:commune_calendar", kwargs={"code": world["commune"].code})
    secretary.post(url, {"action": "create"})
    feed = CalendarFeed.objects.get(user=world["users"]["secretary"], revoked_at__isnull=True, kind="commune")
    address = reverse("sessions:calendar_feed", args=[feed.token])
    secretary.logout()
    found = events(secretary.get(address).content)
    assert f"shift-{world['session'].pk}@xungkichso.vn" in found
    assert f"shift-{other.pk}@xungkichso.vn" not in found
    world["users"]["secretary"].role_assignments.all().delete()
    assert secretary.get(address).status_code == 404


def test_one_shift_can_be_added_to_a_calendar_from_its_page(client_as, world):
    volunteer = client_as("volunteer")
    kwargs = {"code": world["commune"].code, "session_id": world["session"].pk}
    page = volunteer.get(reverse("sessions:session_detail", kwargs=kwargs)).content.decode()
    ics = reverse("sessions:session_ics", kwargs=kwargs)
    assert ics in page
    found = events(volunteer.get(ics).content)
    assert list(found) == [f"shift-{world['session'].pk}@xungkichso.vn"]
    assert client_as("other_secretary").get(ics).status_code == 404
