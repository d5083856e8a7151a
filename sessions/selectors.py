"""Reads of the sessions app: shift lists, a shift's figures, campaign progress, my shifts."""

import datetime
import time
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from sessions.models import (
    Attendance,
    Campaign,
    CampaignTarget,
    HelpRecord,
    HelpSession,
    ReviewEntry,
    Service,
)
from volunteers.models import Commune, Team, Volunteer


def session_list(
    *,
    sessions: QuerySet[HelpSession],
    first_day: datetime.date | None = None,
    last_day: datetime.date | None = None,
    team_id: int | None = None,
    campaign_id: int | None = None,
    place_kind: str = "",
    status: str = "",
) -> QuerySet[HelpSession]:
    chosen = {
        "date__gte": first_day,
        "date__lte": last_day,
        "team_id": team_id,
        "campaign_id": campaign_id,
        "place_kind": place_kind,
        "status": status,
    }
    # A filter left empty does not narrow the list.
    sessions = sessions.filter(**{lookup: value for lookup, value in chosen.items() if value})
    return sessions.select_related("team", "campaign", "hamlet").annotate(
        signed_up=Count("attendances", filter=Q(attendances__withdrawn_at__isnull=True), distinct=True),
        present=Count("attendances", filter=Q(attendances__present=True), distinct=True),
    )


@dataclass
class SessionFigures:
    needed: int
    signed_up: int
    present: int
    volunteer_minutes: int
    citizen_turns: int
    by_service: list[tuple[Service, int]]

    @property
    def volunteer_hours(self) -> float:
        return round(self.volunteer_minutes / 60, 1)


def session_figures(session: HelpSession) -> SessionFigures:
    attendance = session.attendances.aggregate(
        signed_up=Count("id", filter=Q(withdrawn_at__isnull=True)),
        present=Count("id", filter=Q(present=True)),
        minutes=Sum("present_minutes"),
    )
    records = HelpRecord.objects.counted().filter(session=session)
    rows = records.values("service").annotate(citizens=Sum("citizen_count")).order_by("-citizens")
    services = Service.objects.in_bulk([row["service"] for row in rows])
    by_service = [(services[row["service"]], row["citizens"]) for row in rows]
    return SessionFigures(
        needed=session.volunteers_needed,
        signed_up=attendance["signed_up"] or 0,
        present=attendance["present"] or 0,
        volunteer_minutes=attendance["minutes"] or 0,
        citizen_turns=sum(count for _service, count in by_service),
        by_service=by_service,
    )


def user_entries(*, session: HelpSession, user, limit: int = 10) -> QuerySet[HelpRecord]:
    return (
        HelpRecord.objects.counted()
        .filter(session=session, recorded_by=user)
        .select_related("service")
        .order_by("-created_at", "-id")[:limit]
    )


def review_entries(*, session: HelpSession) -> QuerySet[ReviewEntry]:
    """Entries synced from phones that wait for the secretary on this shift, and those decided."""
    return session.review_entries.select_related("service", "recorded_by", "reviewed_by").order_by(
        "status", "arrived_at", "id"
    )


def recording_totals(*, session: HelpSession, user) -> dict:
    """The two totals on the recording page, in one query: this user's and the whole shift's."""
    totals = (
        HelpRecord.objects.counted()
        .filter(session=session)
        .aggregate(
            session_total=Sum("citizen_count"), my_total=Sum("citizen_count", filter=Q(recorded_by=user))
        )
    )
    return {"session_total": totals["session_total"] or 0, "my_total": totals["my_total"] or 0}


def services_for_recording() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True, category__is_active=True).select_related("category")


# Every tap names a service by its code; the 26 services live in each process's memory instead of
# being read on every tap. A change in this process (admin, tests) empties it at once
# (sessions/apps.py); other processes see it within CATALOGUE_SECONDS.
CATALOGUE_SECONDS = 60
_catalogue: dict = {"loaded_at": None, "by_code": {}, "by_id": {}}


