"""Who and where, before any work: each commune's hamlets and teams, its volunteers, the
accounts the benchmark signs in with, and a VNeID campaign each year."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from bench.synthetic.bulk import Writer
from bench.synthetic.lists import FAMILY, GIVEN, MIDDLE
from sessions.models import Campaign, CampaignTarget, Service
from volunteers.models import Commune, Hamlet, RoleAssignment, Team, TeamMembership, Volunteer
from volunteers.text import name_sort_key, strip_diacritics

# Primary keys by commune, so that shifts and records can be drawn without queries.
ByCommune = dict[int, list[int]]

VOLUNTEER_COLUMNS = [
    "id",
    "full_name",
    "sort_key",
    "search_name",
    "gender",
    "date_of_birth",
    "phone",
    "email",
    "commune_id",
    "hamlet_id",
    "is_union_member",
    "is_active",
    "user_id",
    "created_at",
    "updated_at",
]


def _by_commune(pairs) -> ByCommune:
    grouped: ByCommune = {}
    for pk, commune_id in pairs:
        grouped.setdefault(commune_id, []).append(pk)
    return grouped


def places(communes: list[Commune]) -> tuple[ByCommune, ByCommune]:
    """Eight hamlets and six teams per commune (kept if the commune has some already)."""
    existing = set(Hamlet.objects.filter(commune__in=communes).values_list("commune_id", flat=True))
    Hamlet.objects.bulk_create(
        [
            Hamlet(commune=commune, name=f"Thôn {number}", kind=Hamlet.Kind.VILLAGE)
            for commune in communes
            if commune.pk not in existing
            for number in range(1, 9)
        ]
    )
    hamlets = _by_commune(Hamlet.objects.filter(commune__in=communes).values_list("pk", "commune_id"))
    existing_teams = set(Team.objects.filter(commune__in=communes).values_list("commune_id", flat=True))
    new_teams = []
    for commune in communes:
        if commune.pk in existing_teams:
            continue
        new_teams.append(
            Team(commune=commune, name="Đội hình hỗ trợ dịch vụ công", kind=Team.Kind.SERVICE_SQUAD)
        )
        new_teams.append(
            Team(commune=commune, name="Đội hình Bình dân học vụ số", kind=Team.Kind.DIGITAL_LITERACY)
        )
        for index, hamlet_id in enumerate(hamlets[commune.pk][:4], start=1):
            new_teams.append(
                Team(
                    commune=commune,
                    name=f"Tổ công nghệ số cộng đồng thôn {index}",
                    kind=Team.Kind.COMMUNITY_DIGITAL,
                    hamlet_id=hamlet_id,
                )
            )
    Team.objects.bulk_create(new_teams)
    teams = _by_commune(Team.objects.filter(commune__in=communes).values_list("pk", "commune_id"))
    return hamlets, teams


def volunteers(
    writer: Writer,
    rng: random.Random,
    communes: list[Commune],
    hamlets: ByCommune,
    teams: ByCommune,
    wanted_total: int,
) -> ByCommune:
    """Volunteers up to `wanted_total`, spread evenly; the first 30 of each commune join its
    first team."""
    have = Volunteer.objects.filter(commune__in=communes).count()
    wanted = max(0, wanted_total - have)
    per_commune = [
        wanted // len(communes) + (1 if index < wanted % len(communes) else 0)
        for index in range(len(communes))
    ]
    now = timezone.now().isoformat()

    def rows():
        pk = writer.next_id(Volunteer)
        for commune, count in zip(communes, per_commune, strict=True):
            for _ in range(count):
                name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
                yield (
                    pk,
                    name,
                    name_sort_key(name),
                    strip_diacritics(name),
                    rng.choice(["female", "male"]),
                    f"{1985 + rng.randrange(20)}-0{1 + rng.randrange(9)}-1{rng.randrange(10)}",
                    f"+849{pk:08d}"[:12],
                    "",
                    commune.pk,
                    rng.choice(hamlets[commune.pk]),
                    "t",
                    "t",
                    None,
                    now,
                    now,
                )
                pk += 1

    writer.write(Volunteer, VOLUNTEER_COLUMNS, rows())
    writer.reset_sequence(Volunteer)
    people = _by_commune(
        Volunteer.objects.filter(commune__in=communes).order_by("pk").values_list("pk", "commune_id")
    )
    if wanted:
        TeamMembership.objects.bulk_create(
            [
                TeamMembership(
                    team_id=teams[commune_id][0], volunteer_id=pk, joined_on=datetime.date(2024, 1, 1)
                )
                for commune_id, pks in people.items()
                for pk in pks[:30]
                if not TeamMembership.objects.filter(volunteer_id=pk).exists()
            ],
            batch_size=5000,
        )
    return people


def accounts(communes: list[Commune], people: ByCommune) -> dict:
    """The benchmark's sign-ins, all on the first commune: a secretary, a commune leader, a
    province officer, a volunteer (linked to a generated volunteer) and the recorder of records."""
    User = get_user_model()
    first = communes[0]
    users = {}
    for username, role in [
        ("bench.secretary", "secretary"),
        ("bench.leader", "commune_leader"),
        ("bench.officer", "province_officer"),
        ("bench.volunteer", None),
        ("bench.recorder", None),
    ]:
        user, created = User.objects.get_or_create(username=username, defaults={"first_name": username})
        if created:
            user.set_password("bench-only-password")
            user.save()
        if role == "province_officer":
            RoleAssignment.objects.get_or_create(user=user, role=role, province_id=first.province_id)
        elif role:
            RoleAssignment.objects.get_or_create(user=user, role=role, commune=first)
        users[username.split(".")[1]] = user
    if first.pk in people and not Volunteer.objects.filter(user=users["volunteer"]).exists():
        Volunteer.objects.filter(pk=min(people[first.pk])).update(user=users["volunteer"])
    return users


def campaigns(province_id: int, first_year: int, last_year: int) -> None:
    """A VNeID month each March with a province-wide target, as the union runs them."""
    if Campaign.objects.filter(province_id=province_id, name__startswith="Tháng cao điểm VNeID").exists():
        return
    level2 = Service.objects.get(code="vneid_level2")
    for year in range(first_year, last_year + 1):
        campaign = Campaign.objects.create(
            name=f"Tháng cao điểm VNeID {year}",
            province_id=province_id,
            starts_on=datetime.date(year, 3, 1),
            ends_on=datetime.date(year, 3, 31),
        )
        CampaignTarget.objects.create(
            campaign=campaign,
            label="Kích hoạt VNeID mức 2",
            metric="citizen_turns",
            service=level2,
            done_only=True,
            value=20000,
        )
