"""The common tap on the recording page as one PostgreSQL statement (docs/performance.md).

A volunteer taps a service many times an hour on a phone; each tap must check that the shift is
still open, keep it from being cancelled or closed meanwhile, insert the record once however often
the phone retries, and answer with the new totals. The ORM does that in four statements plus a
transaction (sessions.services.record_create); here the same is one round trip. Anything unusual
(the shift is no longer open, the entry id is already used) inserts nothing and returns None, and
the ORM path then gives the reason.
"""

from django.db import connection

from sessions.models import HelpRecord, HelpSession

_RECORDS = HelpRecord._meta.db_table
_SESSIONS = HelpSession._meta.db_table
_FIELDS = [field for field in HelpRecord._meta.concrete_fields if not field.primary_key]
_COLUMNS = ", ".join(connection.ops.quote_name(field.column) for field in _FIELDS)
_PLACEHOLDERS = ", ".join(["%s"] * len(_FIELDS))

# FOR KEY SHARE re-checks the shift's row if a cancel or close commits while this waits, so an
# entry never lands on a shift that has just stopped being open; recorders do not block each other.
# The totals are read from the snapshot before the insert, so the new record is added to them.
# Only the model's own table and column names are formatted in; every value is a parameter.
_STATEMENT = f"""
WITH shift AS (
    SELECT id FROM {_SESSIONS}
    WHERE id = %s AND status <> %s AND closed_at IS NULL
    FOR KEY SHARE
), entry AS (
    INSERT INTO {_RECORDS} ({_COLUMNS})
    SELECT {_PLACEHOLDERS} FROM shift
    ON CONFLICT (client_id) DO NOTHING
    RETURNING id
)
SELECT entry.id, totals.shift, totals.mine
FROM entry, (
    SELECT COALESCE(SUM(citizen_count), 0) AS shift,
           COALESCE(SUM(citizen_count) FILTER (WHERE recorded_by_id = %s), 0) AS mine
    FROM {_RECORDS} WHERE session_id = %s AND deleted_at IS NULL
) AS totals
"""  # noqa: S608


def insert_while_open(record: HelpRecord) -> dict | None:
    """Insert `record` if its shift is open and its client id unused, and return the shift's totals
    after it ({"session_total", "my_total"} for its recorder); None if nothing was inserted."""
    values = [field.get_db_prep_save(field.pre_save(record, True), connection) for field in _FIELDS]
    session_id, user_id = record.session_id, record.recorded_by_id
    with connection.cursor() as cursor:
        cursor.execute(
            _STATEMENT,
            [session_id, HelpSession.Status.CANCELLED, *values, user_id, session_id],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    record.pk, before_total, before_mine = row
    record._state.adding = False
    record._state.db = connection.alias
    return {
        "session_total": before_total + record.citizen_count,
        "my_total": before_mine + record.citizen_count,
    }
