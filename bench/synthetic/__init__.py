"""Synthetic data at a province's scale, for benchmarks: communes' hamlets and teams, volunteers,
years of shifts with attendance, and millions of records of help.

Shaped after the programmes in docs/product.md: VNeID and online services dominate, most help is
completed, a fifth of citizens are 60 or over, Sundays and Tết are quiet, and campaign weeks (the
VNeID month in March, the party-card week in August) are four times busier with many tallies.
"""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.core.management import call_command
from django.db import transaction

from bench.synthetic import roster
from bench.synthetic.bulk import Writer
from bench.synthetic.work import Work
from sessions.models import Attendance, HelpRecord, HelpSession
from volunteers.models import Commune, Volunteer


@dataclass
class Plan:
    province_codes: list[int]
    volunteers: int
    records: int
    years: int
    last_day: datetime.date
    seed: int = 2025
    records_per_session: float = 15.0

    @property
    def first_day(self) -> datetime.date:
        return self.last_day - datetime.timedelta(days=365 * self.years - 1)


def generate(plan: Plan, log: Callable[[str], object] = print) -> dict[str, int]:
    """Add the plan's volunteers (up to its number) and records to the database; return counts."""
    rng = random.Random(plan.seed)
    writer = Writer()
    if not Commune.objects.exists():
        call_command("load_divisions", verbosity=0)
    communes = list(Commune.objects.filter(province_id__in=plan.province_codes).order_by("code"))
    with transaction.atomic():
        hamlets, teams = roster.places(communes)
        people = roster.volunteers(writer, rng, communes, hamlets, teams, plan.volunteers)
        accounts = roster.accounts(communes, people)
        roster.campaigns(plan.province_codes[0], plan.last_day.year - plan.years + 1, plan.last_day.year)
    work = Work(
        writer,
        rng,
        communes=[commune.pk for commune in communes],
        hamlets=hamlets,
        teams=teams,
        people=people,
        recorder_id=accounts["recorder"].pk,
        log=log,
    )
    counts = work.run(
        first_day=plan.first_day,
        last_day=plan.last_day,
        records=plan.records,
        records_per_session=plan.records_per_session,
    )
    writer.analyze([HelpRecord, Attendance, HelpSession, Volunteer])
    return {"communes": len(communes), "volunteers": sum(len(pks) for pks in people.values()), **counts}
