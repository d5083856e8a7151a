"""The figures of the reports, in a fixed number of queries, by the counting rules of
docs/counting.md (written once, as the QuerySet methods `counted()` & co. in sessions/models.py).
Finished months come from the monthly rollup where it is known to be current (reports.tallies).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field, fields

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from reports.headlines import HEADLINE_KEYS
from reports.models import MonthlyShiftTally, MonthlyTally
from reports.periods import Period, day_start
from reports.tallies import stale_months, tallied_months
from sessions.models import Attendance, Campaign, HelpRecord, HelpSession, Service
from sessions.selectors import campaign_progress, services_by_id
from sessions.taxonomy import FILE_ONLINE, VNEID_LEVEL2
from volunteers.models import Commune, Hamlet, Team, Volunteer


def records_in(period: Period, **place) -> QuerySet[HelpRecord]:
    return HelpRecord.objects.counted().helped_between(period.start, period.end).filter(**place)


def attendances_in(period: Period, **place) -> QuerySet[Attendance]:
    return (
        Attendance.objects.counted()
        .on_shifts_between(period.first_day, period.next_first_day)
        .filter(**{f"session__{key}": value for key, value in place.items()})
    )


def sessions_in(period: Period, **place) -> QuerySet[HelpSession]:
    return HelpSession.objects.dated_between(period.first_day, period.next_first_day).filter(**place)


SHIFT_SUMS = ("sessions_held", "volunteer_turns", "volunteer_minutes")


def _record_sums(counted: str = "citizen_count"):
    """The headline's citizen sums, over records (`citizen_count`) or the rollup (`citizens`)."""
    done = Q(outcome=HelpRecord.Outcome.DONE)
    return {
        "citizen_turns": Sum(counted),
        "vneid_activations": Sum(counted, filter=Q(service__code=VNEID_LEVEL2) & done),
        "online_filings": Sum(counted, filter=Q(service__code=FILE_ONLINE) & done),
        "done_turns": Sum(counted, filter=done),
        "aged_turns": Sum(counted, filter=~Q(age_band="")),
        "senior_turns": Sum(counted, filter=Q(age_band=HelpRecord.AgeBand.SENIOR)),
    }


def _share(part, whole) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Headline:
    sessions_held: int = 0
    volunteer_turns: int = 0
    volunteer_minutes: int = 0
    citizen_turns: int = 0
    vneid_activations: int = 0
    online_filings: int = 0
    done_turns: int = 0
    aged_turns: int = 0
    senior_turns: int = 0

    @property
    def volunteer_hours(self) -> float:
        return round(self.volunteer_minutes / 60, 1)

    @property
    def done_share(self) -> float | None:
        """Share of citizen-turns whose help was completed, in percent."""
        return _share(self.done_turns, self.citizen_turns)

    @property
    def senior_share(self) -> float | None:
        """Share of citizens aged 60 and over among those whose age band was recorded, in percent."""
        return _share(self.senior_turns, self.aged_turns)

    @property
    def has_activity(self) -> bool:
        return bool(self.sessions_held or self.volunteer_turns or self.citizen_turns)

    def get(self, key: str):
        return getattr(self, key)


def _fill(headline: Headline, values: dict) -> Headline:
    for key, value in values.items():
        if hasattr(headline, key) and value is not None:
            setattr(headline, key, value)
    return headline


def _from_rows(slices: list[tuple[int | None, Period]]) -> tuple[Q, Q, Q]:
    """Conditions on records, attendances and shifts for these (commune or every commune, month)."""
    records, attendances, shifts = Q(pk__in=[]), Q(pk__in=[]), Q(pk__in=[])
    for commune_id, month in slices:
        place = {"commune_id": commune_id} if commune_id else {}
        records |= Q(helped_at__gte=month.start, helped_at__lt=month.end, **place)
        days = {"date__gte": month.first_day, "date__lt": month.next_first_day, **place}
        shifts |= Q(**days)
        attendances |= Q(**{f"session__{key}": value for key, value in days.items()})
    return records, attendances, shifts


