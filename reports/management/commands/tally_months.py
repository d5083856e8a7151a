"""Sum every finished month with records into the monthly rollup (reports.tallies).

The beat task `close_month` does this each 1st for the month that ended; this command builds the
rollup for data that arrived otherwise (an upgrade, `python -m bench generate`, a restore), then
refreshes every commune-month marked stale, and is safe to run again at any time.
"""

import time

from django.core.management.base import BaseCommand
from django.db.models import Max, Min

from reports.models import TalliedMonth
from reports.periods import Period
from reports.tallies import tallies_close_month, tallies_refresh_stale
from sessions.models import HelpRecord


class Command(BaseCommand):
    help = "Sum every finished month with records into the monthly rollup."

    def handle(self, *args, **options):
        started, rows = time.perf_counter(), 0
        span = HelpRecord.objects.counted().aggregate(first=Min("helped_at"), last=Max("helped_at"))
        running = Period.current()
        wanted = set()
        if span["first"] is not None:
            month, last = Period.containing(span["first"]), Period.containing(span["last"])
            while month.first_day <= last.first_day and month.first_day < running.first_day:
                wanted.add(month.first_day)
                month = month.following()
        # Also months marked before whose tally did not finish.
        wanted.update(
            TalliedMonth.objects.filter(complete=False, month__lt=running.first_day).values_list(
                "month", flat=True
            )
        )
        for month in sorted(wanted):
            rows += tallies_close_month(month)
        refreshed = tallies_refresh_stale()
        self.stdout.write(
            f"Tallied {len(wanted)} months into {rows:,} rollup rows and refreshed {refreshed} "
            f"commune-months in {time.perf_counter() - started:.0f} s."
        )
