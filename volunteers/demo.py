"""Demo data for `make run`: Phường Vĩnh Phúc and Xã Hải Lựu (Phú Thọ), their teams and people.

The programmes are real (see shared/seeds); the people are invented. Deterministic and idempotent.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from volunteers.models import Commune, Hamlet, RoleAssignment, Team, TeamMembership, Volunteer
from volunteers.services import membership_add

PROVINCE_CODE = 25
VINH_PHUC = 8716
HAI_LUU = 8782
DEMO_PASSWORD = "xks-demo-2025"

FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô", "Dương", "Lý"]
MIDDLE_NAMES = {
    "female": ["Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Thuỳ", "Khánh"],
    "male": ["Văn", "Đức", "Minh", "Quang", "Hữu", "Duy", "Tiến", "Thành"],
}
GIVEN_NAMES = {
    "female": [
        "Anh",
        "Ánh",
        "Chi",
        "Dung",
        "Giang",
        "Hà",
        "Hằng",
        "Hoa",
        "Huyền",
        "Lan",
        "Linh",
        "Mai",
        "Nga",
        "Ngân",
        "Nhung",
        "Phương",
        "Quỳnh",
        "Thảo",
        "Trang",
        "Uyên",
        "Vân",
        "Yến",
    ],
    "male": [
        "An",
        "Bình",
        "Cường",
        "Dũng",
        "Đạt",
        "Hải",
        "Hiếu",
        "Hoàng",
        "Hùng",
        "Khánh",
        "Long",
        "Minh",
        "Nam",
        "Phong",
        "Quân",
        "Sơn",
        "Tâm",
        "Thắng",
        "Trung",
        "Tuấn",
        "Việt",
    ],
}
MOBILE_PREFIXES = [
    "086",
    "096",
    "097",
    "098",
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
    "088",
    "091",
    "094",
    "083",
    "084",
    "085",
    "081",
    "082",
    "089",
    "090",
    "093",
    "070",
    "079",
    "077",
    "076",
    "078",
    "056",
    "058",
]

VINH_PHUC_GROUPS = [f"Tổ dân phố số {number}" for number in range(1, 9)]
HAI_LUU_VILLAGES = [
    "Thôn Hòa Bình",
    "Thôn Đồng Tâm",
    "Thôn Tân Lập",
    "Thôn Phú Lâm",
    "Thôn Đoàn Kết",
    "Thôn Thống Nhất",
]

# (username, full name, role, commune code or province code, description)
ACCOUNTS = [
    ("bithu.vinhphuc", "Nguyễn Thu Hằng", "secretary", VINH_PHUC, "union secretary, Phường Vĩnh Phúc"),
    ("bithu.hailuu", "Phạm Khánh Ly", "secretary", HAI_LUU, "union secretary, Xã Hải Lựu"),
    ("lanhdao.vinhphuc", "Trần Quang Minh", "commune_leader", VINH_PHUC, "commune leader, Phường Vĩnh Phúc"),
    ("tinhdoan.phutho", "Lê Hữu Nam", "province_officer", PROVINCE_CODE, "province officer, Tỉnh Phú Thọ"),
    ("doitruong.vinhphuc", None, "team_leader", VINH_PHUC, "team leader, service squad of Vĩnh Phúc"),
    ("tnv.vinhphuc", None, "volunteer", VINH_PHUC, "volunteer, service squad of Vĩnh Phúc"),
    ("tnv.hailuu", None, "volunteer", HAI_LUU, "volunteer, community digital team of Thôn Hòa Bình"),
]


def _person(rng: random.Random, used_phones: set[str]) -> dict:
    gender = rng.choice(["female", "male"])
    name = f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES[gender])} {rng.choice(GIVEN_NAMES[gender])}"
    while True:
        phone = "+84" + rng.choice(MOBILE_PREFIXES)[1:] + f"{rng.randrange(10**7):07d}"
        if phone not in used_phones:
            used_phones.add(phone)
            break
    birth = datetime.date(1990, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 16))
    return {"full_name": name, "gender": gender, "phone": phone, "date_of_birth": birth}


def _volunteers(commune, count, rng, used_phones, hamlets) -> list[Volunteer]:
    existing = list(Volunteer.objects.filter(commune=commune).order_by("id"))
    while len(existing) < count:
        person = _person(rng, used_phones)
        existing.append(
            Volunteer.objects.create(
                commune=commune, hamlet=rng.choice(hamlets), is_union_member=rng.random() < 0.9, **person
            )
        )
    return existing[:count]


@transaction.atomic
def seed_demo() -> list[tuple[str, str]]:
    """Create the demo communes' data and accounts once; return (username, description) pairs."""
    rng = random.Random(2025)
    used_phones = set(Volunteer.objects.values_list("phone", flat=True))
    vinh_phuc = Commune.objects.get(pk=VINH_PHUC)
    hai_luu = Commune.objects.get(pk=HAI_LUU)

    groups = [
        Hamlet.objects.get_or_create(
            commune=vinh_phuc, name=name, defaults={"kind": Hamlet.Kind.RESIDENTIAL_GROUP}
        )[0]
        for name in VINH_PHUC_GROUPS
    ]
    villages = [
        Hamlet.objects.get_or_create(commune=hai_luu, name=name, defaults={"kind": Hamlet.Kind.VILLAGE})[0]
        for name in HAI_LUU_VILLAGES
    ]

    squad, _ = Team.objects.get_or_create(
        commune=vinh_phuc,
        name="Đội hình TNTN hỗ trợ dịch vụ công trực tuyến phường Vĩnh Phúc",
        defaults={"kind": Team.Kind.SERVICE_SQUAD},
    )
    literacy, _ = Team.objects.get_or_create(
        commune=hai_luu,
        name="Đội hình “Bình dân học vụ số” xã Hải Lựu",
        defaults={"kind": Team.Kind.DIGITAL_LITERACY},
    )
    village_teams = [
        Team.objects.get_or_create(
            commune=hai_luu,
            name=f"Tổ công nghệ số cộng đồng {village.name.replace('Thôn', 'thôn', 1)}",
            defaults={"kind": Team.Kind.COMMUNITY_DIGITAL, "hamlet": village},
        )[0]
        for village in villages
    ]

    squad_people = _volunteers(vinh_phuc, 40, rng, used_phones, groups)
    for index, volunteer in enumerate(squad_people[:32]):
        position = (
            TeamMembership.Position.LEADER
            if index == 0
            else (TeamMembership.Position.DEPUTY if index == 1 else TeamMembership.Position.MEMBER)
        )
        if not squad.memberships.filter(volunteer=volunteer).exists():
            membership_add(
                team=squad, volunteer=volunteer, position=position, joined_on=datetime.date(2025, 3, 26)
            )

    village_people = _volunteers(hai_luu, 36, rng, used_phones, villages)
    for index, team in enumerate(village_teams):
        for offset, volunteer in enumerate(village_people[index * 5 : index * 5 + 5]):
            if volunteer.hamlet_id != team.hamlet_id:
                volunteer.hamlet = team.hamlet
                volunteer.save(update_fields=["hamlet"])
            if not team.memberships.filter(volunteer=volunteer).exists():
                position = TeamMembership.Position.LEADER if offset == 0 else TeamMembership.Position.MEMBER
                membership_add(
                    team=team, volunteer=volunteer, position=position, joined_on=datetime.date(2025, 4, 1)
                )
    for volunteer in village_people[30:36]:
        if not literacy.memberships.filter(volunteer=volunteer).exists():
            membership_add(team=literacy, volunteer=volunteer, position=TeamMembership.Position.MEMBER)

    linked = {
        "doitruong.vinhphuc": squad_people[0],
        "tnv.vinhphuc": squad_people[2],
        "tnv.hailuu": village_people[1],
    }
    return _accounts(linked)


def _accounts(linked: dict[str, Volunteer]) -> list[tuple[str, str]]:
    User = get_user_model()
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"first_name": "Quản trị hệ thống", "is_staff": True, "is_superuser": True}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    logins = [("admin", "system administrator (Django admin)")]
    for username, full_name, role, place, description in ACCOUNTS:
        volunteer = linked.get(username)
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": full_name or volunteer.full_name}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if volunteer is not None and volunteer.user_id is None:
            volunteer.user = user
            volunteer.save(update_fields=["user"])
        if role in {"secretary", "commune_leader"}:
            RoleAssignment.objects.get_or_create(user=user, role=role, commune_id=place)
        elif role == "province_officer":
            RoleAssignment.objects.get_or_create(user=user, role=role, province_id=place)
        logins.append((username, description))
    return logins
