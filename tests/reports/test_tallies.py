"""The monthly rollup: a finished month read from its sums shows the same figures as its records,
and stays exact when its records are corrected, deleted or entered late."""

import datetime
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import tasks
from reports.models import MonthlyTally, StaleMonth, TalliedMonth
from reports.periods import Period
from reports.selectors import dashboard, monthly_figures, province_overview
from reports.tallies import tallies_close_month, tallies_refresh_stale
from sessions import services
from sessions.models import Attendance, HelpRecord, HelpSession, Service
from tests.reports.test_figures import EXPECTED, EXPECTED_JULY
from tests.reports.test_rollup_exact import counted_from_rows

pytestmark = pytest.mark.django_db
AUGUST = datetime.date(2025, 8, 1)
JULY = datetime.date(2025, 7, 1)


def _august_figures(world):
    board = dashboard(Period(2025, 8), commune=world["commune"])
    return {key: board.headline.get(key) for key in EXPECTED}, board.trend


def _trend(world):
    board = dashboard(Period(2025, 8), commune=world["commune"])
    return {row["period"]: row["citizen_turns"] for row in board.trend}


ROW_TABLES = ("help_sessions_helprecord", "help_sessions_attendance", "help_sessions_helpsession")


def _tables_read(read) -> set[str]:
    """The tables of records, attendance and shifts that `read()` queries."""
    with CaptureQueriesContext(connection) as queries:
        result = read()
    return {table for query in queries for table in ROW_TABLES if table in query["sql"]}, result


def test_a_tallied_month_shows_the_same_figures_as_its_records(world, august):
    from_records = _august_figures(world)
    assert tallies_close_month(AUGUST) > 0
    tallies_close_month(datetime.date(2025, 7, 1))
    assert TalliedMonth.objects.get(month=AUGUST).complete
    assert _august_figures(world) == from_records
    assert from_records[0] == EXPECTED
    board = dashboard(Period(2025, 8), commune=world["commune"])
    changes = {change.key: change for change in board.changes}
    assert changes["citizen_turns"].previous == EXPECTED_JULY["citizen_turns"]


def test_the_province_overview_reads_the_sums_of_a_tallied_month(world, august):
    rows, total = province_overview(Period(2025, 8), province=world["province"])
    tallies_close_month(AUGUST)
    tables, (tallied_rows, tallied_total) = _tables_read(
        lambda: province_overview(Period(2025, 8), province=world["province"])
    )
    assert tables == set(), "a tallied month with no change since is read from its sums alone"
    assert tallied_total.citizen_turns == total.citizen_turns == EXPECTED["citizen_turns"]
    assert tallied_total.volunteer_hours == total.volunteer_hours == EXPECTED["volunteer_hours"]
    assert tallied_total.sessions_held == total.sessions_held == EXPECTED["sessions_held"]
    assert tallied_total.volunteer_turns == total.volunteer_turns == EXPECTED["volunteer_turns"]
    assert [row["headline"].citizen_turns for row in tallied_rows] == [
        row["headline"].citizen_turns for row in rows
    ]


def test_a_correction_in_a_tallied_month_shows_at_once(world, august):
    tallies_close_month(AUGUST)
    tally = HelpRecord.objects.get(commune=world["commune"], citizen_count=20)
    services.record_update(record=tally, changed_by=world["users"]["secretary"], citizen_count=25)
    assert _trend(world)[Period(2025, 8)] == EXPECTED["citizen_turns"] + 5


def test_a_record_deleted_in_a_tallied_month_stops_counting(world, august):
    tallies_close_month(AUGUST)
    tally = HelpRecord.objects.get(commune=world["commune"], citizen_count=20)
    services.record_delete(record=tally, deleted_by=world["users"]["secretary"])
    assert _trend(world)[Period(2025, 8)] == EXPECTED["citizen_turns"] - 20


def _late_tally_of_three(world, august):
    """Three citizens entered in August after the month ended."""
    services.record_create(
        session=august["s2"],
        recorded_by=world["users"]["secretary"],
        service=Service.objects.get(code="file_online"),
        citizen_count=3,
        is_tally=True,
    )


def test_a_late_entry_in_a_tallied_month_counts(world, august):
    tallies_close_month(AUGUST)
    _late_tally_of_three(world, august)
    assert _trend(world)[Period(2025, 8)] == EXPECTED["citizen_turns"] + 3


def test_the_dashboard_page_shows_the_tallied_figures(client_as, world, august):
    tallies_close_month(AUGUST)
    url = reverse("reports:dashboard", kwargs={"code": world["commune"].code}) + "?period=2025-08"
    page = client_as("commune_leader").get(url).content.decode()
    assert 'data-testid="value-citizen_turns">39<' in page


def test_the_running_month_is_never_tallied(world, august):
    with pytest.raises(ValueError):
        tallies_close_month(datetime.date(2025, 9, 1))  # the fixture's today is 15/09/2025


def test_the_beat_task_tallies_the_month_that_ended(world, august):
    assert tasks.close_month.apply().get() > 0  # in this process, whatever the broker
    assert TalliedMonth.objects.get(month=AUGUST).complete
    assert not TalliedMonth.objects.filter(month=datetime.date(2025, 9, 1)).exists()


def test_the_command_tallies_every_finished_month_and_can_run_again(world, august):
    call_command("tally_months", verbosity=0)
    first = MonthlyTally.objects.count()
    call_command("tally_months", verbosity=0)
    assert MonthlyTally.objects.count() == first
    assert set(TalliedMonth.objects.values_list("month", flat=True)) == {datetime.date(2025, 7, 1), AUGUST}


