"""`python -m bench generate`: fill the database with synthetic data at a chosen scale, fast
(COPY on PostgreSQL), then tally the months. `make bench` runs it with --if-empty."""

import argparse
import datetime
import time
from collections.abc import Callable

from django.core.management import call_command

from access.scope import forget_scopes
from bench.synthetic import Plan, generate
from sessions.models import HelpRecord
from volunteers.models import Province

SCALES = {
    # records, volunteers, provinces (None: every province loaded)
    "tiny": (2_000, 200, [25]),
    "province": (5_000_000, 20_000, [25]),
    "country": (25_000_000, 480_000, None),
}


def _record_count(text: str) -> int:
    count = int(text)
    if not 1 <= count <= 100_000_000:
        raise argparse.ArgumentTypeError("must be between 1 and 100,000,000")
    return count


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench generate",
        description="Generate synthetic work of communes: shifts, attendance and records of help.",
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="province")
    parser.add_argument(
        "--records", type=_record_count, help="how many records of help (default: the scale's)"
    )
    parser.add_argument("--volunteers", type=int, help="how many volunteers (default: the scale's)")
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument(
        "--last-day",
        type=datetime.date.fromisoformat,
        default=datetime.date(2025, 12, 31),
        help="the last day of generated work (yyyy-mm-dd)",
    )
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--if-empty", action="store_true", help="do nothing if records already exist")
    return parser


def plan_from(options: argparse.Namespace) -> Plan:
    records, volunteers, provinces = SCALES[options.scale]
    if provinces is None:
        provinces = list(Province.objects.values_list("code", flat=True)) or [25]
    return Plan(
        province_codes=provinces,
        volunteers=options.volunteers or volunteers,
        records=options.records or records,
        years=options.years,
        last_day=options.last_day,
        seed=options.seed,
    )


def fill(plan: Plan, log: Callable[[str], object] = print) -> dict[str, int]:
    """Generate the plan's data, then what the app keeps beside it: cached scopes and the rollup."""
    counts = generate(plan, log=log)
    # Roles, volunteers and teams went in by COPY and bulk inserts, which send no signals.
    forget_scopes()
    call_command("tally_months", verbosity=0)
    return counts


def main(argv: list[str]) -> None:
    options = _parser().parse_args(argv)
    if options.if_empty and HelpRecord.objects.exists():
        print(f"{HelpRecord.objects.count():,} records already there; nothing generated.")
        return
    started = time.perf_counter()
    counts = fill(plan_from(options))
    seconds = time.perf_counter() - started
    print(
        f"Generated {counts['records']:,} records, {counts['sessions']:,} shifts, "
        f"{counts['attendances']:,} attendances for {counts['communes']} communes and "
        f"{counts['volunteers']:,} volunteers in {seconds:.0f} s."
    )
