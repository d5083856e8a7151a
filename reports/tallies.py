"""The monthly rollup: citizens helped per commune, month, service, outcome and age band
(MonthlyTally), and shifts held, volunteer-turns and minutes per commune and month
(MonthlyShiftTally), which reports read for finished months instead of summing millions of rows.

Why it is exact, whatever writes the rows (docs/performance.md, "The rollup"):
- A month is tallied once it has ended (`tallies_close_month`, by the beat task on the 1st, or
  `manage.py tally_months`). The running month is never tallied: it is read from its rows.
- Database triggers (migration reports.0005/0006) mark a commune-month stale (StaleMonth) for
  every row written to it once the month has ended or is tallied, in the writer's transaction. No
  Python writer takes part, so none can forget.
- Readers use a commune-month's sums only when it is tallied and not marked; otherwise its rows.
- A refresh first deletes the mark, then recomputes from the rows in a later snapshot. A writer
  holding the mark (its trigger updated it) makes the delete wait until it commits, so the
  recompute sees it; a writer that marks afterwards leaves a new mark. Either way no change is
  lost: at worst a commune-month is read from its rows until the next refresh.
"""

import datetime

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from reports.models import MonthlyShiftTally, MonthlyTally, StaleMonth, TalliedMonth
from reports.periods import Period
from sessions.models import Attendance, HelpRecord, HelpSession

_LOCK_NAMESPACE = 7_400_000


def _lock(month: datetime.date) -> None:
    """Those who rebuild one month's sums (a refresh, the close) take turns; writers of rows do not
    take this lock (PostgreSQL; SQLite writes one at a time anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            key = _LOCK_NAMESPACE + month.year * 100 + month.month
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _tally(month: Period, **place) -> list[MonthlyTally]:
    rows = (
        HelpRecord.objects.counted()
        .helped_between(month.start, month.end)
        .filter(**place)
        .values("commune_id", "service_id", "outcome", "age_band")
        .annotate(citizens=Sum("citizen_count"))
        .order_by()
    )
    return [MonthlyTally(month=month.first_day, **row) for row in rows]


def _tally_shifts(month: Period, **place) -> list[MonthlyShiftTally]:
    by_commune: dict[int, MonthlyShiftTally] = {}

    def tally(commune_id: int) -> MonthlyShiftTally:
        return by_commune.setdefault(
            commune_id, MonthlyShiftTally(month=month.first_day, commune_id=commune_id)
        )

    for row in (
        Attendance.objects.counted()
        .on_shifts_between(month.first_day, month.next_first_day)
        .filter(**{f"session__{key}": value for key, value in place.items()})
        .values("session__commune_id")
        .annotate(turns=Count("id"), minutes=Sum("present_minutes"))
        .order_by()
    ):
        counted = tally(row["session__commune_id"])
        counted.volunteer_turns, counted.volunteer_minutes = row["turns"], row["minutes"] or 0
    for row in (
        HelpSession.objects.dated_between(month.first_day, month.next_first_day)
        .held()
        .filter(**place)
        .values("commune_id")
        .annotate(held=Count("id"))
        .order_by()
    ):
        tally(row["commune_id"]).sessions_held = row["held"]
    return list(by_commune.values())


def _rebuild(month: Period, **place) -> int:
    """Replace the sums of `month` (for `place`, else every commune) by what its rows say now.
    Inside a transaction that holds the month's lock."""
    StaleMonth.objects.filter(month=month.first_day, **place).delete()  # first: see the docstring above
    MonthlyTally.objects.filter(month=month.first_day, **place).delete()
    rows = MonthlyTally.objects.bulk_create(_tally(month, **place), batch_size=5000)
    MonthlyShiftTally.objects.filter(month=month.first_day, **place).delete()
    MonthlyShiftTally.objects.bulk_create(_tally_shifts(month, **place), batch_size=5000)
    return len(rows)


@transaction.atomic
def tallies_refresh(*, commune_id: int, month: datetime.date) -> None:
    """Bring one marked commune-month up to date (or just drop the mark of a month not tallied:
    closing it will read every row anyway)."""
    _lock(month)
    if TalliedMonth.objects.filter(month=month).exists():
        _rebuild(Period.containing(month), commune_id=commune_id)
    else:
        StaleMonth.objects.filter(commune_id=commune_id, month=month).delete()


def tallies_refresh_stale() -> int:
    """Refresh every marked commune-month, oldest month first; returns how many."""
    marked = list(StaleMonth.objects.order_by("month", "commune_id").values_list("commune_id", "month"))
    for commune_id, month in marked:
        tallies_refresh(commune_id=commune_id, month=month)
    return len(marked)


def tallies_close_month(month: datetime.date) -> int:
    """Tally one finished month for every commune; returns the number of rollup rows."""
    if month >= timezone.localdate().replace(day=1):
        raise ValueError(f"{month:%m/%Y} has not finished yet")
    with transaction.atomic():
        _lock(month)
        TalliedMonth.objects.update_or_create(month=month, defaults={"complete": False})
        rows = _rebuild(Period.containing(month))
        TalliedMonth.objects.filter(month=month).update(complete=True)
    return rows


def tallied_months(months: list[datetime.date]) -> set[datetime.date]:
    return set(TalliedMonth.objects.filter(month__in=months, complete=True).values_list("month", flat=True))


def stale_months(months, **place) -> set[tuple[int, datetime.date]]:
    """The (commune id, month) of `place` among `months` whose sums may be behind their rows."""
    return set(StaleMonth.objects.filter(month__in=months, **place).values_list("commune_id", "month"))
