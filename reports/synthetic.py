"""Synthetic data at a province's scale, for benchmarks: communes, hamlets, teams, volunteers,
years of shifts with attendance, and millions of records of help.

Shaped after DESIGN.md: VNeID and online services dominate, most help is completed, a fifth of
citizens are 60 or over, Sundays and Tết are quiet, and campaign weeks (the VNeID month in March,
the party-card week in August) are four times busier with many tallies. PostgreSQL gets the rows
through COPY in chunks, so memory stays flat; other databases get bulk inserts (tiny sizes only).
"""

import bisect
import datetime
import io
import itertools
import random
import uuid
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from sessions.models import Attendance, Campaign, CampaignTarget, HelpRecord, HelpSession, Service
from volunteers.models import Commune, Hamlet, RoleAssignment, Team, TeamMembership, Volunteer
from volunteers.text import name_sort_key, strip_diacritics

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Đỗ",
    "Bùi",
    "Đặng",
    "Ngô",
    "Dương",
    "Lý",
    "Phan",
    "Đinh",
]
MIDDLE = ["Thị", "Văn", "Thu", "Ngọc", "Đức", "Minh", "Quang", "Thanh", "Hữu", "Khánh", "Phương", "Duy"]
GIVEN = [
    "An",
    "Anh",
    "Ánh",
    "Bình",
    "Chi",
    "Cường",
    "Dung",
    "Dũng",
    "Đạt",
    "Giang",
    "Hà",
    "Hải",
    "Hằng",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Huyền",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Nga",
    "Phong",
    "Phương",
    "Quân",
    "Quỳnh",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Trung",
    "Tuấn",
    "Uyên",
    "Việt",
    "Yến",
]
SERVICE_WEIGHTS = {
    "vneid_install": 14,
    "vneid_level2": 16,
    "vneid_recovery": 8,
    "vneid_documents": 5,
    "portal_account": 5,
    "file_online": 12,
    "lookup_result": 4,
    "pay_fees": 3,
    "fill_forms": 4,
    "digital_signature": 1,
    "queue_triage": 4,
    "explain_procedure": 3,
    "help_elderly_disabled": 2,
    "data_entry": 1,
    "resident_data": 1,
    "party_member_data": 1,
    "party_card_renewal": 3,
    "congress_feedback": 2,
    "smartphone_basics": 3,
    "safe_internet": 2,
    "binh_dan_hoc_vu_so": 1,
    "ai_basics": 1,
    "banking_app": 2,
    "qr_payment": 2,
    "pay_bills": 1,
    "selling_online": 1,
}
PLACES = [
    ("service_centre", 30),
    ("one_stop_desk", 15),
    ("police_station", 8),
    ("commune_hall", 10),
    ("cultural_house", 12),
    ("door_to_door", 15),
    ("school", 4),
    ("market", 4),
    ("online", 2),
]
SLOTS = [(7, 11), (8, 11), (13, 17), (14, 17), (7, 11), (19, 21)]
PROCEDURES = [
    "Đăng ký khai sinh",
    "Đăng ký thường trú",
    "Xác nhận tình trạng hôn nhân",
    "Cấp đổi giấy phép lái xe",
    "Cấp lại thẻ bảo hiểm y tế",
    "Đăng ký tạm trú",
]
CHUNK = 100_000


class Weighted:
    """Draw from weighted choices in O(log n) with a shared random generator."""

    def __init__(self, rng: random.Random, pairs):
        self.rng = rng
        self.values = [value for value, _weight in pairs]
        self.cumulative = list(itertools.accumulate(weight for _value, weight in pairs))

    def __call__(self):
        return self.values[bisect.bisect(self.cumulative, self.rng.random() * self.cumulative[-1])]


@dataclass
class Plan:
    province_codes: list[int]
    volunteers: int
    records: int
    years: int
    last_day: datetime.date
    seed: int = 2025
    records_per_session: float = 15.0


def _day_weight(day: datetime.date) -> float:
    weight = 0.3 if day.weekday() == 6 else 1.0
    if day.month == 3:  # VNeID month
        weight *= 2.5
    if day.month == 8 and 9 <= day.day <= 15:  # party-card week
        weight *= 4.0
    if day.month in (1, 2) and day.day <= 10:  # around Tết
        weight *= 0.4
    return weight


