"""A small known month of work in commune A, with hand-computed figures (see
tests/reports/test_figures.py). Its fixture `august` is offered to every test by tests/conftest.py."""

import datetime

import pytest
from django.utils import timezone

from sessions import services
from sessions.models import HelpRecord, HelpSession, Service
from tests.factories import VolunteerFactory

VN = datetime.timezone(datetime.timedelta(hours=7))


def at(year, month, day, hour, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=VN)


def shift(commune, day, start, end, **extra):
    return HelpSession.objects.create(
        commune=commune,
        place_kind=extra.pop("place_kind", "service_centre"),
        date=day,
        starts_at=datetime.time(*start),
        ends_at=datetime.time(*end),
        **extra,
    )


def entry(session, user, code, helped_at, count=1, **details):
    record = services.record_create(
        session=session,
        recorded_by=user,
        service=Service.objects.get(code=code),
        citizen_count=count,
        is_tally=count > 1,
        **details,
    ).record
    HelpRecord.objects.filter(pk=record.pk).update(helped_at=helped_at)
    record.refresh_from_db()
    return record


@pytest.fixture
def august(world, monkeypatch):
    """August 2025 in commune A, and the last evening of July."""
    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2025, 9, 15))
    commune, secretary = world["commune"], world["users"]["secretary"]
    team, hamlet = world["team"], world["hamlet"]
    a, b, c, d = (
        VolunteerFactory(commune=commune, full_name=name)
        for name in ["Đinh Thị Thu", "Lý Văn Nam", "Phan Thị Hoa", "Tạ Văn Long"]
    )
    s1 = shift(commune, datetime.date(2025, 8, 1), (7, 0), (11, 0), team=team, hamlet=hamlet)
    s2 = shift(commune, datetime.date(2025, 8, 31), (20, 0), (23, 59), place_kind="door_to_door")
    july = shift(commune, datetime.date(2025, 7, 31), (19, 0), (23, 0))
    shift(commune, datetime.date(2025, 8, 10), (7, 0), (11, 0), status=HelpSession.Status.CANCELLED)
    shift(commune, datetime.date(2025, 8, 20), (7, 0), (11, 0))  # planned, nobody came: not held
    september = shift(commune, datetime.date(2025, 9, 1), (7, 0), (11, 0))

    entry(s1, secretary, "vneid_level2", at(2025, 8, 1, 8), age_band="60_plus", volunteer=a)
    entry(s1, secretary, "vneid_level2", at(2025, 8, 1, 8, 10), age_band="18_59", volunteer=a)
    entry(s1, secretary, "vneid_level2", at(2025, 8, 1, 8, 20), volunteer=b, hamlet=hamlet)
    entry(s1, secretary, "vneid_level2", at(2025, 8, 1, 8, 30), outcome="follow_up", age_band="60_plus")
    entry(s1, secretary, "party_card_renewal", at(2025, 8, 1, 9), count=20, volunteer=b)
    entry(s1, secretary, "file_online", at(2025, 8, 1, 9, 30))
    entry(s1, secretary, "file_online", at(2025, 8, 1, 9, 40), outcome="not_done")
    deleted = entry(s1, secretary, "vneid_install", at(2025, 8, 1, 10))
    services.record_delete(record=deleted, deleted_by=secretary)
    corrected = entry(s1, secretary, "qr_payment", at(2025, 8, 1, 10, 30), count=10)
    services.record_update(record=corrected, changed_by=secretary, citizen_count=12)
    entry(s2, secretary, "vneid_install", at(2025, 8, 31, 23, 30))  # 16:30 UTC: still August here
    entry(july, secretary, "vneid_level2", at(2025, 7, 31, 23, 30))  # July, not August
    entry(september, secretary, "vneid_install", at(2025, 9, 1, 0, 30))  # September

    services.attendance_mark(
        session=s1,
        marks=[
            services.Mark(a.pk, True),
            services.Mark(b.pk, True),
            services.Mark(c.pk, True, datetime.time(8), datetime.time(10)),
            services.Mark(d.pk, False),
        ],
        marked_by=secretary,
    )
    services.attendance_mark(session=s2, marks=[services.Mark(d.pk, True)], marked_by=secretary)
    services.attendance_mark(session=july, marks=[services.Mark(a.pk, True)], marked_by=secretary)
    services.session_close(session=s1, closed_by=secretary)
    return {"s1": s1, "s2": s2, "july": july, "people": (a, b, c, d)}