def _services() -> dict:
    loaded_at = _catalogue["loaded_at"]
    if loaded_at is None or time.monotonic() - loaded_at > CATALOGUE_SECONDS:
        services = list(Service.objects.select_related("category"))
        _catalogue.update(
            loaded_at=time.monotonic(),
            by_code={service.code: service for service in services},
            by_id={service.pk: service for service in services},
        )
    return _catalogue


def service_by_code(code: str) -> Service | None:
    """The service with this code, retired or not (recording refuses retired ones itself)."""
    return _services()["by_code"].get(code)


def services_by_id(ids) -> dict[int, Service]:
    """Services (with their category) by primary key, retired or not, from the same catalogue."""
    by_id = _services()["by_id"]
    if any(pk not in by_id for pk in ids):  # added in another process moments ago
        forget_service_catalogue()
        by_id = _services()["by_id"]
    return {pk: by_id[pk] for pk in ids if pk in by_id}


def forget_service_catalogue(**_signal) -> None:
    _catalogue["loaded_at"] = None


def campaigns_for_commune(commune: Commune) -> QuerySet[Campaign]:
    return Campaign.objects.filter(Q(commune=commune) | Q(province_id=commune.province_id)).select_related(
        "commune", "province"
    )


def campaign_running(session: HelpSession) -> Campaign | None:
    """The campaign a shift works for: the one it was planned under, else one of its commune or
    province that covers its date (the most local, then the latest to start)."""
    if session.campaign_id:
        return session.campaign
    return (
        campaigns_for_commune(session.commune)
        .filter(starts_on__lte=session.date, ends_on__gte=session.date)
        .order_by("province_id", "-starts_on", "pk")  # a commune's own campaign first
        .first()
    )


def services_for_campaign(campaign: Campaign) -> list[Service]:
    """The services a campaign's targets name, in the catalogue's order: what volunteers of the
    campaign record most, so the recording page shows them first."""
    wanted = {target.service_id for target in campaign.targets.all() if target.service_id}
    return [service for service in services_for_recording() if service.pk in wanted]


@dataclass
class TargetProgress:
    target: CampaignTarget
    reached: float

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.reached / self.target.value)) if self.target.value else 100


def campaign_progress(campaign: Campaign, commune: Commune | None = None) -> list[TargetProgress]:
    """Each target against what was done in the campaign's place and dates (optionally one
    commune of a province-wide campaign). Counts every shift in that place and range, whether or
    not it was tagged with the campaign."""
    place = (
        Q(session__commune=commune)
        if commune
        else (
            Q(session__commune=campaign.commune)
            if campaign.commune_id
            else Q(session__commune__province=campaign.province)
        )
    )
    dates = Q(session__date__gte=campaign.starts_on, session__date__lte=campaign.ends_on)
    progress = []
    for target in campaign.targets.select_related("service"):
        if target.metric == CampaignTarget.Metric.CITIZEN_TURNS:
            records = HelpRecord.objects.counted().filter(place, dates)
            if target.service_id:
                records = records.filter(service=target.service)
            if target.done_only:
                records = records.filter(outcome=HelpRecord.Outcome.DONE)
            reached = records.aggregate(total=Sum("citizen_count"))["total"] or 0
        else:
            attendances = Attendance.objects.counted().filter(place, dates)
            if target.metric == CampaignTarget.Metric.VOLUNTEER_TURNS:
                reached = attendances.count()
            else:
                reached = round((attendances.aggregate(total=Sum("present_minutes"))["total"] or 0) / 60, 1)
        progress.append(TargetProgress(target=target, reached=reached))
    return progress