def _while_an_entry_is_being_saved(world, august, other):
    """Run `other` in a thread while a late entry in August holds its transaction open; returns
    whether `other` had to wait for the entry."""
    from django.db import connections, transaction

    holding, release = threading.Event(), threading.Event()

    def late_entry():
        try:
            with transaction.atomic():
                _late_tally_of_three(world, august)
                holding.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    def run_other():
        try:
            other()
        finally:
            connections.close_all()

    writer = threading.Thread(target=late_entry)
    writer.start()
    assert holding.wait(timeout=10)
    runner = threading.Thread(target=run_other)
    runner.start()
    try:
        runner.join(timeout=1)
        waited = runner.is_alive()
    finally:
        release.set()
        writer.join(timeout=10)
        runner.join(timeout=10)
    return waited


@pytest.mark.django_db(transaction=True)
def test_a_late_entry_saved_while_its_month_is_being_closed_counts(postgresql, world, august):
    _while_an_entry_is_being_saved(world, august, lambda: tallies_close_month(AUGUST))
    assert _trend(world)[Period(2025, 8)] == EXPECTED["citizen_turns"] + 3
    tallies_refresh_stale()
    assert _trend(world)[Period(2025, 8)] == EXPECTED["citizen_turns"] + 3


@pytest.mark.django_db(transaction=True)
def test_a_refresh_waits_for_an_entry_being_saved_in_its_month(postgresql, world, august):
    tallies_close_month(AUGUST)
    _late_tally_of_three(world, august)  # the month is marked stale
    waited = _while_an_entry_is_being_saved(world, august, tallies_refresh_stale)
    assert waited, "the refresh must wait for the entry holding the month's mark"
    assert not StaleMonth.objects.filter(month=AUGUST).exists(), "the refresh saw the entry it waited for"
    tables, figures = _tables_read(lambda: monthly_figures([Period(2025, 8)], commune=world["commune"]))
    assert tables == set()
    assert figures[Period(2025, 8)].citizen_turns == EXPECTED["citizen_turns"] + 6


def _shown_and_counted(world, month: datetime.date):
    """The month's headline as the dashboard shows it (rollup) and as counted from the rows."""
    period = Period(month.year, month.month)
    shown = dashboard(Period(2025, 8), commune=world["commune"])
    by_month = {row["period"]: row for row in shown.trend}
    counted = counted_from_rows(period, world["commune"])
    return by_month[period]["volunteer_turns"], counted.volunteer_turns, shown, counted


def test_a_tallied_month_reads_shifts_and_hours_from_the_rollup(world, august):
    tallies_close_month(AUGUST)
    tables, figures = _tables_read(lambda: monthly_figures([Period(2025, 8)], commune=world["commune"]))
    assert tables == set()
    assert {key: figures[Period(2025, 8)].get(key) for key in EXPECTED} == EXPECTED


def test_attendance_marked_late_in_a_tallied_month_counts_at_once(world, august):
    tallies_close_month(AUGUST)
    services.attendance_mark(
        session=august["s2"],
        marks=[services.Mark(august["people"][0].pk, True)],
        marked_by=world["users"]["secretary"],
    )
    shown_turns, counted_turns, shown, counted = _shown_and_counted(world, AUGUST)
    assert shown_turns == counted_turns == EXPECTED["volunteer_turns"] + 1
    assert shown.headline.volunteer_hours == counted.volunteer_hours > EXPECTED["volunteer_hours"]


def test_a_shift_closed_late_in_a_tallied_month_counts_as_held(world, august):
    tallies_close_month(AUGUST)
    nobody_came = HelpSession.objects.get(commune=world["commune"], date=datetime.date(2025, 8, 20))
    services.session_close(session=nobody_came, closed_by=world["users"]["secretary"])
    figures, _trend = _august_figures(world)
    assert figures["sessions_held"] == EXPECTED["sessions_held"] + 1


def test_a_shift_moved_between_tallied_months_moves_its_volunteers(world, august):
    tallies_close_month(JULY)
    tallies_close_month(AUGUST)
    moved = august["s2"]
    moved.date = datetime.date(2025, 7, 30)
    services.session_update(session=moved)
    assert _shown_and_counted(world, AUGUST)[:2] == (EXPECTED["volunteer_turns"] - 1,) * 2
    assert _shown_and_counted(world, JULY)[:2] == (EXPECTED_JULY["volunteer_turns"] + 1,) * 2


def test_an_attendance_changed_in_the_admin_updates_its_tallied_month(world, august):
    from django.contrib import admin

    from sessions.admin import AttendanceAdmin

    tallies_close_month(AUGUST)
    attendance = Attendance.objects.get(session=august["s2"], present=True)
    attendance.present = False
    AttendanceAdmin(Attendance, admin.site).save_model(request=None, obj=attendance, form=None, change=True)
    assert _shown_and_counted(world, AUGUST)[:2] == (EXPECTED["volunteer_turns"] - 1,) * 2


def test_the_command_also_finishes_months_left_open_by_an_upgrade(world, august):
    june = datetime.date(2025, 6, 1)  # no records that month
    TalliedMonth.objects.create(month=june, complete=False)
    call_command("tally_months", verbosity=0)
    assert TalliedMonth.objects.get(month=june).complete
