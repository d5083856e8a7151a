"""The monthly rollup: citizens helped per commune, month, service, outcome and age band.

Reports read it for finished months instead of summing millions of records (docs/performance.md).
It is exact, never approximately current: a month enters the rollup when the Celery beat task
`close_month` (or `generate_data`) tallies it; from the moment its TalliedMonth row exists, every
write to that month's records recomputes its commune-month inside the writer's transaction
(`tallies_touch`, called by sessions.services). The running month is never tallied, so taps on
today's shifts cost nothing here. Writers and the closing task serialize on one lock per month.
"""

import datetime

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from reports.models import MonthlyTally, TalliedMonth
from reports.periods import Period
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


@transaction.atomic
def tallies_refresh(*, commune_id: int, month: datetime.date) -> None:
    """Recompute one commune-month from its live records."""
    _lock(month)
    MonthlyTally.objects.filter(commune_id=commune_id, month=month).delete()
    MonthlyTally.objects.bulk_create(_tally(month, commune_id=commune_id))


def tallies_touch(*, commune_id: int, helped_at: datetime.datetime) -> None:
    """Called inside every write that adds, changes or removes records: keep a tallied month exact."""
    month = month_of(helped_at)
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
        TalliedMonth.objects.filter(month=month).update(complete=True)
    return len(rows)


def tallied_months(months: list[datetime.date]) -> set[datetime.date]:
    return set(TalliedMonth.objects.filter(month__in=months, complete=True).values_list("month", flat=True))
