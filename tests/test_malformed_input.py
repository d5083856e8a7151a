"""Malformed input answers 4xx with a reason, on every database: NUL characters, ids too large to
be ids, dates and months past the calendar's ends."""

import json
import uuid

import pytest
from django.urls import reverse

from sessions.models import HelpRecord
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

TOO_LARGE = "9" * 25


def test_a_nul_in_the_address_or_the_query_answers_400(client_as, world):
    client = client_as("secretary")
    for url in (
        "/certificates/ab%00cd/",
        "/calendar/%00.ics",
        reverse("reports:dashboard", kwargs={"code": world["commune"].code}) + "?period=2025%0008",
        reverse("reports:record_list", kwargs={"code": world["commune"].code}) + "?service=vneid%00",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "ký tự NUL" in response.content.decode()


def test_a_nul_in_a_typed_form_answers_400_and_changes_nothing(client_as, world):
    before = Volunteer.objects.count()
    response = client_as("secretary").post(
        reverse("volunteers:volunteer_create", kwargs={"code": world["commune"].code}),
        "full_name=Tr%E1%BA%A7n%00+V%C4%83n+B%E1%BA%A3y&gender=male",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert Volunteer.objects.count() == before


def test_ids_too_large_to_be_ids_answer_404(client_as, world):
    client = client_as("secretary")
    code = world["commune"].code
    for url in (
        f"/communes/{TOO_LARGE}/dashboard/",
        f"/communes/{code}/sessions/{TOO_LARGE}/",
        f"/communes/{code}/volunteers/{TOO_LARGE}/",
        f"/communes/{code}/sessions/{world['session'].pk}/records/{TOO_LARGE}/edit/",
    ):
        assert client.get(url).status_code == 404, url


def test_a_synced_procedure_with_control_characters_is_refused_on_its_own(client_as, world):
    entry = {
        "client_id": str(uuid.uuid4()),
        "session": world["session"].pk,
        "service": "file_online",
        "procedure": "Đăng ký khai sinh\x00",
        "device_time": 1,
    }
    response = client_as("volunteer").post(
        reverse("sessions:record_sync"), json.dumps({"entries": [entry]}), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["status"] == "refused"
    assert not HelpRecord.objects.filter(client_id=entry["client_id"]).exists()
