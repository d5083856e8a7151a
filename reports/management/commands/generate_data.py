"""Fill the database with synthetic data at a chosen scale, fast (COPY on PostgreSQL)."""

import datetime
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from reports.synthetic import Generator, Plan
from sessions.models import HelpRecord
from volunteers.access import forget_scopes

SCALES = {
    # records, volunteers, provinces
    "tiny": (2_000, 200, [25]),
    "province": (5_000_000, 20_000, [25]),
    "country": (25_000_000, 480_000, None),
}


class Command(BaseCommand):
    help = (
        "Generate synthetic work of communes: shifts, attendance and records of help (reports/synthetic.py)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="province")
        parser.add_argument("--records", type=int, help="how many records of help (default: the scale's)")
        parser.add_argument("--volunteers", type=int, help="how many volunteers (default: the scale's)")
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument(
            "--last-day", default="2025-12-31", help="the last day of generated work (yyyy-mm-dd)"
        )
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--if-empty", action="store_true", help="do nothing if records already exist")

    def handle(self, *args, **options):
        records, volunteers, provinces = SCALES[options["scale"]]
        records = options["records"] or records
        if records < 1 or records > 100_000_000:
            raise CommandError("--records must be between 1 and 100,000,000.")
        if records > 50_000 and connection.vendor != "postgresql":
            raise CommandError(
                "More than 50,000 records needs PostgreSQL (set DATABASE_URL); SQLite is too slow."
            )
        try:
            last_day = datetime.date.fromisoformat(options["last_day"])
        except ValueError:
            raise CommandError("--last-day must be a date like 2025-12-31.") from None
        if options["if_empty"] and HelpRecord.objects.exists():
            self.stdout.write(f"{HelpRecord.objects.count():,} records already there; nothing generated.")
            return
        if provinces is None:
            from volunteers.models import Province

            provinces = list(Province.objects.values_list("code", flat=True)) or [25]
        plan = Plan(
            province_codes=provinces,
            volunteers=options["volunteers"] or volunteers,
            records=records,
            years=options["years"],
            last_day=last_day,
            seed=options["seed"],
        )
        started = time.perf_counter()
        counts = Generator(plan, log=self.stdout.write).run()
        # Roles, volunteers and teams went in by COPY and bulk inserts, which send no signals.
        forget_scopes()
        call_command("tally_months", stdout=self.stdout)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Generated {counts['records']:,} records, {counts['sessions']:,} shifts, "
            f"{counts['attendances']:,} attendances for {counts['communes']} communes and "
            f"{counts['volunteers']:,} volunteers in {seconds:.0f} s."
        )
