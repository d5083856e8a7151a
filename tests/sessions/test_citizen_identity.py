"""No citizen's ID number or phone number in free text about the help given: refused with a reason
when typed or synced, and redacted where it was stored before."""

import json
import uuid

import pytest
from django.core.management import call_command
from django.urls import reverse

from sessions.models import HelpRecord, RecordChange

pytestmark = pytest.mark.django_db


def edit(client, world, **changes):
    record = world["record"]
    data = {
        "service": record.service_id,
        "citizen_count": 1,
        "outcome": "done",
        "form_of_help": "one_to_one",
        "procedure": "",
        "note": "",
        **changes,
    }
    url = reverse(
        "sessions:record_edit",
        kwargs={"code": world["commune"].code, "session_id": record.session_id, "record_id": record.pk},
    )
    return client.post(url, data)


@pytest.mark.parametrize("note", ["CCCD 001203004567 của bà Lan", "SĐT 0912 345 678", "cmnd 123456789"])
def test_a_note_with_an_id_or_phone_number_is_refused_with_the_reason(client_as, world, note):
    response = edit(client_as("volunteer"), world, note=note)
    assert response.status_code == 400
    assert "Đừng ghi số định danh hay số điện thoại của người dân" in response.content.decode()
    world["record"].refresh_from_db()
    assert world["record"].note == ""


def test_a_note_without_them_is_saved(client_as, world):
    response = edit(client_as("volunteer"), world, note="Hướng dẫn cài đặt lại mật khẩu, 2025")
    assert response.status_code == 302
    world["record"].refresh_from_db()
    assert world["record"].note == "Hướng dẫn cài đặt lại mật khẩu, 2025"


def test_a_synced_procedure_with_a_phone_number_is_refused_on_its_own(client_as, world):
    entry = {
        "client_id": str(uuid.uuid4()),
        "session": world["session"].pk,
        "service": "file_online",
        "procedure": "Khai sinh, gọi 0987654321",
        "device_time": 1,
    }
    response = client_as("volunteer").post(
        reverse("sessions:record_sync"), json.dumps({"entries": [entry]}), content_type="application/json"
    )
    result = response.json()["results"][0]
    assert result["status"] == "refused" and "số điện thoại" in result["message"]
    assert not HelpRecord.objects.filter(client_id=entry["client_id"]).exists()


def test_the_command_redacts_what_was_stored_before(world):
    record = world["record"]
    HelpRecord.objects.filter(pk=record.pk).update(
        note="Bà Lan, CCCD 001203004567, đã kích hoạt", procedure=""
    )
    RecordChange.objects.create(
        record=record,
        action=RecordChange.Action.UPDATE,
        changed_by=world["users"]["volunteer"],
        before={"note": "gọi 0912345678"},
        after={"note": "Bà Lan, CCCD 001203004567, đã kích hoạt"},
    )
    call_command("redact_citizen_text", "--dry-run")
    record.refresh_from_db()
    assert "001203004567" in record.note  # a dry run changes nothing

    call_command("redact_citizen_text")
    record.refresh_from_db()
    assert record.note == "Bà Lan, CCCD [đã xóa], đã kích hoạt"
    change = RecordChange.objects.filter(record=record).latest("pk")
    assert change.before == {"note": "gọi [đã xóa]"}
    assert "001203004567" not in json.dumps(change.after, ensure_ascii=False)