class Generator:
    def __init__(self, plan: Plan, log=print):
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.log = log
        self.copy = connection.vendor == "postgresql"

    # Rows ----------------------------------------------------------------------------------------

    def _copy(self, model, columns: list[str], rows) -> int:
        """Stream rows into the table of `model`: COPY on PostgreSQL, bulk inserts elsewhere."""
        count = 0
        if not self.copy:
            batch = []
            for row in rows:
                batch.append(model(**dict(zip(columns, row, strict=True))))
                count += 1
                if len(batch) >= 2000:
                    model.objects.bulk_create(batch)
                    batch = []
            model.objects.bulk_create(batch)
            return count
        table = model._meta.db_table
        with connection.cursor() as cursor:
            raw = cursor.cursor
            while True:
                buffer = io.StringIO()
                written = 0
                for row in itertools.islice(rows, CHUNK):
                    buffer.write("\t".join(r"\N" if value is None else str(value) for value in row))
                    buffer.write("\n")
                    written += 1
                if not written:
                    break
                buffer.seek(0)
                raw.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
                count += written
        return count

    def _next_id(self, model) -> int:
        return (model.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1

    def _reset_sequence(self, model) -> None:
        if self.copy:
            table = model._meta.db_table
            with connection.cursor() as cursor:
                # the table name is the model's own, never user input
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                sql = f"SELECT setval({sequence}, COALESCE(MAX(id), 1)) FROM {table}"  # noqa: S608
                cursor.execute(sql)

    # Steps ------------------------------------------------------------------------------------------

    def run(self) -> dict:
        plan = self.plan
        if not Commune.objects.exists():
            call_command("load_divisions", verbosity=0)
        communes = list(Commune.objects.filter(province_id__in=plan.province_codes).order_by("code"))
        with transaction.atomic():
            hamlets, teams = self._places(communes)
            people = self._volunteers(communes, hamlets, teams)
            accounts = self._accounts(communes, people)
            self._campaigns()
        counts = self._sessions_and_records(communes, hamlets, teams, people, accounts["recorder"])
        if self.copy:
            # Fresh statistics and visibility maps, so that index-only scans work from the start.
            with connection.cursor() as cursor:
                for model in (HelpRecord, Attendance, HelpSession, Volunteer):
                    cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
        return {"communes": len(communes), "volunteers": sum(len(v) for v in people.values()), **counts}

    def _places(self, communes):
        existing = set(Hamlet.objects.filter(commune__in=communes).values_list("commune_id", flat=True))
        Hamlet.objects.bulk_create(
            [
                Hamlet(commune=commune, name=f"Thôn {number}", kind=Hamlet.Kind.VILLAGE)
                for commune in communes
                if commune.pk not in existing
                for number in range(1, 9)
            ]
        )
        hamlets: dict[int, list[int]] = {}
        for pk, commune_id in Hamlet.objects.filter(commune__in=communes).values_list("pk", "commune_id"):
            hamlets.setdefault(commune_id, []).append(pk)
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
        teams: dict[int, list[int]] = {}
        for pk, commune_id in Team.objects.filter(commune__in=communes).values_list("pk", "commune_id"):
            teams.setdefault(commune_id, []).append(pk)
        return hamlets, teams

    def _volunteers(self, communes, hamlets, teams):
        rng = self.rng
        have = Volunteer.objects.filter(commune__in=communes).count()
        wanted = max(0, self.plan.volunteers - have)
        per_commune = [
            wanted // len(communes) + (1 if index < wanted % len(communes) else 0)
            for index in range(len(communes))
        ]
        now = timezone.now().isoformat()
        start_id = self._next_id(Volunteer)

        def rows():
            pk = start_id
            for commune, count in zip(communes, per_commune, strict=True):
                for _ in range(count):
                    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
                    phone = f"+849{pk:08d}"[:12]
                    yield (
                        pk,
                        name,
                        name_sort_key(name),
                        strip_diacritics(name),
                        rng.choice(["female", "male"]),
                        f"{1985 + rng.randrange(20)}-0{1 + rng.randrange(9)}-1{rng.randrange(10)}",
                        phone,
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

        self._copy(
            Volunteer,
            [
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
            ],
            rows(),
        ) if self.copy else self._volunteers_slow(communes, per_commune, hamlets)
        self._reset_sequence(Volunteer)
        people: dict[int, list[int]] = {}
        for pk, commune_id in (
            Volunteer.objects.filter(commune__in=communes).order_by("pk").values_list("pk", "commune_id")
        ):
            people.setdefault(commune_id, []).append(pk)
        memberships = (
            [
                TeamMembership(
                    team_id=teams[commune_id][0], volunteer_id=pk, joined_on=datetime.date(2024, 1, 1)
                )
                for commune_id, pks in people.items()
                for pk in pks[:30]
                if not TeamMembership.objects.filter(volunteer_id=pk).exists()
            ]
            if wanted
            else []
        )
        TeamMembership.objects.bulk_create(memberships, batch_size=5000)
        return people

    def _volunteers_slow(self, communes, per_commune, hamlets):
        rng = self.rng
        batch = []
        for commune, count in zip(communes, per_commune, strict=True):
            for _ in range(count):
                name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
                volunteer = Volunteer(
                    full_name=name, commune=commune, hamlet_id=rng.choice(hamlets[commune.pk])
                )
                volunteer.sort_key, volunteer.search_name = name_sort_key(name), strip_diacritics(name)
                batch.append(volunteer)
        Volunteer.objects.bulk_create(batch, batch_size=2000)

    def _accounts(self, communes, people):
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

    def _campaigns(self):
        province_id = self.plan.province_codes[0]
        if Campaign.objects.filter(province_id=province_id, name__startswith="Tháng cao điểm VNeID").exists():
            return
        level2 = Service.objects.get(code="vneid_level2")
        for year in range(self.plan.last_day.year - self.plan.years + 1, self.plan.last_day.year + 1):
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

    def _sessions_and_records(self, communes, hamlets, teams, people, recorder):
        plan, rng = self.plan, self.rng
        first_day = plan.last_day - datetime.timedelta(days=365 * plan.years - 1)
        days = [
            first_day + datetime.timedelta(days=offset)
            for offset in range((plan.last_day - first_day).days + 1)
        ]
        weights = [_day_weight(day) * (0.7 + 0.3 * index / len(days)) for index, day in enumerate(days)]
        total_weight = sum(weights)
        sessions_total = max(1, round(plan.records / plan.records_per_session))
        activity = Weighted(rng, [(commune.pk, rng.lognormvariate(0, 0.5)) for commune in communes])
        services = {s.code: s.pk for s in Service.objects.all()}
        service = Weighted(rng, [(services[code], weight) for code, weight in SERVICE_WEIGHTS.items()])
        file_online = services["file_online"]
        place = Weighted(rng, PLACES)
        outcome = Weighted(rng, [("done", 85), ("follow_up", 10), ("not_done", 5)])
        age = Weighted(rng, [("", 30), ("under_18", 5), ("18_59", 45), ("60_plus", 20)])
        form = Weighted(rng, [("one_to_one", 80), ("class", 10), ("outreach", 10)])
        # Shifts per day in proportion to the day's weight, summing exactly to the total.
        shares = [weight / total_weight * sessions_total for weight in weights]
        per_day = [int(share) for share in shares]
        by_remainder = sorted(
            range(len(days)), key=lambda index: shares[index] - per_day[index], reverse=True
        )
        for index in by_remainder[: sessions_total - sum(per_day)]:
            per_day[index] += 1
        session_id = self._next_id(HelpSession)
        attendance_id = self._next_id(Attendance)
        record_id = self._next_id(HelpRecord)
        sessions, attendances, records = [], [], []
        recorder_id = recorder.pk
        records_left = plan.records
        sessions_left = sessions_total
        utc7 = datetime.timezone(datetime.timedelta(hours=7))

        def session_rows():
            nonlocal session_id, attendance_id, record_id, records_left, sessions_left
            for day, weight, count in zip(days, weights, per_day, strict=True):
                for _ in range(count):
                    if sessions_left <= 0:
                        return
                    commune_id = activity()
                    start, end = rng.choice(SLOTS)
                    kind = place()
                    hamlet_id = (
                        rng.choice(hamlets[commune_id]) if kind in ("cultural_house", "door_to_door") else ""
                    )
                    team_id = rng.choice(teams[commune_id]) if rng.random() < 0.7 else ""
                    closed = datetime.datetime(day.year, day.month, day.day, end, tzinfo=utc7).isoformat()
                    sessions.append(
                        (
                            session_id,
                            commune_id,
                            team_id or None,
                            None,
                            kind,
                            hamlet_id or None,
                            "",
                            day.isoformat(),
                            f"{start:02d}:00",
                            f"{end:02d}:00",
                            4,
                            "",
                            "held",
                            closed,
                            None,
                            None,
                            closed,
                        )
                    )
                    pool = people.get(commune_id, [])
                    present = rng.sample(pool, min(len(pool), rng.randint(2, 5)))
                    for volunteer_id in present:
                        attendances.append(
                            (
                                attendance_id,
                                session_id,
                                volunteer_id,
                                closed,
                                None,
                                None,
                                "t",
                                None,
                                None,
                                (end - start) * 60,
                                None,
                                closed,
                            )
                        )
                        attendance_id += 1
                    busy = weight > 2
                    n = max(1, round(rng.expovariate(1 / plan.records_per_session)))
                    sessions_left -= 1
                    n = records_left if sessions_left == 0 else min(n, records_left)
                    records_left -= n
                    base = datetime.datetime(day.year, day.month, day.day, start, tzinfo=utc7)
                    for _ in range(n):
                        service_id = service()
                        tally = rng.random() < (0.3 if busy else 0.08)
                        helped = (
                            base + datetime.timedelta(minutes=rng.randrange((end - start) * 60))
                        ).isoformat()
                        records.append(
                            (
                                record_id,
                                uuid.UUID(int=rng.getrandbits(128), version=4),
                                session_id,
                                commune_id,
                                service_id,
                                rng.randint(2, 40) if tally else 1,
                                "t" if tally else "f",
                                outcome(),
                                form(),
                                rng.choice(PROCEDURES) if service_id == file_online else "",
                                rng.choice(["", "female", "male"]),
                                age(),
                                "t" if rng.random() < 0.02 else "f",
                                hamlet_id
                                or (rng.choice(hamlets[commune_id]) if rng.random() < 0.5 else None),
                                "",
                                rng.choice(present) if present else None,
                                helped,
                                recorder_id,
                                helped,
                                helped,
                                recorder_id,
                                None,
                                None,
                            )
                        )
                        record_id += 1
                    session_id += 1
                    if len(records) >= CHUNK:
                        yield

        session_columns = [
            "id",
            "commune_id",
            "team_id",
            "campaign_id",
            "place_kind",
            "hamlet_id",
            "address",
            "date",
            "starts_at",
            "ends_at",
            "volunteers_needed",
            "notes",
            "status",
            "closed_at",
            "closed_by_id",
            "created_by_id",
            "created_at",
        ]
        attendance_columns = [
            "id",
            "session_id",
            "volunteer_id",
            "signed_up_at",
            "assigned_by_id",
            "withdrawn_at",
            "present",
            "arrived_at",
            "left_at",
            "present_minutes",
            "marked_by_id",
            "marked_at",
        ]
        record_columns = [
            "id",
            "client_id",
            "session_id",
            "commune_id",
            "service_id",
            "citizen_count",
            "is_tally",
            "outcome",
            "form_of_help",
            "procedure",
            "gender",
            "age_band",
            "has_disability",
            "hamlet_id",
            "note",
            "volunteer_id",
            "helped_at",
            "recorded_by_id",
            "created_at",
            "updated_at",
            "updated_by_id",
            "deleted_at",
            "deleted_by_id",
        ]
        totals = {"sessions": 0, "attendances": 0, "records": 0}

        def flush():
            for model, columns, rows, key in (
                (HelpSession, session_columns, sessions, "sessions"),
                (Attendance, attendance_columns, attendances, "attendances"),
                (HelpRecord, record_columns, records, "records"),
            ):
                if self.copy:
                    totals[key] += self._copy(model, columns, iter(rows))
                else:
                    totals[key] += self._copy(model, columns, iter(_typed(model, columns, rows)))
                rows.clear()
            self.log(f"  {totals['records']:,} records, {totals['sessions']:,} shifts")

        for _ in session_rows():
            flush()
        flush()
        for model in (HelpSession, Attendance, HelpRecord):
            self._reset_sequence(model)
        return totals


def _typed(model, columns, rows):
    """Rows as model field values, for the bulk-insert path (SQLite and friends)."""
    for row in rows:
        values = list(row)
        for index, column in enumerate(columns):
            value = values[index]
            if value == "t":
                values[index] = True
            elif value == "f":
                values[index] = False
            elif isinstance(value, str) and column in {
                "helped_at",
                "created_at",
                "updated_at",
                "closed_at",
                "signed_up_at",
                "marked_at",
            }:
                values[index] = datetime.datetime.fromisoformat(value)
            elif isinstance(value, str) and column == "date":
                values[index] = datetime.date.fromisoformat(value)
            elif isinstance(value, str) and column in {"starts_at", "ends_at"}:
                values[index] = datetime.time.fromisoformat(value)
        yield values
