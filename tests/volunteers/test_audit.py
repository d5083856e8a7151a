"""The audit log: every grant or removal of a role, invitation, sign-in lock, shift close, reopen
and cancel, record change and export download leaves one entry (who, when, what, from where);
each reader sees their place's; nobody can change or delete one."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse

from sessions import services
from sessions.models import HelpSession
from tests.factories import VolunteerFactory
from volunteers.models import RoleAssignment

pytestmark = pytest.mark.django_db


def entries_about(world, what):
    return [
        entry
        for entry in LogEntry.objects.filter(additional_data__commune=world["commune"].pk)
        if what(entry)
    ]


def audit_page(client, world):
    return client.get(
        reverse("volunteers:commune_audit", kwargs={"code": world["commune"].code})
    ).content.decode()


def test_granting_and_removing_a_role_leave_one_entry_each(world):
    user = get_user_model().objects.create_user("moi", password="x-Moi-2025")
    role = RoleAssignment.objects.create(
        user=user, role=RoleAssignment.Role.COMMUNE_LEADER, commune=world["commune"]
    )
    role_pk = role.pk
    role.delete()
    kinds = LogEntry.objects.filter(content_type__model="roleassignment", object_pk=str(role_pk)).order_by(
        "pk"
    )
    assert [entry.action for entry in kinds] == [LogEntry.Action.CREATE, LogEntry.Action.DELETE]
    assert all(entry.additional_data["commune"] == world["commune"].pk for entry in kinds)


def test_closing_reopening_and_cancelling_a_shift_are_recorded_with_who_and_where(client_as, world):
    session = world["session"]
    kwargs = {"code": world["commune"].code, "session_id": session.pk}
    secretary = client_as("secretary")
    before = LogEntry.objects.count()
    services.session_close(session=session, closed_by=world["users"]["secretary"])
    services.session_reopen(session=session)
    assert LogEntry.objects.count() - before == 2
    response = secretary.post(
        reverse("sessions:session_cancel", kwargs=kwargs), {"confirm": "yes"}, follow=True
    )
    assert "Ca này đã có lượt hỗ trợ người dân; không thể huỷ." in response.content.decode()
    empty = HelpSession.objects.create(
        commune=world["commune"],
        place_kind="one_stop_desk",
        date=session.date,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
    )
    kwargs = {"code": world["commune"].code, "session_id": empty.pk}
    before = LogEntry.objects.count()
    secretary.post(reverse("sessions:session_cancel", kwargs=kwargs), {"confirm": "yes"})
    shift_entries = entries_about(world, lambda e: e.content_type.model == "helpsession")
    assert LogEntry.objects.count() - before == 1
    statuses = [e.changes_dict.get("status", [None, None])[1] for e in shift_entries]
    assert "cancelled" in statuses
    cancel = [e for e in shift_entries if e.changes_dict.get("status", [None, None])[1] == "cancelled"][0]
    assert cancel.actor == world["users"]["secretary"] and cancel.remote_addr == "127.0.0.1"


def test_a_record_change_an_invitation_and_a_download_leave_entries(client_as, world):
    volunteer = client_as("volunteer")
    record = world["record"]
    url = reverse(
        "sessions:record_edit",
        kwargs={"code": world["commune"].code, "session_id": record.session_id, "record_id": record.pk},
    )
    volunteer.post(
        url,
        {"service": record.service_id, "citizen_count": 2, "outcome": "done", "form_of_help": "one_to_one"},
    )
    secretary = client_as("secretary")
    newcomer = VolunteerFactory(commune=world["commune"], full_name="Vũ Minh Châu", phone="+84987654321")
    secretary.post(
        reverse(
            "volunteers:volunteer_invite", kwargs={"code": world["commune"].code, "volunteer_id": newcomer.pk}
        )
    )
    export = world["export"]
    secretary.get(reverse("reports:export_download", kwargs={"export_id": export.pk}))
    events = [e.changes_dict["event"][1] for e in entries_about(world, lambda e: "event" in e.changes_dict)]
    assert sorted(events) == ["export downloaded", "invitation issued", "record changed"]
    page = audit_page(secretary, world)
    for shown in ("record changed", "invitation issued", "export downloaded"):
        assert shown in page


def test_a_sign_in_lock_is_recorded(client, world, settings):
    for _try in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "volunteer", "password": "wrong"})
    locked = LogEntry.objects.filter(
        object_pk=str(world["users"]["volunteer"].pk), content_type__model="user"
    )
    assert [e.changes_dict["event"][1] for e in locked] == ["sign-in locked"]


def test_each_reader_sees_only_their_places_entries(client_as, world):
    services.session_close(session=world["session"], closed_by=world["users"]["secretary"])
    assert "«" in audit_page(client_as("secretary"), world)
    assert client_as("other_secretary").get(
        reverse("volunteers:commune_audit", kwargs={"code": world["commune"].code})
    ).status_code in {403, 404}
    officer = client_as("province_officer").get(
        reverse("volunteers:province_audit", kwargs={"province_code": world["province"].code})
    )
    assert officer.status_code == 200 and "«" in officer.content.decode()
    other = client_as("other_province_officer").get(
        reverse("volunteers:province_audit", kwargs={"province_code": world["province"].code})
    )
    assert other.status_code in {403, 404}


def test_nobody_can_change_or_delete_an_entry(client, world):
    services.session_close(session=world["session"], closed_by=world["users"]["secretary"])
    entry = LogEntry.objects.latest("pk")
    root = get_user_model().objects.create_superuser("root", "root@example.vn", "x-Admin-2025")
    client.force_login(root)
    count = LogEntry.objects.count()
    assert client.post(f"/admin/auditlog/logentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/auditlog/logentry/{entry.pk}/change/", {"action": 0}).status_code in {
        403,
        302,
        200,
    }
    assert LogEntry.objects.count() == count
    entry.refresh_from_db()
    assert entry.changes_dict  # unchanged