def commune_month_figures(months: list[Period], **place) -> dict[tuple[int, Period], Headline]:
    """The headline of each commune of `place` (commune=… or commune__province=…) in each of
    `months`, in a fixed number of grouped queries: from the monthly rollup where the month is
    tallied and the commune-month not marked stale, from the rows everywhere else (reports.tallies)."""
    figures: dict[tuple[int, Period], Headline] = defaultdict(Headline)
    tallied = tallied_months([month.first_day for month in months])
    stale = stale_months(tallied, **place)
    for rollup, sums in (
        (MonthlyTally, _record_sums("citizens")),
        (MonthlyShiftTally, {name: Sum(name) for name in SHIFT_SUMS}),
    ):
        for row in (
            rollup.objects.filter(month__in=tallied, **place)
            .values("commune_id", "month")
            .annotate(**sums)
            .order_by()
        ):
            if (row["commune_id"], row["month"]) not in stale:
                _fill(figures[row["commune_id"], Period.containing(row["month"])], row)

    slices = [(None, month) for month in months if month.first_day not in tallied]
    slices += [(commune_id, Period.containing(month)) for commune_id, month in sorted(stale)]
    if not slices:
        return figures
    wanted = set(slices)

    def fill(commune_id: int, moment, values: dict) -> None:
        month = Period.containing(moment)
        if (None, month) in wanted or (commune_id, month) in wanted:
            _fill(figures[commune_id, month], values)

    records, attendances, shifts = _from_rows(slices)
    for row in (
        HelpRecord.objects.counted()
        .filter(records, **place)
        .annotate(month=TruncMonth("helped_at"))
        .values("commune_id", "month")
        .annotate(**_record_sums())
        .order_by()
    ):
        fill(row["commune_id"], row["month"], row)
    for row in (
        Attendance.objects.counted()
        .filter(attendances, **{f"session__{key}": value for key, value in place.items()})
        .annotate(month=TruncMonth("session__date"))
        .values("session__commune_id", "month")
        .annotate(volunteer_turns=Count("id"), volunteer_minutes=Sum("present_minutes"))
        .order_by()
    ):
        fill(row["session__commune_id"], row["month"], row)
    for row in (
        HelpSession.objects.held()
        .filter(shifts, **place)
        .annotate(month=TruncMonth("date"))
        .values("commune_id", "month")
        .annotate(sessions_held=Count("id"))
        .order_by()
    ):
        fill(row["commune_id"], row["month"], row)
    return figures


def monthly_figures(months: list[Period], *, commune: Commune) -> dict[Period, Headline]:
    """The headline of each of `months` for one commune."""
    figures = commune_month_figures(months, commune=commune)
    return {month: figures.get((commune.pk, month), Headline()) for month in months}


def _sum_headlines(headlines) -> Headline:
    total = Headline()
    for item in headlines:
        for counted in fields(Headline):
            setattr(total, counted.name, getattr(total, counted.name) + getattr(item, counted.name))
    return total


def headline(period: Period, *, commune: Commune) -> Headline:
    """The headline of a month or a year, read as the dashboard's trend reads it."""
    return _sum_headlines(monthly_figures(period.months(), commune=commune).values())


