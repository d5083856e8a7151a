"""Entries kept on a phone and synced in batches: each answered on its own, saved once, and late
ones accepted or kept for the secretary's review (docs/counting.md, "Entries sent from a phone")."""

import datetime
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions import services
from sessions.models import HelpRecord, HelpSession, ReviewEntry
from sessions.selectors import recording_totals

pytestmark = pytest.mark.django_db

SYNC = reverse("sessions:record_sync")


def ms(moment: datetime.datetime) -> int:
    return round(moment.timestamp() * 1000)


@pytest.fixture
def shift(world):
    """Yesterday 07:00–11:00, the volunteer on it: entries made during it are in the past whatever
    the hour the tests run."""
    shift = HelpSession.objects.create(
        commune=world["commune"],
        team=world["team"],
        place_kind="door_to_door",
        hamlet=world["hamlet"],
        date=timezone.localdate() - datetime.timedelta(days=1),
        starts_at=datetime.time(7, 0),
        ends_at=datetime.time(11, 0),
    )
    services.signup(session=shift, volunteer=world["member"], assigned_by=world["users"]["secretary"])
    return shift


def during(shift, hour=9, minute=0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(shift.date, datetime.time(hour, minute)))


def entry(shift, made_at=None, **extra) -> dict:
    return {
        "client_id": str(uuid.uuid4()),
        "session": shift.pk,
        "kind": "tap",
        "service": "vneid_install",
        "citizen_count": 1,
        "device_time": ms(made_at or during(shift)),
        **extra,
    }


def sync(client, entries, sent_at=None):
    body = {"sent_at": ms(sent_at or timezone.now()), "entries": entries}
    return client.post(SYNC, json.dumps(body), content_type="application/json")


def by_id(response) -> dict:
    return {result["client_id"]: result for result in response.json()["results"]}


def test_it_answers_each_entry_of_a_batch_on_its_own(client_as, world, shift):
    client = client_as("volunteer")
    good = entry(shift)
    tally = entry(shift, kind="tally", service="party_card_renewal", citizen_count=20, outcome="follow_up")
    unknown = entry(shift, service="no_such_service")
    malformed = entry(shift, client_id="not-a-uuid")
    elsewhere = HelpSession.objects.create(
        commune=world["other_commune"],
        place_kind="service_centre",
        date=shift.date,
        starts_at=datetime.time(7, 0),
        ends_at=datetime.time(11, 0),
    )
    other_commune = entry(elsewhere)
    future = entry(shift, made_at=timezone.now() + datetime.timedelta(days=2))
    far_past = entry(shift, made_at=during(shift) - datetime.timedelta(days=40))
    batch = [good, dict(good), tally, unknown, malformed, other_commune, future, far_past]

    response = sync(client, batch)

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == [
        "saved",
        "duplicate",
        "saved",
        "refused",
        "refused",
        "refused",
        "review",
        "review",
    ]
    assert "Không rõ dịch vụ" in results[3]["message"]
    assert "mã hợp lệ" in results[4]["message"]
    assert "Không có ca trực này" in results[5]["message"]
    assert "tương lai" in results[6]["message"]
    assert "ngoài giờ của ca trực" in results[7]["message"]
    assert len({r["message"] for r in results[3:]}) == 5
    assert HelpRecord.objects.filter(client_id=good["client_id"]).count() == 1
    saved_tally = HelpRecord.objects.get(client_id=tally["client_id"])
    assert (saved_tally.citizen_count, saved_tally.is_tally, saved_tally.outcome) == (20, True, "follow_up")
    assert not HelpRecord.objects.filter(session=elsewhere).exists()
    kept = ReviewEntry.objects.filter(session=shift, status=ReviewEntry.Status.PENDING)
    assert {str(e.client_id) for e in kept} == {future["client_id"], far_past["client_id"]}
    # Kept entries count nowhere until accepted.
    assert recording_totals(session=shift, user=world["users"]["volunteer"])["my_total"] == 21


def test_it_saves_each_entry_once_when_the_batch_is_sent_again(client_as, world, shift):
    client = client_as("volunteer")
    batch = [entry(shift), entry(shift, made_at=timezone.now() + datetime.timedelta(days=2))]
    first = sync(client, batch)
    again = sync(client, batch)
    assert [r["status"] for r in first.json()["results"]] == ["saved", "review"]
    assert [r["status"] for r in again.json()["results"]] == ["duplicate", "review"]
    assert HelpRecord.objects.filter(session=shift).count() == 1
    assert ReviewEntry.objects.filter(session=shift).count() == 1
    assert again.json()["totals"][str(shift.pk)]["my_total"] == 1


