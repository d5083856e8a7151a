"""Sum every finished month with records into the monthly rollup (reports.tallies).

The beat task `close_month` does this each 1st for the month that ended; this command builds the
rollup for data that arrived otherwise (an upgrade, `generate_data`, a restore) and is safe to
run again at any time.
"""

import time

from django.core.management.base import BaseCommand
from django.db.models import Max, Min
from django.utils import timezone

from reports.models import TalliedMonth
from reports.tallies import month_of, next_month, tallies_close_month
from sessions.selectors import live_records


class Command(BaseCommand):
    help = "Sum every finished month with records into the monthly rollup."

    def handle(self, *args, **options):
        span = live_records().aggregate(first=Min("helped_at"), last=Max("helped_at"))
        if span["first"] is None:
            self.stdout.write("No records; nothing to tally.")
            return
        month, last = month_of(span["first"]), month_of(span["last"])
        running = timezone.localdate().replace(day=1)
        wanted = set()
        while month <= last and month < running:
            wanted.add(month)
            month = next_month(month)
        # Also months marked before whose tally did not finish, or that an upgrade reopened.
        wanted.update(
            TalliedMonth.objects.filter(complete=False, month__lt=running).values_list("month", flat=True)
        )
        started, rows = time.perf_counter(), 0
        for month in sorted(wanted):
            rows += tallies_close_month(month)
        months = len(wanted)
        self.stdout.write(
            f"Tallied {months} months into {rows:,} rollup rows in {time.perf_counter() - started:.0f} s."
        )
