"""Whatever writes the rows of a tallied month — a service, the admin, `QuerySet.update()`,
`bulk_create`, a hand-written statement — every figure of the dashboard and the province overview
equals a count made directly from the rows, before and after the rollup is refreshed."""

import datetime

import pytest
from django.contrib import admin
from django.db import connection
from django.db.models import F

from reports.models import StaleMonth
from reports.periods import Period
from reports.selectors import Headline, dashboard, province_overview
from reports.tallies import tallies_close_month, tallies_refresh_stale
from sessions import services
from sessions.admin import AttendanceAdmin, HelpRecordAdmin, HelpSessionAdmin
from sessions.models import Attendance, HelpRecord, HelpSession, Service
from tests.known_month import VN, at

pytestmark = pytest.mark.django_db
JULY, AUGUST, YEAR = Period(2025, 7), Period(2025, 8), Period(2025)


def counted_from_rows(period: Period, commune) -> Headline:
    """The counting rules of docs/counting.md applied by hand to every row, in Python."""
    records = [
        record
        for record in HelpRecord.objects.filter(commune=commune).select_related("service")
        if record.deleted_at is None and period.start <= record.helped_at < period.end
    ]
    shifts = [
        shift
        for shift in HelpSession.objects.filter(commune=commune)
        if period.first_day <= shift.date < period.next_first_day
    ]
    present = [
        attendance
        for attendance in Attendance.objects.filter(session__in=shifts).select_related("session")
        if attendance.present and attendance.session.status != HelpSession.Status.CANCELLED
    ]

    def citizens(rule) -> int:
        return sum(record.citizen_count for record in records if rule(record))

    return Headline(
        sessions_held=sum(shift.status == HelpSession.Status.HELD for shift in shifts),
        volunteer_turns=len(present),
        volunteer_minutes=sum(attendance.present_minutes for attendance in present),
        citizen_turns=citizens(lambda record: True),
        vneid_activations=citizens(lambda r: r.service.code == "vneid_level2" and r.outcome == "done"),
        online_filings=citizens(lambda r: r.service.code == "file_online" and r.outcome == "done"),
        done_turns=citizens(lambda record: record.outcome == "done"),
        aged_turns=citizens(lambda record: record.age_band != ""),
        senior_turns=citizens(lambda record: record.age_band == "60_plus"),
    )


def assert_every_figure_matches_the_rows(world):
    commune, province = world["commune"], world["province"]
    july, august, year = (counted_from_rows(period, commune) for period in (JULY, AUGUST, YEAR))
    board = dashboard(AUGUST, commune=commune)
    assert board.headline == august
    assert {change.key: change.previous for change in board.changes} == {
        change.key: change.current for change in dashboard(JULY, commune=commune).changes
    }
    assert dashboard(JULY, commune=commune).headline == july
    trend = {row["period"]: row for row in board.trend}
    for period, expected in ((JULY, july), (AUGUST, august)):
        assert trend[period]["citizen_turns"] == expected.citizen_turns
        assert trend[period]["volunteer_turns"] == expected.volunteer_turns
    for period, expected in ((AUGUST, august), (YEAR, year)):
        rows, total = province_overview(period, province=province)
        assert total == expected  # the test province's other commune has no work
        assert next(row["headline"] for row in rows if row["commune"] == commune) == expected


def _secretary(world):
    return world["users"]["secretary"]


def update_records(world, august):
    HelpRecord.objects.filter(commune=world["commune"]).update(citizen_count=F("citizen_count") + 2)


def update_attendance(world, august):
    Attendance.objects.filter(session=august["s1"], present=True).update(present=False)


def update_shift_status(world, august):
    HelpSession.objects.filter(pk=august["s2"].pk).update(status=HelpSession.Status.CANCELLED)


def update_by_hand(world, august):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE help_sessions_helprecord SET outcome = 'done', age_band = '60_plus' "
            "WHERE commune_id = %s",
            [world["commune"].pk],
        )