def test_an_entry_made_before_the_shift_closed_is_accepted_late_with_both_times(client_as, world, shift):
    services.session_close(session=shift, closed_by=world["users"]["secretary"])
    made = during(shift, 10, 30)
    late = entry(shift, made_at=made)
    response = sync(client_as("volunteer"), [late])
    assert by_id(response)[late["client_id"]] == {
        "client_id": late["client_id"],
        "status": "saved",
        "sent_late": True,
    }
    record = HelpRecord.objects.get(client_id=late["client_id"])
    assert record.sent_late
    assert record.device_time == made
    assert abs(record.helped_at - made) < datetime.timedelta(seconds=5)  # the clock offset's own error
    assert record.created_at > made
    page = client_as("secretary").get(
        reverse("sessions:session_records", kwargs={"code": shift.commune_id, "session_id": shift.pk})
    )
    assert "gửi muộn" in page.content.decode()
    detail = client_as("secretary").get(
        reverse("sessions:session_detail", kwargs={"code": shift.commune_id, "session_id": shift.pk})
    )
    assert "1 mục đến sau khi ca đã chốt (gửi muộn)." in detail.content.decode()


def test_an_entry_made_after_closing_or_past_the_grace_period_waits_for_review(client_as, world, shift):
    shift.date -= datetime.timedelta(days=3)
    shift.save()
    services.session_close(session=shift, closed_by=world["users"]["secretary"])
    late = entry(shift)
    response = sync(client_as("volunteer"), [late])
    assert by_id(response)[late["client_id"]]["status"] == "review"
    assert "48 giờ" in by_id(response)[late["client_id"]]["message"]
    assert not HelpRecord.objects.filter(client_id=late["client_id"]).exists()
    kwargs = {"code": shift.commune_id, "session_id": shift.pk}
    detail = client_as("secretary").get(reverse("sessions:session_detail", kwargs=kwargs)).content.decode()
    assert "1 mục gửi từ điện thoại đang chờ bạn xem xét." in detail
    # The volunteer sees it kept, on the shift's recording page, with the reason.
    page = client_as("volunteer").get(reverse("sessions:record_page", kwargs=kwargs)).content.decode()
    kept = page[page.index('data-testid="my-reviews"') :].split("</ul>")[0]
    assert "chờ xem xét" in kept
    assert "48 giờ" in kept


def test_the_phone_clock_offset_is_corrected(client_as, world, shift):
    behind = datetime.timedelta(hours=5)
    made = during(shift, 9, 0)
    skewed = entry(shift, made_at=made - behind)
    response = sync(client_as("volunteer"), [skewed], sent_at=timezone.now() - behind)
    assert by_id(response)[skewed["client_id"]]["status"] == "saved"
    assert abs(response.json()["clock_offset_ms"] - behind.total_seconds() * 1000) < 60_000
    record = HelpRecord.objects.get(client_id=skewed["client_id"])
    assert abs(record.helped_at - made) < datetime.timedelta(minutes=1)
    assert record.device_time == made - behind


def test_entries_on_a_cancelled_shift_are_kept_for_the_secretary(client_as, world, shift):
    services.session_cancel(session=shift)
    kept = entry(shift)
    response = sync(client_as("volunteer"), [kept])
    answer = by_id(response)[kept["client_id"]]
    assert answer["status"] == "review"
    assert "đã bị hủy" in answer["message"]
    review = ReviewEntry.objects.get(client_id=kept["client_id"])
    secretary = client_as("secretary")
    records_url = reverse(
        "sessions:session_records", kwargs={"code": shift.commune_id, "session_id": shift.pk}
    )
    assert kept["client_id"] in secretary.get(records_url).content.decode()
    kwargs = {"code": shift.commune_id, "session_id": shift.pk, "entry_id": review.pk}
    refused = secretary.post(reverse("sessions:review_accept", kwargs=kwargs), follow=True)
    assert "đã bị hủy" in refused.content.decode()
    assert not HelpRecord.objects.filter(client_id=kept["client_id"]).exists()
    secretary.post(reverse("sessions:review_reject", kwargs=kwargs))
    review.refresh_from_db()
    assert review.status == ReviewEntry.Status.REJECTED
    assert review.reviewed_by == world["users"]["secretary"]


