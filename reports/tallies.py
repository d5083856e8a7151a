"""The monthly rollup: citizens helped per commune, month, service, outcome and age band
(MonthlyTally), and shifts held, volunteer-turns and minutes per commune and month
(MonthlyShiftTally).

Reports read it for finished months instead of summing millions of records (docs/performance.md).
It is exact, never approximately current: a month enters the rollup when the Celery beat task
`close_month` (or `generate_data`) tallies it; from the moment its TalliedMonth row exists, every
write to that month's records, shifts or attendance recomputes its commune-month inside the
writer's transaction (`tallies_touch`, called by sessions.services and the admin). The running
month is never tallied, so taps on today's shifts cost nothing here. Writers and the closing task
serialize on one lock per month.
"""

import datetime

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from reports.models import MonthlyShiftTally, MonthlyTally, TalliedMonth
from reports.periods import Period
from sessions.models import Attendance, HelpSession
from sessions.selectors import live_records

_LOCK_NAMESPACE = 7_400_000


def month_of(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date().replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return Period(month.year, month.month).next_first_day


def _lock(month: datetime.date) -> None:
    """Writers of one month and the task closing it take turns (PostgreSQL; SQLite writes one at
    a time anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            key = _LOCK_NAMESPACE + month.year * 100 + month.month
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _tally(month: datetime.date, **place) -> list[MonthlyTally]:
    period = Period(month.year, month.month)
    rows = (
        live_records()
        .filter(helped_at__gte=period.start, helped_at__lt=period.end, **place)
        .values("commune_id", "service_id", "outcome", "age_band")
        .annotate(citizens=Sum("citizen_count"))
        .order_by()
    )
    return [MonthlyTally(month=month, **row) for row in rows]


def _tally_shifts(month: datetime.date, **place) -> list[MonthlyShiftTally]:
    """Counted as reports.selectors counts them: attendances marked present on shifts dated in the
    month that were not cancelled, and shifts held."""
    period = Period(month.year, month.month)
    shifts = HelpSession.objects.filter(date__gte=period.first_day, date__lt=period.next_first_day, **place)
    by_commune: dict[int, MonthlyShiftTally] = {}

    def tally(commune_id: int) -> MonthlyShiftTally:
        return by_commune.setdefault(commune_id, MonthlyShiftTally(month=month, commune_id=commune_id))

    for row in (
        Attendance.objects.filter(
            present=True, session__in=shifts.exclude(status=HelpSession.Status.CANCELLED)
        )
        .values("session__commune_id")
        .annotate(turns=Count("id"), minutes=Sum("present_minutes"))
        .order_by()
    ):
        counted = tally(row["session__commune_id"])
        counted.volunteer_turns, counted.volunteer_minutes = row["turns"], row["minutes"] or 0
    for row in (
        shifts.filter(status=HelpSession.Status.HELD)
        .values("commune_id")
        .annotate(held=Count("id"))
        .order_by()
    ):
        tally(row["commune_id"]).sessions_held = row["held"]
    return list(by_commune.values())


@transaction.atomic
def tallies_refresh(*, commune_id: int, month: datetime.date) -> None:
    """Recompute one commune-month from its live records, shifts and attendance."""
    _lock(month)
    MonthlyTally.objects.filter(commune_id=commune_id, month=month).delete()
    MonthlyTally.objects.bulk_create(_tally(month, commune_id=commune_id))
    MonthlyShiftTally.objects.filter(commune_id=commune_id, month=month).delete()
    MonthlyShiftTally.objects.bulk_create(_tally_shifts(month, commune_id=commune_id))


def tallies_touch(*, commune_id: int, day: datetime.date | datetime.datetime) -> None:
    """Called inside every write that changes what a month counts (records, shifts, attendance),
    with the day (a shift's date) or moment (a record's helped_at) it counts in: keep a tallied
    month exact."""
    month = month_of(day) if isinstance(day, datetime.datetime) else day.replace(day=1)
    if month >= timezone.localdate().replace(day=1):
        return  # the running month is read from the records themselves
    # Asked under the month's lock: a month being closed right now is either closed before this
    # answer (so this write refreshes it) or closes after this transaction commits (and sees it).
    _lock(month)
    if TalliedMonth.objects.filter(month=month).exists():
        tallies_refresh(commune_id=commune_id, month=month)


def tallies_close_month(month: datetime.date) -> int:
    """Tally one finished month for every commune; returns the number of rollup rows."""
    if month >= timezone.localdate().replace(day=1):
        raise ValueError(f"{month:%m/%Y} has not finished yet")
    # Committed first, so that from now on writers to this month refresh what they touch.
    TalliedMonth.objects.update_or_create(month=month, defaults={"complete": False})
    with transaction.atomic():
        _lock(month)
        MonthlyTally.objects.filter(month=month).delete()
        rows = MonthlyTally.objects.bulk_create(_tally(month), batch_size=5000)
        MonthlyShiftTally.objects.filter(month=month).delete()
        MonthlyShiftTally.objects.bulk_create(_tally_shifts(month), batch_size=5000)
        TalliedMonth.objects.filter(month=month).update(complete=True)
    return len(rows)


def tallied_months(months: list[datetime.date]) -> set[datetime.date]:
    return set(TalliedMonth.objects.filter(month__in=months, complete=True).values_list("month", flat=True))
