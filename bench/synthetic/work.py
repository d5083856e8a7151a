"""Years of work: shifts spread over the days by season, volunteers present at each, and records
of help drawn by service, outcome, age and form. Rows are produced in chunks and written as they
come, so that five million records never sit in memory at once."""

import datetime
import random
import uuid
from collections.abc import Callable, Iterator

from bench.synthetic.bulk import CHUNK, Weighted, Writer
from bench.synthetic.lists import (
    AGE_BANDS,
    FORMS_OF_HELP,
    OUTCOMES,
    PLACES,
    PROCEDURES,
    SERVICE_WEIGHTS,
    SLOTS,
)
from bench.synthetic.roster import ByCommune
from sessions.models import Attendance, HelpRecord, HelpSession, Service

UTC7 = datetime.timezone(datetime.timedelta(hours=7))
# Places where a shift happens in one hamlet rather than at the commune's desks.
HAMLET_PLACES = ("cultural_house", "door_to_door")
SESSION_COLUMNS = [
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
ATTENDANCE_COLUMNS = [
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
RECORD_COLUMNS = [
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


def day_weight(day: datetime.date) -> float:
    """How busy a day is: Sundays and Tết are quiet, campaign weeks are busy."""
    weight = 0.3 if day.weekday() == 6 else 1.0
    if day.month == 3:  # VNeID month
        weight *= 2.5
    if day.month == 8 and 9 <= day.day <= 15:  # party-card week
        weight *= 4.0
    if day.month in (1, 2) and day.day <= 10:  # around Tết
        weight *= 0.4
    return weight


def shifts_per_day(weights: list[float], total: int) -> list[int]:
    """Shifts per day in proportion to the day's weight, summing exactly to `total`."""
    shares = [weight / sum(weights) * total for weight in weights]
    per_day = [int(share) for share in shares]
    by_remainder = sorted(range(len(weights)), key=lambda index: shares[index] - per_day[index], reverse=True)
    for index in by_remainder[: total - sum(per_day)]:
        per_day[index] += 1
    return per_day


class Work:
    """Shifts, attendance and records for the communes, from `first_day` to `last_day`."""

    def __init__(
        self,
        writer: Writer,
        rng: random.Random,
        *,
        communes: list[int],
        hamlets: ByCommune,
        teams: ByCommune,
        people: ByCommune,
        recorder_id: int,
        log: Callable[[str], object],
    ):
        self.writer, self.rng, self.log = writer, rng, log
        self.hamlets, self.teams, self.people = hamlets, teams, people
        self.recorder_id = recorder_id
        self.activity = Weighted(rng, [(commune, rng.lognormvariate(0, 0.5)) for commune in communes])
        services = {service.code: service.pk for service in Service.objects.all()}
        self.service = Weighted(rng, [(services[code], weight) for code, weight in SERVICE_WEIGHTS.items()])
        self.file_online = services["file_online"]
        self.place = Weighted(rng, PLACES)
        self.outcome = Weighted(rng, OUTCOMES)
        self.age = Weighted(rng, AGE_BANDS)
        self.form = Weighted(rng, FORMS_OF_HELP)
        self.sessions: list[tuple] = []
        self.attendances: list[tuple] = []
        self.records: list[tuple] = []
        self.totals = {"sessions": 0, "attendances": 0, "records": 0}

    def run(
        self, *, first_day: datetime.date, last_day: datetime.date, records: int, records_per_session: float
    ) -> dict[str, int]:
        days = [
            first_day + datetime.timedelta(days=offset) for offset in range((last_day - first_day).days + 1)
        ]
        # A slow rise over the years on top of the seasons: the programmes grow.
        weights = [day_weight(day) * (0.7 + 0.3 * index / len(days)) for index, day in enumerate(days)]
        sessions_total = max(1, round(records / records_per_session))
        per_day = shifts_per_day(weights, sessions_total)
        self.session_id = self.writer.next_id(HelpSession)
        self.attendance_id = self.writer.next_id(Attendance)
        self.record_id = self.writer.next_id(HelpRecord)
        for _ in self._chunks(days, weights, per_day, records, sessions_total, records_per_session):
            self._flush()
        self._flush()
        for model in (HelpSession, Attendance, HelpRecord):
            self.writer.reset_sequence(model)
        return self.totals

    def _chunks(
        self, days, weights, per_day, records_left, sessions_left, records_per_session
    ) -> Iterator[None]:
        """Build shifts day by day; pause (yield) whenever a chunk of records is ready to write."""
        rng = self.rng
        for day, weight, count in zip(days, weights, per_day, strict=True):
            for _ in range(count):
                if sessions_left <= 0:
                    return
                commune_id, hamlet_id, start, end, present = self._shift(day)
                busy = weight > 2
                wanted = max(1, round(rng.expovariate(1 / records_per_session)))
                sessions_left -= 1
                wanted = records_left if sessions_left == 0 else min(wanted, records_left)
                records_left -= wanted
                base = datetime.datetime(day.year, day.month, day.day, start, tzinfo=UTC7)
                for _ in range(wanted):
                    self._record(commune_id, hamlet_id, base, (end - start) * 60, present, busy)
                self.session_id += 1
                if len(self.records) >= CHUNK:
                    yield

    def _shift(self, day: datetime.date) -> tuple:
        """One held shift and its attendance; returns what its records need."""
        rng = self.rng
        commune_id = self.activity()
        start, end = rng.choice(SLOTS)
        kind = self.place()
        hamlet_id = rng.choice(self.hamlets[commune_id]) if kind in HAMLET_PLACES else None
        team_id = rng.choice(self.teams[commune_id]) if rng.random() < 0.7 else None
        closed = datetime.datetime(day.year, day.month, day.day, end, tzinfo=UTC7).isoformat()
        self.sessions.append(
            (
                self.session_id,
                commune_id,
                team_id,
                None,
                kind,
                hamlet_id,
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
        pool = self.people.get(commune_id, [])
        present = rng.sample(pool, min(len(pool), rng.randint(2, 5)))
        for volunteer_id in present:
            minutes = (end - start) * 60
            row = (self.attendance_id, self.session_id, volunteer_id, closed, None, None, "t", None, None)
            self.attendances.append((*row, minutes, None, closed))
            self.attendance_id += 1
        return commune_id, hamlet_id, start, end, present

    def _record(self, commune_id, hamlet_id, base, minutes, present, busy) -> None:
        """One record of help, or a tally (more often on busy days, as desks do)."""
        rng = self.rng
        service_id = self.service()
        tally = rng.random() < (0.3 if busy else 0.08)
        helped = (base + datetime.timedelta(minutes=rng.randrange(minutes))).isoformat()
        self.records.append(
            (
                self.record_id,
                uuid.UUID(int=rng.getrandbits(128), version=4),
                self.session_id,
                commune_id,
                service_id,
                rng.randint(2, 40) if tally else 1,
                "t" if tally else "f",
                self.outcome(),
                self.form(),
                rng.choice(PROCEDURES) if service_id == self.file_online else "",
                rng.choice(["", "female", "male"]),
                self.age(),
                "t" if rng.random() < 0.02 else "f",
                hamlet_id or (rng.choice(self.hamlets[commune_id]) if rng.random() < 0.5 else None),
                "",
                rng.choice(present) if present else None,
                helped,
                self.recorder_id,
                helped,
                helped,
                self.recorder_id,
                None,
                None,
            )
        )
        self.record_id += 1

    def _flush(self) -> None:
        for model, columns, rows, key in (
            (HelpSession, SESSION_COLUMNS, self.sessions, "sessions"),
            (Attendance, ATTENDANCE_COLUMNS, self.attendances, "attendances"),
            (HelpRecord, RECORD_COLUMNS, self.records, "records"),
        ):
            self.totals[key] += self.writer.write(model, columns, rows)
            rows.clear()
        self.log(f"  {self.totals['records']:,} records, {self.totals['sessions']:,} shifts")
