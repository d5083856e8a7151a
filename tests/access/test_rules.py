"""The rules behind every list and page (access/rules.py), checked against the table in docs/product.md.

A page and a list cannot disagree: both use the same rule (the page annotates it on the query
that loads its object). What is checked here is the rule itself, on shifts a URL walk does not
reach, and the second look an export task takes before it makes a file.
"""

import datetime

import pytest

from access.rules import visible
from reports.models import Export
from reports.tasks import run_export
from sessions.models import HelpRecord, HelpSession
from volunteers.models import RoleAssignment

pytestmark = pytest.mark.django_db


def _shift(commune, day, **extra):
    return HelpSession.objects.create(
        commune=commune,
        place_kind="market",
        date=day,
        starts_at=datetime.time(7),
        ends_at=datetime.time(9),
        **extra,
    )


# Which of the shifts below each role sees: the world's (commune A, the leader's team, today, the
# volunteer signed up), A's open shift next week, A's held shift last week, B's shift today.
SEES = {
    "no_role": set(),
    "volunteer": {"world", "open"},
    "team_leader": {"world", "open"},
    "secretary": {"world", "open", "held"},
    "other_secretary": {"elsewhere"},
    "commune_leader": {"world", "open", "held"},
    "province_officer": {"world", "open", "held", "elsewhere"},
    "other_province_officer": set(),
}


@pytest.mark.parametrize("role", sorted(SEES))
def test_each_role_sees_the_shifts_the_table_gives_it(world, role):
    today = world["session"].date
    shifts = {
        "world": world["session"],
        "open": _shift(world["commune"], today + datetime.timedelta(days=7)),
        "held": _shift(world["commune"], today - datetime.timedelta(days=7), status="held"),
        "elsewhere": _shift(world["other_commune"], today),
    }
    seen = set(visible(world["users"][role], HelpSession).values_list("pk", flat=True))
    assert {name for name, shift in shifts.items() if shift.pk in seen} == SEES[role]


@pytest.mark.parametrize(
    ("role", "sees_the_record"),
    [
        ("volunteer", True),  # recorded it
        ("team_leader", True),
        ("secretary", True),
        ("commune_leader", True),
        ("province_officer", True),
        ("other_secretary", False),
        ("other_province_officer", False),
        ("no_role", False),
    ],
)
def test_a_record_is_seen_by_its_recorder_and_the_places_above_it(world, role, sees_the_record):
    seen = visible(world["users"][role], HelpRecord)
    assert seen.filter(pk=world["record"].pk).exists() == sees_the_record


def test_an_export_is_not_made_once_the_user_may_no_longer_read_the_place(world):
    secretary = world["users"]["secretary"]
    export = Export.objects.create(
        user=secretary,
        kind=Export.Kind.COMMUNE_REPORT,
        params={"commune": world["commune"].code, "period": "2025-08"},
    )
    RoleAssignment.objects.filter(user=secretary).delete()
    assert run_export(str(export.pk)) == Export.Status.FAILED
    export.refresh_from_db()
    assert not export.file
    assert export.error == "Tài khoản của bạn không còn được xem địa bàn này."


def test_an_export_is_made_while_the_place_is_in_scope(world):
    export = Export.objects.create(
        user=world["users"]["province_officer"],
        kind=Export.Kind.RECORDS_CSV,
        params={"province": world["province"].code, "period": "2025-08"},
    )
    assert run_export(str(export.pk)) == Export.Status.DONE
