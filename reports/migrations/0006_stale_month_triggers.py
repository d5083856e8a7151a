"""Triggers that mark a commune-month stale whenever its records, shifts or attendance change.

The monthly rollup (reports.tallies) must stay exact whatever writes the rows: a service, the
admin, `QuerySet.update()`, `bulk_create`, an import, a hand-written statement. So the database
marks the commune-month of every row written, before and after the change, in the writer's own
transaction — for months that have ended or are tallied; writes to the running month, which is
never tallied, mark nothing and cost only the comparison. Months are calendar months in Vietnam
time (UTC+7 all year, no daylight saving), as everywhere in the reports.

PostgreSQL: one statement-level trigger per table and event, reading the changed rows from the
statement's transition tables, so a bulk insert marks each commune-month once. SQLite: row-level
triggers (it has no statement-level ones).
"""

from django.db import migrations

RECORDS = "help_sessions_helprecord"
ATTENDANCE = "help_sessions_attendance"
SHIFTS = "help_sessions_helpsession"
TABLES = [RECORDS, ATTENDANCE, SHIFTS]
EVENTS = ["insert", "update", "delete"]

# PostgreSQL ------------------------------------------------------------------------------------

PG_TOUCHED = {
    RECORDS: "SELECT commune_id, date_trunc('month', helped_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS month "
    "FROM {rows}",
    ATTENDANCE: "SELECT shift.commune_id, date_trunc('month', shift.date::timestamp)::date AS month "
    f"FROM {{rows}} AS changed JOIN {SHIFTS} AS shift ON shift.id = changed.session_id",
    SHIFTS: "SELECT commune_id, date_trunc('month', date::timestamp)::date AS month FROM {rows}",
}

# Marks are taken in one order (commune, month) so that two writers never deadlock on them, and a
# mark that exists is updated rather than left alone: the row lock that takes makes a refresh of
# the same commune-month wait until this writer commits (reports.tallies).
PG_MARK = """
INSERT INTO reports_stalemonth AS stale (commune_id, month, version)
SELECT DISTINCT touched.commune_id, touched.month, 1 FROM ({touched}) AS touched
WHERE touched.month < date_trunc('month', now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
   OR touched.month IN (SELECT month FROM reports_talliedmonth)
ORDER BY 1, 2
ON CONFLICT (commune_id, month) DO UPDATE SET version = stale.version + 1;
"""


def _pg_function(table: str) -> str:
    touched = PG_TOUCHED[table]
    both = f"{touched.format(rows='old_rows')} UNION {touched.format(rows='new_rows')}"
    return f"""
CREATE OR REPLACE FUNCTION {table}_mark_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {PG_MARK.format(touched=touched.format(rows="new_rows"))}
    ELSIF TG_OP = 'DELETE' THEN
        {PG_MARK.format(touched=touched.format(rows="old_rows"))}
    ELSE
        {PG_MARK.format(touched=both)}
    END IF;
    RETURN NULL;
END;
$$;
"""


def _pg_trigger(table: str, event: str) -> str:
    transition = {
        "insert": "NEW TABLE AS new_rows",
        "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "delete": "OLD TABLE AS old_rows",
    }[event]
    return (
        f"CREATE TRIGGER {table}_stale_{event} AFTER {event.upper()} ON {table} "
        f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION {table}_mark_stale();"
    )


# SQLite ----------------------------------------------------------------------------------------

SQLITE_TOUCHED = {
    RECORDS: "SELECT {row}.commune_id AS commune_id, date({row}.helped_at, '+7 hours', 'start of month') AS month",
    ATTENDANCE: "SELECT commune_id, date(date, 'start of month') AS month "
    f"FROM {SHIFTS} WHERE id = {{row}}.session_id",
    SHIFTS: "SELECT {row}.commune_id AS commune_id, date({row}.date, 'start of month') AS month",
}

SQLITE_MARK = """
INSERT INTO reports_stalemonth (commune_id, month, version)
SELECT touched.commune_id, touched.month, 1 FROM ({touched}) AS touched
WHERE touched.month < date('now', '+7 hours', 'start of month')
   OR touched.month IN (SELECT month FROM reports_talliedmonth)
ON CONFLICT (commune_id, month) DO UPDATE SET version = version + 1;
"""


def _sqlite_trigger(table: str, event: str) -> str:
    rows = {"insert": ["NEW"], "update": ["OLD", "NEW"], "delete": ["OLD"]}[event]
    marks = "".join(SQLITE_MARK.format(touched=SQLITE_TOUCHED[table].format(row=row)) for row in rows)
    return f"CREATE TRIGGER {table}_stale_{event} AFTER {event.upper()} ON {table} BEGIN {marks} END;"


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(_pg_function(table))
        for event in EVENTS:
            if vendor == "postgresql":
                schema_editor.execute(_pg_trigger(table, event))
            elif vendor == "sqlite":
                schema_editor.execute(_sqlite_trigger(table, event))
            else:
                raise NotImplementedError(f"no rollup triggers written for {vendor}")


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        for event in EVENTS:
            on_table = f" ON {table}" if vendor == "postgresql" else ""
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_stale_{event}{on_table};")
        if vendor == "postgresql":
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_mark_stale();")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_stale_month"),
        ("help_sessions", "0005_covering_month_index"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