def bulk_create_records(world, august):
    HelpRecord.objects.bulk_create(
        [
            HelpRecord(
                session=august["s1"],
                commune=world["commune"],
                service=Service.objects.get(code="vneid_level2"),
                citizen_count=count,
                helped_at=at(2025, 8, 1, 10),
                recorded_by=_secretary(world),
            )
            for count in (5, 7)
        ]
    )


def bulk_create_attendance(world, august):
    a, *_others = august["people"]
    Attendance.objects.bulk_create(
        [Attendance(session=august["s2"], volunteer=a, present=True, present_minutes=90)]
    )


def admin_edits_a_record(world, august):
    record = HelpRecord.objects.get(commune=world["commune"], citizen_count=20)
    record.citizen_count, record.helped_at = 3, at(2025, 7, 31, 9)  # and moves it into July
    HelpRecordAdmin(HelpRecord, admin.site).save_model(request=None, obj=record, form=None, change=True)


def admin_moves_a_shift(world, august):
    shift = HelpSession.objects.get(pk=august["s2"].pk)
    shift.date = datetime.date(2025, 7, 30)
    HelpSessionAdmin(HelpSession, admin.site).save_model(request=None, obj=shift, form=None, change=True)


def admin_deletes_attendance(world, august):
    AttendanceAdmin(Attendance, admin.site).delete_queryset(
        request=None, queryset=Attendance.objects.filter(session=august["s1"], present=True)
    )


def services_write_late(world, august):
    secretary = _secretary(world)
    services.record_create(
        session=august["s2"],
        recorded_by=secretary,
        service=Service.objects.get(code="file_online"),
        citizen_count=3,
        is_tally=True,
    )
    tally = HelpRecord.objects.get(commune=world["commune"], citizen_count=20)
    services.record_update(record=tally, changed_by=secretary, citizen_count=25)
    services.record_delete(
        record=HelpRecord.objects.get(commune=world["commune"], citizen_count=12), deleted_by=secretary
    )
    services.attendance_mark(
        session=august["s2"], marks=[services.Mark(august["people"][0].pk, True)], marked_by=secretary
    )
    nobody_came = HelpSession.objects.get(commune=world["commune"], date=datetime.date(2025, 8, 20))
    services.session_close(session=nobody_came, closed_by=secretary)
    moved = HelpSession.objects.get(pk=august["s1"].pk)
    moved.date = datetime.date(2025, 7, 29)
    services.session_update(session=moved)


WRITERS = [
    update_records,
    update_attendance,
    update_shift_status,
    update_by_hand,
    bulk_create_records,
    bulk_create_attendance,
    admin_edits_a_record,
    admin_moves_a_shift,
    admin_deletes_attendance,
    services_write_late,
]


@pytest.mark.parametrize("write", WRITERS, ids=[writer.__name__ for writer in WRITERS])
def test_every_figure_of_a_tallied_month_equals_its_rows_whatever_wrote_them(world, august, write):
    tallies_close_month(JULY.first_day)
    tallies_close_month(AUGUST.first_day)
    before = counted_from_rows(AUGUST, world["commune"]), counted_from_rows(JULY, world["commune"])
    write(world, august)
    assert (counted_from_rows(AUGUST, world["commune"]), counted_from_rows(JULY, world["commune"])) != before
    assert StaleMonth.objects.exists(), "the write marked its month"
    assert_every_figure_matches_the_rows(world)
    assert tallies_refresh_stale() > 0
    assert not StaleMonth.objects.exists()
    assert_every_figure_matches_the_rows(world)


def test_writes_to_the_running_month_mark_nothing(world):
    """Today's taps cost the rollup nothing: the running month is never tallied."""
    today = datetime.datetime.now(VN).date()
    shift = HelpSession.objects.create(
        commune=world["commune"],
        place_kind="service_centre",
        date=today,
        starts_at=datetime.time(0, 0),
        ends_at=datetime.time(23, 59),
    )
    HelpRecord.objects.create(
        session=shift,
        service=Service.objects.get(code="vneid_level2"),
        helped_at=datetime.datetime.now(datetime.UTC),
        recorded_by=_secretary(world),
    )
    assert not StaleMonth.objects.filter(month=today.replace(day=1)).exists()