def test_the_secretary_accepts_a_kept_entry_and_it_counts(client_as, world, shift):
    far = entry(shift, made_at=during(shift) - datetime.timedelta(days=40), hamlet="", outcome="not_done")
    sync(client_as("volunteer"), [far])
    review = ReviewEntry.objects.get(client_id=far["client_id"])
    kwargs = {"code": shift.commune_id, "session_id": shift.pk, "entry_id": review.pk}
    assert client_as("volunteer").post(reverse("sessions:review_accept", kwargs=kwargs)).status_code == 403
    response = client_as("secretary").post(reverse("sessions:review_accept", kwargs=kwargs))
    assert response.status_code == 302
    record = HelpRecord.objects.get(client_id=far["client_id"])
    assert (record.outcome, record.recorded_by, record.hamlet) == (
        "not_done",
        world["users"]["volunteer"],
        world["hamlet"],
    )
    assert record.helped_at == shift.local_start()
    assert recording_totals(session=shift, user=world["users"]["volunteer"])["my_total"] == 1
    # The phone sends it again: it is that record now.
    again = sync(client_as("volunteer"), [far])
    assert by_id(again)[far["client_id"]]["status"] == "duplicate"


def test_entries_take_the_shifts_hamlet_unless_given_another(client_as, world, shift):
    from tests.factories import HamletFactory

    other = HamletFactory(commune=world["commune"], name="Thôn Đông")
    plain, chosen = entry(shift), entry(shift, hamlet=other.pk, form_of_help="outreach")
    foreign = entry(shift, hamlet=HamletFactory(commune=world["other_commune"]).pk)
    response = sync(client_as("volunteer"), [plain, chosen, foreign])
    assert [r["status"] for r in response.json()["results"]] == ["saved", "saved", "refused"]
    assert HelpRecord.objects.get(client_id=plain["client_id"]).hamlet == world["hamlet"]
    assert HelpRecord.objects.get(client_id=chosen["client_id"]).hamlet == other
    assert HelpRecord.objects.get(client_id=chosen["client_id"]).form_of_help == "outreach"


def test_an_undo_synced_after_its_entry_removes_it(client_as, world, shift):
    made = entry(shift)
    undo = {"client_id": made["client_id"], "session": shift.pk, "kind": "undo"}
    response = sync(client_as("volunteer"), [made, undo])
    assert [r["status"] for r in response.json()["results"]] == ["saved", "undone"]
    assert HelpRecord.objects.get(client_id=made["client_id"]).is_deleted
    assert response.json()["totals"][str(shift.pk)]["my_total"] == 0


def test_another_volunteer_cannot_undo_ones_entry(client_as, world, shift):
    made = entry(shift)
    sync(client_as("volunteer"), [made])
    undo = {"client_id": made["client_id"], "session": shift.pk, "kind": "undo"}
    response = sync(client_as("other_secretary"), [undo])
    assert response.json()["results"][0]["status"] == "refused"
    assert not HelpRecord.objects.get(client_id=made["client_id"]).is_deleted


@pytest.mark.parametrize(
    "body",
    ["", "not json", "[]", '{"entries": 5}', '{"entries": [1, null, "x", {"kind": "undo"}]}'],
)
def test_unreadable_requests_are_answered_not_crashed(client_as, world, body):
    response = client_as("volunteer").post(SYNC, body, content_type="application/json")
    assert response.status_code in {200, 400}
    if response.status_code == 200:
        assert {r["status"] for r in response.json()["results"]} == {"refused"}


def test_too_many_entries_at_once_are_refused(client_as, world, shift):
    response = sync(client_as("volunteer"), [entry(shift) for _ in range(501)])
    assert response.status_code == 400
    assert not HelpRecord.objects.filter(session=shift).exists()


def test_signed_out_phones_are_sent_to_sign_in(client, shift):
    response = sync(client, [entry(shift)])
    assert response.status_code == 302
    assert not HelpRecord.objects.filter(session=shift).exists()


def test_the_manifest_and_service_worker_are_served(client):
    manifest = client.get(reverse("sessions:manifest"))
    assert manifest["Content-Type"] == "application/manifest+json"
    assert manifest.json()["name"] == "Xung Kích Số"
    assert manifest.json()["start_url"].startswith("/")
    worker = client.get(reverse("sessions:service_worker"))
    assert worker.status_code == 200
    assert worker["Service-Worker-Allowed"] == "/"


def test_entries_kept_by_another_account_are_not_recorded_under_this_one(client_as, world, shift):
    client = client_as("volunteer")
    body = {
        "sent_at": ms(timezone.now()),
        "user": world["users"]["team_leader"].pk,
        "entries": [entry(shift)],
    }
    response = client.post(SYNC, json.dumps(body), content_type="application/json")
    assert response.status_code == 409
    assert "tài khoản khác" in response.json()["error"]
    assert not HelpRecord.objects.filter(session=shift).exists()

    body["user"] = world["users"]["volunteer"].pk
    response = client.post(SYNC, json.dumps(body), content_type="application/json")
    assert response.json()["results"][0]["status"] == "saved"
    assert HelpRecord.objects.filter(session=shift).count() == 1
