"""Who may see what is cached between requests; a change to roles, teams or memberships must
reach the very next request, whoever makes it and however."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from access import scope as access
from volunteers.models import RoleAssignment

pytestmark = pytest.mark.django_db


def _roster(world):
    return reverse("volunteers:roster", kwargs={"code": world["commune"].code})


def _team(world):
    return reverse(
        "volunteers:team_detail", kwargs={"code": world["commune"].code, "team_id": world["team"].pk}
    )


def _attendance(world):
    return reverse(
        "sessions:session_attendance",
        kwargs={"code": world["commune"].code, "session_id": world["session"].pk},
    )


def test_it_reads_roles_once_and_then_from_the_cache(client_as, world):
    client = client_as("secretary")
    assert client.get(_roster(world)).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_roster(world)).status_code == 200
    assert not [q for q in queries if "volunteers_roleassignment" in q["sql"]]


def test_a_revoked_role_is_gone_on_the_next_request(client_as, world):
    client = client_as("secretary")
    assert client.get(_roster(world)).status_code == 200
    RoleAssignment.objects.filter(user=world["users"]["secretary"]).delete()
    assert client.get(_roster(world)).status_code == 404


def test_a_new_role_works_on_the_next_request(client_as, world):
    client = client_as("no_role")
    assert client.get(_roster(world)).status_code == 404
    RoleAssignment.objects.create(
        user=world["users"]["no_role"], role=RoleAssignment.Role.SECRETARY, commune=world["commune"]
    )
    assert client.get(_roster(world)).status_code == 200


def test_a_retired_team_is_closed_to_its_leader_at_once(client, world):
    client.force_login(world["users"]["team_leader"])
    assert client.get(_team(world)).status_code == 200
    client.force_login(world["users"]["secretary"])
    retire = reverse(
        "volunteers:team_retire", kwargs={"code": world["commune"].code, "team_id": world["team"].pk}
    )
    assert client.post(retire).status_code == 302
    client.force_login(world["users"]["team_leader"])
    assert client.get(_team(world)).status_code == 403


def test_a_leader_who_left_the_team_can_no_longer_mark_its_attendance(client, world):
    client.force_login(world["users"]["team_leader"])
    assert client.get(_attendance(world)).status_code == 200
    leadership = world["leader"].memberships.get(team=world["team"])
    client.force_login(world["users"]["secretary"])
    end = reverse(
        "volunteers:membership_end",
        kwargs={"code": world["commune"].code, "team_id": world["team"].pk, "membership_id": leadership.pk},
    )
    assert client.post(end).status_code == 302
    client.force_login(world["users"]["team_leader"])
    assert client.get(_attendance(world)).status_code == 403


def test_a_scope_stored_under_an_older_version_is_not_used(world):
    secretary = world["users"]["secretary"]
    stale = access._scope_from_database(secretary)
    assert world["commune"].pk in stale.secretary_of
    RoleAssignment.objects.filter(user=secretary).delete()
    # As if a request had read the version, then computed the scope, while the change committed.
    access.cache.set(access._scope_key(secretary), ("a version replaced since", stale))
    secretary.refresh_from_db()
    assert access.scope_for(secretary).secretary_of == frozenset()


def test_the_version_is_replaced_again_when_the_change_commits(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        RoleAssignment.objects.create(
            user=world["users"]["no_role"], role=RoleAssignment.Role.SECRETARY, commune=world["commune"]
        )
        right_after_save = access.cache.get(access._VERSION_KEY)
    assert callbacks
    assert access.cache.get(access._VERSION_KEY) != right_after_save
