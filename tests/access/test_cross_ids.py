"""Ids of other places' objects put under one's own commune's address: refused, the refusal shows
nothing of the other place, and refused writes change nothing in the database. Also a record under
another shift and a membership under another team of the same commune."""

import datetime
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions import services
from sessions.models import Attendance, Campaign, HelpRecord, HelpSession, ReviewEntry, Service
from tests import factories as f
from tests.test_access import URLS
from volunteers.models import Hamlet, RoleAssignment, Team, TeamMembership, Volunteer

pytestmark = pytest.mark.django_db

FOREIGN_NAME = "Xã Thử C"


@pytest.fixture
def foreign(world):
    """A whole set of objects in commune C of the other province."""
    commune = world["far_commune"]
    hamlet = f.HamletFactory(commune=commune, name="Thôn Ngoài Tỉnh")
    team = f.TeamFactory(commune=commune, name="Đội Ngoài Tỉnh")
    volunteer = f.VolunteerFactory(commune=commune, hamlet=hamlet, full_name="Người Ngoài Tỉnh")
    membership = f.MembershipFactory(team=team, volunteer=volunteer)
    shift = HelpSession.objects.create(
        commune=commune,
        team=team,
        place_kind="one_stop_desk",
        date=timezone.localdate(),
        starts_at=datetime.time(7, 0),
        ends_at=datetime.time(11, 0),
        address="Nhà văn hóa Ngoài Tỉnh",
    )
    services.signup(session=shift, volunteer=volunteer)
    user = f.UserFactory(username="ngoai_tinh")
    record = services.record_create(
        session=shift,
        recorded_by=user,
        service=Service.objects.get(code="vneid_install"),
        volunteer=volunteer,
    ).record
    campaign = Campaign.objects.create(
        name="Chiến dịch Ngoài Tỉnh",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        commune=commune,
    )
    entry = ReviewEntry.objects.create(
        client_id="00000000-0000-4000-8000-000000000001",
        session=shift,
        service=Service.objects.get(code="vneid_install"),
        recorded_by=user,
        reason="ngoài tỉnh",
    )
    return {
        "hamlet_id": hamlet.pk,
        "team_id": team.pk,
        "volunteer_id": volunteer.pk,
        "membership_id": membership.pk,
        "session_id": shift.pk,
        "record_id": record.pk,
        "campaign_id": campaign.pk,
        "entry_id": entry.pk,
    }


def fingerprint() -> str:
    """Everything a refused write could have changed, in one value."""
    parts = [
        list(Volunteer.objects.order_by("pk").values_list("pk", "full_name", "is_active", "hamlet_id")),
        list(Team.objects.order_by("pk").values_list("pk", "name", "is_active")),
        list(Hamlet.objects.order_by("pk").values_list("pk", "name", "is_active")),
        list(TeamMembership.objects.order_by("pk").values_list("pk", "team_id", "left_on")),
        list(HelpSession.objects.order_by("pk").values_list("pk", "status", "closed_at", "starts_at")),
        list(HelpRecord.objects.order_by("pk").values_list("pk", "deleted_at", "citizen_count", "note")),
        list(Attendance.objects.order_by("pk").values_list("pk", "present", "withdrawn_at")),
        list(ReviewEntry.objects.order_by("pk").values_list("pk", "status")),
        list(Campaign.objects.order_by("pk").values_list("pk", "name", "ends_on")),
        list(RoleAssignment.objects.order_by("pk").values_list("pk", "role")),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


OBJECT_KEYS = {
    "hamlet_id",
    "team_id",
    "volunteer_id",
    "membership_id",
    "session_id",
    "record_id",
    "campaign_id",
    "entry_id",
}


@pytest.mark.parametrize(
    "role", ["secretary", "team_leader", "volunteer", "commune_leader", "province_officer"]
)
def test_other_places_ids_under_ones_own_commune_are_refused_and_change_nothing(
    client_as, world, foreign, role
):
    client = client_as(role)
    before = fingerprint()
    tried = 0
    for name, pattern in URLS:
        keywords = set(pattern.pattern.regex.groupindex)
        swapped = keywords & OBJECT_KEYS
        if not swapped or "code" not in keywords:
            continue
        values = {key: world["url_kwargs"][key] for key in keywords}
        values.update({key: foreign[key] for key in swapped})
        url = reverse(name, kwargs=values)
        for response in (client.get(url), client.post(url, {"full_name": "Đổi Tên", "action": "revoke"})):
            tried += 1
            assert response.status_code in {403, 404, 405}, (url, response.status_code)
            body = response.content.decode(errors="replace")
            for secret in (
                "Người Ngoài Tỉnh",
                "Đội Ngoài Tỉnh",
                "Thôn Ngoài Tỉnh",
                FOREIGN_NAME,
                "Ngoài Tỉnh",
            ):
                assert secret not in body, (url, secret)
    assert tried > 40
    assert fingerprint() == before


def test_a_record_under_another_shift_and_a_membership_under_another_team_are_refused(client_as, world):
    client = client_as("secretary")
    code = world["commune"].code
    other_shift = HelpSession.objects.create(
        commune=world["commune"],
        place_kind="one_stop_desk",
        date=timezone.localdate(),
        starts_at=datetime.time(13, 0),
        ends_at=datetime.time(17, 0),
    )
    record = world["record"]
    other_team = f.TeamFactory(commune=world["commune"], name="Đội Khác")
    before = fingerprint()
    for name in ("record_edit", "record_undo"):
        url = reverse(
            f"sessions:{name}", kwargs={"code": code, "session_id": other_shift.pk, "record_id": record.pk}
        )
        assert client.get(url).status_code in {404, 405}
        assert client.post(url, {"note": "x"}).status_code == 404
    membership = TeamMembership.objects.get(team=world["team"], volunteer=world["member"])
    url = reverse(
        "volunteers:membership_end",
        kwargs={"code": code, "team_id": other_team.pk, "membership_id": membership.pk},
    )
    assert client.post(url).status_code == 404
    assert fingerprint() == before