def my_shifts(volunteer: Volunteer) -> dict:
    today = timezone.localdate()
    mine = (
        HelpSession.objects.filter(attendances__volunteer=volunteer, attendances__withdrawn_at__isnull=True)
        .select_related("team", "commune")
        .order_by("date", "starts_at")
    )
    open_shifts = (
        session_list(
            sessions=HelpSession.objects.filter(
                commune_id=volunteer.commune_id, status=HelpSession.Status.PLANNED, date__gte=today
            ).exclude(attendances__volunteer=volunteer, attendances__withdrawn_at__isnull=True),
        )
        .filter(closed_at__isnull=True)
        .order_by("date", "starts_at")
    )
    return {
        "today": [s for s in mine.filter(date=today) if not s.is_cancelled],
        "upcoming": mine.filter(date__gt=today).exclude(status=HelpSession.Status.CANCELLED),
        "past": mine.filter(date__lt=today).order_by("-date", "-starts_at")[:20],
        "open": open_shifts[:50],
    }


def volunteer_totals(volunteer: Volunteer) -> dict:
    attendance = (
        Attendance.objects.counted()
        .filter(volunteer=volunteer)
        .aggregate(turns=Count("id"), minutes=Sum("present_minutes"))
    )
    citizens = (
        HelpRecord.objects.counted()
        .filter(volunteer=volunteer)
        .aggregate(total=Sum("citizen_count"))["total"]
        or 0
    )
    return {
        "volunteer_turns": attendance["turns"] or 0,
        "volunteer_hours": round((attendance["minutes"] or 0) / 60, 1),
        "citizen_turns": citizens,
    }


# A shift counts as happening from this long before it starts: volunteers arrive early.
SHIFT_NOW_LEAD = datetime.timedelta(minutes=30)


def shifts_now(shifts: QuerySet[HelpSession], *, now: datetime.datetime | None = None) -> dict:
    """Of `shifts`, today's that still take entries: those happening now (from a little before they
    start to their end) and the next one to come today, for a one-tap way to the recording page."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    todays = (
        shifts.filter(date=today, closed_at__isnull=True)
        .exclude(status=HelpSession.Status.CANCELLED)
        .select_related("commune", "team")
        .order_by("starts_at", "pk")
    )
    happening, later = [], []
    for shift in todays[:20]:
        if shift.local_start() - SHIFT_NOW_LEAD <= now <= shift.local_end():
            happening.append(shift)
        elif shift.local_start() > now:
            later.append(shift)
    return {"happening": happening[:3], "next": later[0] if later and not happening else None}


def teams_led(team_ids) -> dict:
    """A team leader's page: their teams, the teams' shifts of the next two weeks, and the shifts
    already begun whose sign-ups still have no attendance mark."""
    today = timezone.localdate()
    shifts = HelpSession.objects.filter(team_id__in=list(team_ids)).exclude(
        status=HelpSession.Status.CANCELLED
    )
    return {
        "teams": Team.objects.filter(pk__in=list(team_ids)).select_related("commune"),
        "coming": shifts.filter(date__range=(today, today + datetime.timedelta(days=14)))
        .select_related("team", "commune")
        .order_by("date", "starts_at")[:30],
        "to_mark": shifts.filter(
            date__range=(today - datetime.timedelta(days=30), today),
            closed_at__isnull=True,
            attendances__withdrawn_at__isnull=True,
            attendances__present__isnull=True,
        )
        .select_related("team", "commune")
        .distinct()
        .order_by("-date", "-starts_at")[:30],
    }


def shifts_to_keep_offline(volunteer: Volunteer) -> QuerySet[HelpSession]:
    """The volunteer's shifts of today and tomorrow that still take entries: their recording pages
    are kept on the phone for a day without signal."""
    today = timezone.localdate()
    return HelpSession.objects.filter(
        attendances__volunteer=volunteer,
        attendances__withdrawn_at__isnull=True,
        date__range=(today, today + datetime.timedelta(days=1)),
        closed_at__isnull=True,
    ).exclude(status=HelpSession.Status.CANCELLED)
