"""The figures of the reports, computed as DESIGN.md counts, in a fixed number of queries.

Citizen-turns sum `citizen_count` over live records (not deleted, shift not cancelled) whose
`helped_at` falls in the period in Vietnam time. Volunteer-turns count attendances marked present
on shifts dated in the period; hours sum their present minutes. No query here loops over data.
"""

import datetime
from dataclasses import dataclass, field, fields

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from reports.models import MonthlyShiftTally, MonthlyTally
from reports.periods import Period
from reports.tallies import tallied_months
from sessions.models import Attendance, Campaign, HelpRecord, HelpSession, Service
from sessions.selectors import campaign_progress, live_records, services_by_id
from sessions.taxonomy import FILE_ONLINE, VNEID_LEVEL2
from volunteers.models import Commune, Hamlet, Team, Volunteer

HEADLINE_KEYS = [
    "sessions_held",
    "volunteer_turns",
    "volunteer_hours",
    "citizen_turns",
    "vneid_activations",
    "online_filings",
    "done_share",
    "senior_share",
]


def records_in(period: Period, **place) -> QuerySet[HelpRecord]:
    return live_records().filter(helped_at__gte=period.start, helped_at__lt=period.end, **place)


def attendances_in(period: Period, **place):
    return Attendance.objects.filter(
        present=True,
        session__date__gte=period.first_day,
        session__date__lt=period.next_first_day,
        **{f"session__{key}": value for key, value in place.items()},
    ).exclude(session__status=HelpSession.Status.CANCELLED)


def sessions_in(period: Period, **place):
    return HelpSession.objects.filter(date__gte=period.first_day, date__lt=period.next_first_day, **place)


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


def monthly_figures(months: list[Period], *, commune: Commune) -> dict[Period, Headline]:
    """The headline of each of consecutive months, in a fixed number of grouped queries."""
    last = months[-1]
    figures = {month: Headline() for month in months}

    def month_of(value) -> Period:
        return Period(value.year, value.month)

    # Finished months come from the monthly rollup; the others (the running month, months not yet
    # tallied) from the records, always in these two queries.
    tallied = tallied_months([month.first_day for month in months])
    for row in (
        MonthlyTally.objects.filter(commune=commune, month__in=tallied)
        .values("month")
        .annotate(**_record_sums("citizens"))
        .order_by()
    ):
        _fill(figures[month_of(row["month"])], row)
    for row in MonthlyShiftTally.objects.filter(commune=commune, month__in=tallied).values(
        "month", "sessions_held", "volunteer_turns", "volunteer_minutes"
    ):
        _fill(figures[month_of(row["month"])], row)
    untallied = [month for month in months if month.first_day not in tallied]
    since = untallied[0] if untallied else last.following()
    records = live_records().filter(commune=commune, helped_at__gte=since.start, helped_at__lt=last.end)
    for row in (
        records.annotate(month=TruncMonth("helped_at")).values("month").annotate(**_record_sums()).order_by()
    ):
        if month_of(row["month"]) in untallied:
            _fill(figures[month_of(row["month"])], row)
    attendances = Attendance.objects.filter(
        present=True,
        session__commune=commune,
        session__date__gte=since.first_day,
        session__date__lt=last.next_first_day,
    ).exclude(session__status=HelpSession.Status.CANCELLED)
    for row in (
        attendances.annotate(month=TruncMonth("session__date"))
        .values("month")
        .annotate(volunteer_turns=Count("id"), volunteer_minutes=Sum("present_minutes"))
        .order_by()
    ):
        if month_of(row["month"]) in untallied:
            _fill(figures[month_of(row["month"])], row)
    held = HelpSession.objects.filter(
        commune=commune,
        status=HelpSession.Status.HELD,
        date__gte=since.first_day,
        date__lt=last.next_first_day,
    )
    for row in (
        held.annotate(month=TruncMonth("date")).values("month").annotate(sessions_held=Count("id")).order_by()
    ):
        if month_of(row["month"]) in untallied:
            _fill(figures[month_of(row["month"])], row)
    return figures


def _sum_headlines(headlines) -> Headline:
    total = Headline()
    for item in headlines:
        for counted in fields(Headline):
            setattr(total, counted.name, getattr(total, counted.name) + getattr(item, counted.name))
    return total