@dataclass
class Change:
    key: str
    current: float | None
    previous: float | None

    @property
    def delta(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return round(self.current - self.previous, 1)


def with_changes(current: Headline, previous: Headline) -> list[Change]:
    return [Change(key, current.get(key), previous.get(key)) for key in HEADLINE_KEYS]


@dataclass
class Dashboard:
    period: Period
    commune: Commune
    headline: Headline
    changes: list[Change]
    by_category: list[dict]
    by_service: list[dict]
    by_team: list[dict]
    by_hamlet: list[dict]
    by_place: list[dict]
    trend: list[dict]
    campaigns: list[tuple]
    top_by_hours: list[dict]
    top_by_citizens: list[dict]
    warnings: dict = field(default_factory=dict)


def dashboard(period: Period, *, commune: Commune) -> Dashboard:
    window = period.months_back(12)
    months = monthly_figures(window, commune=commune)
    if period.is_month:
        current = months[period]
        previous = months.get(period.previous()) or headline(period.previous(), commune=commune)
    else:
        current = _sum_headlines(months.values())
        previous = headline(period.previous(), commune=commune)
    records = records_in(period, commune=commune)
    attendances = attendances_in(period, commune=commune)

    by_service_rows = list(
        records.values("service_id").annotate(citizens=Sum("citizen_count")).order_by("-citizens")
    )
    services = services_by_id([row["service_id"] for row in by_service_rows])
    by_service = [
        {"service": services[row["service_id"]], "citizens": row["citizens"]} for row in by_service_rows
    ]
    # Each category with its total and its services, most citizens first.
    categories: dict[int, dict] = {}
    for row in by_service:
        category = row["service"].category
        counted = categories.setdefault(category.pk, {"category": category, "citizens": 0, "services": []})
        counted["citizens"] += row["citizens"]
        counted["services"].append(row)
    by_category = sorted(categories.values(), key=lambda row: -row["citizens"])

    team_citizens = dict(records.values_list("session__team_id").annotate(total=Sum("citizen_count")))
    team_turns = dict(attendances.values_list("session__team_id").annotate(total=Count("id")))
    team_ids = [pk for pk in set(team_citizens) | set(team_turns)]
    teams = Team.objects.in_bulk([pk for pk in team_ids if pk])
    by_team = sorted(
        (
            {
                "team": teams.get(pk),
                "team_id": pk,
                "citizens": team_citizens.get(pk, 0),
                "volunteer_turns": team_turns.get(pk, 0),
            }
            for pk in team_ids
        ),
        key=lambda row: (-row["citizens"], -row["volunteer_turns"]),
    )

    hamlet_rows = list(
        records.values("hamlet_id").annotate(citizens=Sum("citizen_count")).order_by("-citizens")
    )
    hamlets = Hamlet.objects.in_bulk([row["hamlet_id"] for row in hamlet_rows if row["hamlet_id"]])
    by_hamlet = [
        {"hamlet": hamlets.get(row["hamlet_id"]), "hamlet_id": row["hamlet_id"], "citizens": row["citizens"]}
        for row in hamlet_rows
    ]

    place_rows = (
        records.values("session__place_kind").annotate(citizens=Sum("citizen_count")).order_by("-citizens")
    )
    labels = dict(HelpSession._meta.get_field("place_kind").choices)
    by_place = [
        {
            "place": row["session__place_kind"],
            "label": labels.get(row["session__place_kind"]),
            "citizens": row["citizens"],
        }
        for row in place_rows
    ]

    campaigns = [
        (campaign, campaign_progress(campaign, commune if campaign.province_id else None))
        for campaign in Campaign.objects.filter(
            Q(commune=commune) | Q(province_id=commune.province_id),
            starts_on__lte=period.last_day,
            ends_on__gte=period.first_day,
        ).prefetch_related("targets")
    ]

    return Dashboard(
        period=period,
        commune=commune,
        headline=current,
        changes=with_changes(current, previous),
        by_category=by_category,
        by_service=by_service,
        by_team=by_team,
        by_hamlet=by_hamlet,
        by_place=by_place,
        trend=[
            {
                "period": month,
                "citizen_turns": months[month].citizen_turns,
                "volunteer_turns": months[month].volunteer_turns,
            }
            for month in window
        ],
        campaigns=campaigns,
        top_by_hours=top_volunteers_by_hours(period, commune=commune),
        top_by_citizens=top_volunteers_by_citizens(period, commune=commune),
        warnings=data_warnings(period, commune=commune),
    )


def top_volunteers_by_hours(period: Period, *, commune: Commune, limit: int = 10) -> list[dict]:
    rows = list(
        attendances_in(period, commune=commune)
        .values("volunteer_id")
        .annotate(minutes=Sum("present_minutes"), shifts=Count("id"))
        .order_by("-minutes", "volunteer_id")[:limit]
    )
    people = Volunteer.objects.in_bulk([row["volunteer_id"] for row in rows])
    return [
        {
            "volunteer": people[row["volunteer_id"]],
            "hours": round(row["minutes"] / 60, 1),
            "shifts": row["shifts"],
        }
        for row in rows
    ]


def top_volunteers_by_citizens(period: Period, *, commune: Commune, limit: int = 10) -> list[dict]:
    rows = list(
        records_in(period, commune=commune)
        .filter(volunteer__isnull=False)
        .values("volunteer_id")
        .annotate(citizens=Sum("citizen_count"))
        .order_by("-citizens", "volunteer_id")[:limit]
    )
    people = Volunteer.objects.in_bulk([row["volunteer_id"] for row in rows])
    return [{"volunteer": people[row["volunteer_id"]], "citizens": row["citizens"]} for row in rows]


def data_warnings(period: Period, *, commune: Commune, limit: int = 20) -> dict:
    held_empty = (
        sessions_in(period, commune=commune)
        .held()
        .annotate(present_count=Count("attendances", filter=Q(attendances__present=True)))
        .filter(present_count=0)
        .order_by("date", "starts_at")
    )
    recorded = HelpRecord.objects.counted().filter(
        session=OuterRef("session"), volunteer=OuterRef("volunteer")
    )
    # Citizens recorded without a volunteer (a tally the secretary typed for the whole shift) may
    # be anyone's work: the volunteers present on such a shift are not said to have recorded nothing.
    unattributed = HelpRecord.objects.counted().filter(
        session=OuterRef("session"), volunteer__isnull=True, is_tally=True
    )
    silent = (
        attendances_in(period, commune=commune)
        .filter(~Exists(recorded), ~Exists(unattributed))
        .select_related("volunteer", "session")
        .order_by("session__date")
    )
    idle_teams = (
        Team.objects.filter(commune=commune, is_active=True)
        .exclude(help_sessions__date__gte=period.first_day, help_sessions__date__lt=period.next_first_day)
        .order_by("name")
    )
    return {
        "held_without_attendance": list(held_empty[:limit]),
        "present_without_records": list(silent[:limit]),
        "idle_teams": list(idle_teams[:limit]),
    }


# The province overview -----------------------------------------------------------------------------


def province_overview(period: Period, *, province) -> tuple[list[dict], Headline]:
    """One row per commune of the province, and the province's totals."""
    communes = list(Commune.objects.filter(province=province).order_by("name"))
    figures = commune_month_figures(period.months(), commune__province=province)
    rows = [
        {
            "commune": commune,
            "headline": _sum_headlines(
                figures.get((commune.pk, month), Headline()) for month in period.months()
            ),
        }
        for commune in communes
    ]
    return rows, _sum_headlines(row["headline"] for row in rows)


# A volunteer's own record --------------------------------------------------------------------------


def volunteer_record(volunteer: Volunteer) -> dict:
    """Shifts, hours and citizens helped, per month and in total."""
    months: dict[tuple[int, int], dict] = {}
    for row in (
        Attendance.objects.counted()
        .filter(volunteer=volunteer)
        .annotate(month=TruncMonth("session__date"))
        .values("month")
        .annotate(shifts=Count("id"), minutes=Sum("present_minutes"))
        .order_by()
    ):
        key = (row["month"].year, row["month"].month)
        months.setdefault(key, {"shifts": 0, "minutes": 0, "citizens": 0})
        months[key].update(shifts=row["shifts"], minutes=row["minutes"] or 0)
    for row in (
        HelpRecord.objects.counted()
        .filter(volunteer=volunteer)
        .annotate(month=TruncMonth("helped_at"))
        .values("month")
        .annotate(citizens=Sum("citizen_count"))
        .order_by()
    ):
        key = (row["month"].year, row["month"].month)
        months.setdefault(key, {"shifts": 0, "minutes": 0, "citizens": 0})
        months[key]["citizens"] = row["citizens"]
    by_service_rows = list(
        HelpRecord.objects.counted()
        .filter(volunteer=volunteer)
        .values("service_id")
        .annotate(citizens=Sum("citizen_count"))
        .order_by("-citizens")
    )
    services = Service.objects.in_bulk([row["service_id"] for row in by_service_rows])
    per_month = [
        {"period": Period(year, month), "hours": round(values["minutes"] / 60, 1), **values}
        for (year, month), values in sorted(months.items(), reverse=True)
    ]
    return {
        "per_month": per_month,
        "by_service": [(services[row["service_id"]], row["citizens"]) for row in by_service_rows],
        "shifts": sum(row["shifts"] for row in per_month),
        "minutes": sum(row["minutes"] for row in per_month),
        "hours": round(sum(row["minutes"] for row in per_month) / 60, 1),
        "citizens": sum(row["citizens"] for row in per_month),
    }


def volunteer_totals_between(volunteer: Volunteer, first_day, last_day) -> dict:
    """Shifts, minutes and citizens of one volunteer from `first_day` to `last_day` inclusive."""
    next_day = last_day + datetime.timedelta(days=1)
    attendance = (
        Attendance.objects.counted()
        .on_shifts_between(first_day, next_day)
        .filter(volunteer=volunteer)
        .aggregate(shifts=Count("id"), minutes=Sum("present_minutes"))
    )
    citizens = (
        HelpRecord.objects.counted()
        .helped_between(day_start(first_day), day_start(next_day))
        .filter(volunteer=volunteer)
        .aggregate(total=Sum("citizen_count"))["total"]
        or 0
    )
    return {"shifts": attendance["shifts"] or 0, "minutes": attendance["minutes"] or 0, "citizens": citizens}
