"""Writing generated rows fast: COPY in chunks on PostgreSQL (memory stays flat), bulk inserts
elsewhere (tiny sizes only), and weighted draws from a shared random generator."""

import bisect
import datetime
import io
import itertools
import random
from collections.abc import Iterable, Iterator, Sequence

from django.db import connection
from django.db.models import Model

CHUNK = 100_000
_DATETIME_COLUMNS = {"helped_at", "created_at", "updated_at", "closed_at", "signed_up_at", "marked_at"}


class Weighted:
    """Draw from weighted choices in O(log n) with a shared random generator."""

    def __init__(self, rng: random.Random, pairs: Iterable[tuple[object, float]]):
        pairs = list(pairs)
        self.rng = rng
        self.values = [value for value, _weight in pairs]
        self.cumulative = list(itertools.accumulate(weight for _value, weight in pairs))

    def __call__(self):
        return self.values[bisect.bisect(self.cumulative, self.rng.random() * self.cumulative[-1])]


class Writer:
    """Rows as tuples of text in the database's column order, as COPY reads them ("t"/"f" for
    booleans, ISO dates, None for NULL); the bulk-insert path turns them back into values."""

    def __init__(self) -> None:
        self.copy = connection.vendor == "postgresql"

    def write(self, model: type[Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
        """Stream rows into the table of `model`; return how many went in."""
        if not self.copy:
            return self._bulk_insert(model, columns, rows)
        rows = iter(rows)
        count = 0
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

    def _bulk_insert(self, model: type[Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
        count = 0
        batch = []
        for row in _typed(columns, rows):
            batch.append(model(**dict(zip(columns, row, strict=True))))
            count += 1
            if len(batch) >= 2000:
                model.objects.bulk_create(batch)
                batch = []
        model.objects.bulk_create(batch)
        return count

    def next_id(self, model: type[Model]) -> int:
        return (model.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1

    def reset_sequence(self, model: type[Model]) -> None:
        """After COPY with explicit ids, so that the app's own inserts do not collide."""
        if self.copy:
            table = model._meta.db_table
            with connection.cursor() as cursor:
                # the table name is the model's own, never user input
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                sql = f"SELECT setval({sequence}, COALESCE(MAX(id), 1)) FROM {table}"  # noqa: S608
                cursor.execute(sql)

    def analyze(self, models: Iterable[type[Model]]) -> None:
        """Fresh statistics and visibility maps, so that index-only scans work from the start."""
        if self.copy:
            with connection.cursor() as cursor:
                for model in models:
                    cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def _typed(columns: Sequence[str], rows: Iterable[Sequence]) -> Iterator[list]:
    """Rows as model field values, for the bulk-insert path (SQLite and friends)."""
    for row in rows:
        values = list(row)
        for index, column in enumerate(columns):
            value = values[index]
            if value == "t":
                values[index] = True
            elif value == "f":
                values[index] = False
            elif isinstance(value, str) and column in _DATETIME_COLUMNS:
                values[index] = datetime.datetime.fromisoformat(value)
            elif isinstance(value, str) and column in {"date", "date_of_birth"}:
                values[index] = datetime.date.fromisoformat(value)
            elif isinstance(value, str) and column in {"starts_at", "ends_at"}:
                values[index] = datetime.time.fromisoformat(value)
        yield values