def headline(period: Period, *, commune: Commune) -> Headline:
    """Three queries: records, attendance, sessions held."""
    figures = Headline()
    _fill(figures, records_in(period, commune=commune).aggregate(**_record_sums()))
    _fill(
        figures,
        attendances_in(period, commune=commune).aggregate(
            volunteer_turns=Count("id"), volunteer_minutes=Sum("present_minutes")
        ),
    )
    figures.sessions_held = sessions_in(period, commune=commune, status=HelpSession.Status.HELD).count()
    return figures


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
        sessions_in(period, commune=commune, status=HelpSession.Status.HELD)
        .annotate(present_count=Count("attendances", filter=Q(attendances__present=True)))
        .filter(present_count=0)
        .order_by("date", "starts_at")
    )
    recorded = live_records().filter(session=OuterRef("session"), volunteer=OuterRef("volunteer"))
    silent = (
        attendances_in(period, commune=commune)
        .filter(~Exists(recorded))
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
    """One row per commune of the province, and the province's totals: from the monthly rollup
    when every month of the period is tallied, otherwise from the rows in three grouped queries."""
    communes = list(Commune.objects.filter(province=province).order_by("name"))
    rows = {commune.pk: {"commune": commune, "headline": Headline()} for commune in communes}
    months = [month.first_day for month in period.months()]
    if tallied_months(months) == set(months):
        for values in (
            MonthlyTally.objects.filter(commune__province=province, month__in=months)
            .values("commune_id")
            .annotate(**_record_sums("citizens"))
            .order_by()
        ):
            _fill(rows[values["commune_id"]]["headline"], values)
        for values in (
            MonthlyShiftTally.objects.filter(commune__province=province, month__in=months)
            .values("commune_id")
            .annotate(
                sessions_held=Sum("sessions_held"),
                volunteer_turns=Sum("volunteer_turns"),
                volunteer_minutes=Sum("volunteer_minutes"),
            )
            .order_by()
        ):
            _fill(rows[values["commune_id"]]["headline"], values)
        return list(rows.values()), _sum_headlines(row["headline"] for row in rows.values())
    for values in (
        records_in(period, commune__province=province)
        .values("commune_id")
        .annotate(**_record_sums())
        .order_by()
    ):
        _fill(rows[values["commune_id"]]["headline"], values)
    for values in (
        attendances_in(period, commune__province=province)
        .values("session__commune_id")
        .annotate(volunteer_turns=Count("id"), volunteer_minutes=Sum("present_minutes"))
        .order_by()
    ):
        _fill(rows[values["session__commune_id"]]["headline"], values)
    for values in (
        sessions_in(period, commune__province=province, status=HelpSession.Status.HELD)
        .values("commune_id")
        .annotate(sessions_held=Count("id"))
        .order_by()
    ):
        _fill(rows[values["commune_id"]]["headline"], values)
    return list(rows.values()), _sum_headlines(row["headline"] for row in rows.values())


# A volunteer's own record --------------------------------------------------------------------------


def volunteer_record(volunteer: Volunteer) -> dict:
    """Shifts, hours and citizens helped, per month and in total."""
    months: dict[tuple[int, int], dict] = {}
    for row in (
        Attendance.objects.filter(volunteer=volunteer, present=True)
        .exclude(session__status=HelpSession.Status.CANCELLED)
        .annotate(month=TruncMonth("session__date"))
        .values("month")
        .annotate(shifts=Count("id"), minutes=Sum("present_minutes"))
        .order_by()
    ):
        key = (row["month"].year, row["month"].month)
        months.setdefault(key, {"shifts": 0, "minutes": 0, "citizens": 0})
        months[key].update(shifts=row["shifts"], minutes=row["minutes"] or 0)
    for row in (
        live_records()
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
        live_records()
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
    attendance = (
        Attendance.objects.filter(
            volunteer=volunteer, present=True, session__date__gte=first_day, session__date__lte=last_day
        )
        .exclude(session__status=HelpSession.Status.CANCELLED)
        .aggregate(shifts=Count("id"), minutes=Sum("present_minutes"))
    )
    start = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min)
    )
    citizens = (
        live_records()
        .filter(volunteer=volunteer, helped_at__gte=start, helped_at__lt=end)
        .aggregate(total=Sum("citizen_count"))["total"]
        or 0
    )
    return {"shifts": attendance["shifts"] or 0, "minutes": attendance["minutes"] or 0, "citizens": citizens}
