"""Demo shifts and records for `make run`, shaped like the two real programmes in shared/seeds:
Vĩnh Phúc's party-card week (9–15/08/2025, 07:00–22:00, nearly 7,000 party members) and Hải Lựu's
year at the service centre (about 600 citizen-turns, 200 VNeID activations, one training).
Plus a year of ordinary shifts, and today's shifts for the demo volunteer. Idempotent."""

import datetime
import random
import uuid

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sessions.models import Attendance, Campaign, CampaignTarget, HelpRecord, HelpSession, Service
from volunteers.demo import HAI_LUU, VINH_PHUC
from volunteers.models import Commune, Team, Volunteer

PARTY_WEEK = "Cao điểm hỗ trợ đổi thẻ đảng viên"
SLOTS = [(7, 11), (11, 15), (15, 19), (19, 22)]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class _Builder:
    def __init__(self, rng: random.Random, recorder):
        self.rng = rng
        self.recorder = recorder
        self.services = {s.code: s for s in Service.objects.all()}
        self.attendances: list[Attendance] = []
        self.records: list[HelpRecord] = []

    def shift(
        self, commune, day, hours, *, place, team=None, campaign=None, people=(), needed=4, closed=True
    ):
        session = HelpSession.objects.create(
            commune=commune,
            team=team,
            campaign=campaign,
            place_kind=place,
            date=day,
            starts_at=datetime.time(hours[0]),
            ends_at=datetime.time(hours[1]),
            volunteers_needed=needed,
            status=HelpSession.Status.HELD if closed else HelpSession.Status.PLANNED,
            closed_at=_at(day, hours[1]) if closed else None,
            created_by=self.recorder,
        )
        for volunteer in people:
            attendance = Attendance(session=session, volunteer=volunteer, present=True if closed else None)
            attendance.present_minutes = attendance.compute_minutes() if closed else 0
            self.attendances.append(attendance)
        return session

    def record(self, session, code, count=1, *, volunteer=None, outcome="done", age_band="", gender=""):
        minute = self.rng.randrange(max(1, (session.ends_at.hour - session.starts_at.hour) * 60))
        self.records.append(
            HelpRecord(
                client_id=uuid.uuid4(),
                session=session,
                commune_id=session.commune_id,
                service=self.services[code],
                citizen_count=count,
                is_tally=count > 1,
                outcome=outcome,
                volunteer=volunteer,
                recorded_by=self.recorder,
                updated_by=self.recorder,
                age_band=age_band,
                gender=gender,
                helped_at=_at(session.date, session.starts_at.hour) + datetime.timedelta(minutes=minute),
            )
        )

    def save(self):
        Attendance.objects.bulk_create(self.attendances)
        HelpRecord.objects.bulk_create(self.records, batch_size=1000)


@transaction.atomic
def seed_sessions() -> None:
    vinh_phuc = Commune.objects.get(pk=VINH_PHUC)
    hai_luu = Commune.objects.get(pk=HAI_LUU)
    if Campaign.objects.filter(name=PARTY_WEEK, commune=vinh_phuc).exists():
        _today_shifts(vinh_phuc)
        return
    rng = random.Random(2025)
    recorder = get_user_model().objects.get(username="bithu.vinhphuc")
    builder = _Builder(rng, recorder)
    squad = Team.objects.filter(commune=vinh_phuc, kind=Team.Kind.SERVICE_SQUAD).first()
    squad_people = list(Volunteer.objects.filter(memberships__team=squad))
    ages = ["under_18", "18_59", "18_59", "18_59", "60_plus", "60_plus", ""]

    campaign = Campaign.objects.create(
        name=PARTY_WEEK,
        commune=vinh_phuc,
        starts_on=datetime.date(2025, 8, 9),
        ends_on=datetime.date(2025, 8, 15),
        description="Hỗ trợ đảng viên đổi thẻ tại Trụ sở Công an phường, 07:00–22:00 hằng ngày.",
        created_by=recorder,
    )
    CampaignTarget.objects.create(
        campaign=campaign,
        label="7.000 đảng viên được hỗ trợ đổi thẻ",
        metric="citizen_turns",
        service=builder.services["party_card_renewal"],
        value=7000,
    )
    CampaignTarget.objects.create(
        campaign=campaign, label="150 lượt ĐVTN tham gia", metric="volunteer_turns", value=150
    )
    day = campaign.starts_on
    while day <= campaign.ends_on:
        for hours in SLOTS:
            session = builder.shift(
                vinh_phuc,
                day,
                hours,
                place="police_station",
                team=squad,
                campaign=campaign,
                people=rng.sample(squad_people, 6),
                needed=6,
            )
            builder.record(session, "party_card_renewal", rng.randint(220, 270))
            builder.record(session, "congress_feedback", rng.randint(5, 20))
        day += datetime.timedelta(days=1)

    # A year of ordinary weekly shifts in both communes, for the dashboards.
    today = timezone.localdate()
    village_people = list(Volunteer.objects.filter(commune=hai_luu))
    common = [
        "vneid_install",
        "vneid_level2",
        "vneid_recovery",
        "file_online",
        "lookup_result",
        "pay_fees",
        "queue_triage",
        "smartphone_basics",
        "banking_app",
        "qr_payment",
    ]
    for weeks_ago in range(1, 53):
        monday = today - datetime.timedelta(days=today.weekday() + 7 * weeks_ago)
        for commune, people, place in (
            (vinh_phuc, squad_people, "service_centre"),
            (hai_luu, village_people, "commune_hall"),
        ):
            session = builder.shift(
                commune,
                monday + datetime.timedelta(days=rng.randrange(5)),
                (7, 11),
                place=place,
                team=squad if commune == vinh_phuc else None,
                people=rng.sample(people, 3),
                needed=3,
            )
            for _ in range(rng.randint(6, 14)):
                builder.record(
                    session,
                    rng.choice(common),
                    volunteer=rng.choice(people[:3]),
                    outcome=rng.choice(["done"] * 8 + ["follow_up", "not_done"]),
                    age_band=rng.choice(ages),
                    gender=rng.choice(["female", "male", ""]),
                )
    training_day = datetime.date(2025, 10, 18)
    training = builder.shift(
        hai_luu, training_day, (8, 11), place="cultural_house", people=village_people[30:36]
    )
    builder.record(training, "binh_dan_hoc_vu_so", 45)
    builder.save()
    _today_shifts(vinh_phuc)


def _today_shifts(vinh_phuc) -> None:
    """Open shifts today and in the coming days, with the demo volunteer signed up for today's."""
    today = timezone.localdate()
    squad = Team.objects.filter(commune=vinh_phuc, kind=Team.Kind.SERVICE_SQUAD).first()
    volunteer = Volunteer.objects.filter(user__username="tnv.vinhphuc").first()
    for offset in range(0, 4):
        day = today + datetime.timedelta(days=offset)
        for start, end in ((7, 11), (13, 17)):
            session, created = HelpSession.objects.get_or_create(
                commune=vinh_phuc,
                date=day,
                starts_at=datetime.time(start),
                ends_at=datetime.time(end),
                place_kind="service_centre",
                defaults={"team": squad, "volunteers_needed": 3},
            )
            if created and offset == 0 and volunteer is not None:
                Attendance.objects.get_or_create(session=session, volunteer=volunteer)
