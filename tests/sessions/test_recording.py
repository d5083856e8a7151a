"""Recording citizens helped on the phone page: one tap, tallies, undo, ids, and bad input."""

import datetime
import uuid

import pytest
from django.urls import reverse

from sessions import services
from sessions.models import HelpRecord, HelpSession, Service
from tests.factories import CommuneFactory, UserFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


def url(world, name, session=None, **kwargs):
    session = session or world["session"]
    return reverse(
        f"sessions:{name}", kwargs={"code": session.commune_id, "session_id": session.pk, **kwargs}
    )


def tap(client, world, service_code="vneid_install", client_id=None, session=None, **extra):
    data = {"service": service_code, "citizen_count": 1, "client_id": str(client_id or uuid.uuid4()), **extra}
    return client.post(url(world, "record_create", session), data, HTTP_HX_REQUEST="true")


def live_count(session):
    return HelpRecord.objects.filter(session=session, deleted_at__isnull=True).count()


def test_one_tap_records_one_citizen_and_says_so(client_as, world):
    client = client_as("volunteer")
    response = tap(client, world)
    assert response.status_code == 201
    page = response.content.decode()
    assert "Đã lưu: Cài đặt ứng dụng VNeID, 1 người." in page
    record = HelpRecord.objects.latest("id")
    assert (record.citizen_count, record.outcome, record.volunteer) == (1, "done", world["member"])
    assert record.recorded_by == world["users"]["volunteer"]


def test_the_same_entry_id_twice_records_once(client_as, world):
    client = client_as("volunteer")
    entry = uuid.uuid4()
    first = tap(client, world, client_id=entry)
    second = tap(client, world, client_id=entry)
    assert (first.status_code, second.status_code) == (201, 200)
    assert HelpRecord.objects.filter(client_id=entry).count() == 1
    assert live_count(world["session"]) == 2  # the world's entry and this one


def test_a_tally_records_n_citizens_in_one_entry(client_as, world):
    response = client_as("volunteer").post(
        url(world, "record_create"),
        {
            "kind": "tally",
            "service": "party_card_renewal",
            "citizen_count": 20,
            "client_id": str(uuid.uuid4()),
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 201
    record = HelpRecord.objects.latest("id")
    assert (record.citizen_count, record.is_tally) == (20, True)
    assert 'data-testid="my-total" hx-swap-oob="true">21<' in response.content.decode()


@pytest.mark.parametrize(
    ("count", "message"),
    [
        ("0", "Nhập ít nhất 1 người."),
        ("-5", "Nhập ít nhất 1 người."),
        ("10001", "tối đa 10.000"),
        ("abc", "số"),
    ],
)
def test_a_tally_of_zero_negative_or_absurd_is_refused(client_as, world, count, message):
    before = HelpRecord.objects.count()
    response = client_as("volunteer").post(
        url(world, "record_create"),
        {
            "kind": "tally",
            "service": "party_card_renewal",
            "citizen_count": count,
            "client_id": str(uuid.uuid4()),
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert HelpRecord.objects.count() == before


def test_undo_removes_the_entry_but_keeps_its_history(client_as, world):
    client = client_as("volunteer")
    response = client.post(url(world, "record_undo", record_id=world["record"].pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Đã xoá: Kích hoạt tài khoản định danh mức 2." in response.content.decode()
    assert live_count(world["session"]) == 0
    assert list(world["record"].changes.values_list("action", "changed_by__username")) == [
        ("delete", "volunteer")
    ]
    assert 'id="entry-' in response.content.decode() and 'hx-swap-oob="delete"' in response.content.decode()


def test_an_entry_after_the_shift_is_closed_is_refused(client_as, world):
    services.session_close(session=world["session"], closed_by=world["users"]["secretary"])
    response = tap(client_as("volunteer"), world)
    assert response.status_code == 409
    assert "Ca trực đã được Bí thư chốt." in response.content.decode()
    assert live_count(world["session"]) == 1


def test_after_closing_the_volunteer_cannot_edit_but_the_secretary_can(client_as, world):
    services.session_close(session=world["session"], closed_by=world["users"]["secretary"])
    edit = url(world, "record_edit", record_id=world["record"].pk)
    refused = client_as("volunteer").post(edit, {"service": world["record"].service.pk, "citizen_count": 3})
    assert refused.status_code == 403
    assert "không thể sửa các lượt ghi nữa" in refused.content.decode()
    refused = client_as("volunteer").post(url(world, "record_undo", record_id=world["record"].pk))
    assert refused.status_code == 403
    corrected = client_as("secretary").post(
        edit,
        {
            "service": world["record"].service.pk,
            "citizen_count": 3,
            "outcome": "done",
            "form_of_help": "one_to_one",
        },
    )
    assert corrected.status_code == 302
    world["record"].refresh_from_db()
    assert world["record"].citizen_count == 3
    assert world["record"].changes.last().changed_by == world["users"]["secretary"]


def test_a_volunteer_cannot_change_another_volunteers_entry(client_as, world):
    other = UserFactory(username="other_volunteer")
    VolunteerFactory(commune=world["commune"], user=other)
    services.signup(session=world["session"], volunteer=other.volunteer)
    client = client_as("secretary")
    client.force_login(other)
    response = client.post(url(world, "record_undo", record_id=world["record"].pk))
    # a volunteer sees only their own entries, so another's is simply not there
    assert response.status_code == 404
    assert live_count(world["session"]) == 1


def test_a_retired_service_is_refused(client_as, world):
    retired = Service.objects.get(code="vneid_install")
    retired.is_active = False
    retired.save()
    response = tap(client_as("volunteer"), world)
    assert response.status_code == 400
    assert "đã ngừng sử dụng" in response.content.decode()
    assert (
        "Cài đặt ứng dụng VNeID</button>"
        not in client_as("volunteer").get(url(world, "record_page")).content.decode()
    )


def test_a_service_retired_in_admin_is_refused_from_the_next_tap(client_as, world):
    client = client_as("volunteer")
    assert tap(client, world).status_code == 201  # the catalogue is now in memory
    service = Service.objects.get(code="vneid_install")
    service.is_active = False
    service.save()
    response = tap(client, world)
    assert response.status_code == 400
    assert "đã ngừng sử dụng" in response.content.decode()


def test_an_unknown_service_code_is_refused_in_vietnamese(client_as, world):
    data = {"service": "no_such_service", "citizen_count": 1}
    response = client_as("volunteer").post(url(world, "record_create"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "Hãy chọn một trong các dịch vụ" in response.content.decode()


def test_an_entry_for_a_shift_of_another_commune_is_refused(client_as, world):
    elsewhere = HelpSession.objects.create(
        commune=CommuneFactory(province=world["province"]),
        place_kind="market",
        date=world["session"].date,
        starts_at=datetime.time(7, 0),
        ends_at=datetime.time(11, 0),
    )
    response = tap(client_as("volunteer"), world, session=elsewhere)
    assert response.status_code == 404
    assert HelpRecord.objects.filter(session=elsewhere).count() == 0
    # nor by pointing the other commune's shift at one's own commune in the address
    forged = reverse(
        "sessions:record_create", kwargs={"code": world["commune"].code, "session_id": elsewhere.pk}
    )
    assert client_as("volunteer").post(forged, {"service": "vneid_install"}).status_code == 404


def test_a_volunteer_not_on_the_shift_cannot_record(client_as, world):
    stranger = UserFactory(username="stranger")
    VolunteerFactory(commune=world["commune"], user=stranger)
    client = client_as("secretary")
    client.force_login(stranger)
    response = tap(client, world)
    assert response.status_code == 403
    assert live_count(world["session"]) == 1


def test_no_personal_data_by_default_and_contact_only_with_consent(client_as, world):
    field_names = {field.name for field in HelpRecord._meta.get_fields()}
    assert not field_names & {"name", "phone", "id_number", "citizen_name", "photo"}
    edit = url(world, "record_edit", record_id=world["record"].pk)
    data = {
        "service": world["record"].service.pk,
        "citizen_count": 1,
        "outcome": "follow_up",
        "form_of_help": "one_to_one",
        "contact-name": "Nguyễn Thị Nga",
        "contact-phone": "0912345678",
        "contact-purpose": "gọi lại báo kết quả",
    }
    refused = client_as("volunteer").post(edit, data)
    assert refused.status_code == 400
    assert not hasattr(HelpRecord.objects.get(pk=world["record"].pk), "contact")
    response = client_as("volunteer").post(edit, {**data, "contact-consent": "on"})
    assert response.status_code == 302
    contact = HelpRecord.objects.get(pk=world["record"].pk).contact
    assert (contact.phone, contact.consent_purpose) == ("+84912345678", "gọi lại báo kết quả")
    assert contact.consent_recorded_by == world["users"]["volunteer"]


def test_expired_contacts_are_erased_and_counts_stay(world):
    import datetime

    from sessions.tasks import erase_expired_contacts

    services.contact_save(
        record=world["record"],
        name="Trần Văn Tư",
        phone="",
        purpose="hẹn hướng dẫn lại",
        recorded_by=world["users"]["volunteer"],
    )
    world["record"].contact.erase_after = datetime.date(2020, 1, 1)
    world["record"].contact.save()
    assert erase_expired_contacts.apply().get() == 1
    assert not hasattr(HelpRecord.objects.get(pk=world["record"].pk), "contact")
    assert live_count(world["session"]) == 1


def test_an_undone_entry_sent_again_is_not_reported_as_saved(client_as, world):
    client = client_as("volunteer")
    entry = uuid.uuid4()
    tap(client, world, client_id=entry)
    record = HelpRecord.objects.get(client_id=entry)
    client.post(url(world, "record_undo", record_id=record.pk), HTTP_HX_REQUEST="true")
    again = tap(client, world, client_id=entry, service_code="qr_payment")
    assert again.status_code == 400
    assert "Đã lưu" not in again.content.decode()
    assert live_count(world["session"]) == 1


def test_next_after_editing_stays_on_this_site(client_as, world):
    edit = url(world, "record_edit", record_id=world["record"].pk) + "?next=https://evil.example/"
    response = client_as("volunteer").post(
        edit,
        {
            "service": world["record"].service.pk,
            "citizen_count": 1,
            "outcome": "done",
            "form_of_help": "one_to_one",
        },
    )
    assert response.status_code == 302
    assert not response.url.startswith("https://evil.example")


def test_a_retry_after_closing_returns_the_saved_entry(client_as, world):
    client = client_as("volunteer")
    entry = uuid.uuid4()
    tap(client, world, client_id=entry)
    services.session_close(session=world["session"], closed_by=world["users"]["secretary"])
    again = tap(client, world, client_id=entry)
    assert again.status_code == 200
    assert "Đã lưu" in again.content.decode()
    assert HelpRecord.objects.filter(client_id=entry).count() == 1


def test_a_signed_out_tap_sends_the_browser_to_sign_in(client, world):
    response = tap(client, world)
    assert response.status_code == 401
    assert response["HX-Redirect"].startswith(reverse("login"))
    assert HelpRecord.objects.count() == 1


def _shown_totals(response) -> tuple[int, int]:
    page = response.content.decode()
    mine = page.split('data-testid="my-total" hx-swap-oob="true">')[1].split("<")[0]
    shift = page.split('data-testid="session-total" hx-swap-oob="true">')[1].split("<")[0]
    return int(mine), int(shift)


def test_each_tap_answers_with_the_totals_of_live_entries_including_itself(client_as, world):
    volunteer = client_as("volunteer")
    tap(volunteer, world)
    services.record_create(
        session=world["session"],
        recorded_by=world["users"]["secretary"],
        service=Service.objects.get(code="file_online"),
        citizen_count=5,
        is_tally=True,
    )
    undone = HelpRecord.objects.filter(recorded_by=world["users"]["volunteer"]).latest("id")
    services.record_delete(record=undone, deleted_by=world["users"]["volunteer"])
    response = tap(volunteer, world)
    assert response.status_code == 201
    live = HelpRecord.objects.filter(session=world["session"], deleted_at__isnull=True)
    mine = sum(live.filter(recorded_by=world["users"]["volunteer"]).values_list("citizen_count", flat=True))
    assert _shown_totals(response) == (mine, sum(live.values_list("citizen_count", flat=True)))
    assert mine >= 1 and _shown_totals(response)[1] >= mine + 5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": HelpSession.Status.CANCELLED}, "huỷ"),
        (
            {
                "status": HelpSession.Status.HELD,
                "closed_at": datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
            },
            "chốt",
        ),
    ],
)
def test_a_tap_on_a_shift_cancelled_or_closed_a_moment_ago_is_refused_and_records_nothing(
    world, change, message
):
    shift = world["session"]  # as the page read it, still open
    before = shift.records.count()
    HelpSession.objects.filter(pk=shift.pk).update(**change)
    with pytest.raises(services.SessionError, match=message):
        services.record_create(
            session=shift,
            recorded_by=world["users"]["volunteer"],
            service=Service.objects.get(code="vneid_install"),
            volunteer=world["member"],
        )
    assert shift.records.count() == before


def test_the_running_campaigns_services_come_first_and_open(client_as, world):
    from sessions.models import Campaign, CampaignTarget

    # A shift planned outside any campaign, on a day of the province's party-card week.
    shift = HelpSession.objects.create(
        commune=world["commune"],
        team=world["team"],
        place_kind="one_stop_desk",
        date=world["province_campaign"].starts_on,
        starts_at=datetime.time(7, 0),
        ends_at=datetime.time(11, 0),
    )
    services.signup(session=shift, volunteer=world["member"])
    Campaign.objects.filter(pk=world["campaign"].pk).update(starts_on=shift.date + datetime.timedelta(days=1))
    CampaignTarget.objects.create(
        campaign=world["province_campaign"],
        label="Thẻ đảng viên đổi",
        metric="citizen_turns",
        service=Service.objects.get(code="party_card_renewal"),
        value=500,
    )
    page = client_as("volunteer").get(url(world, "record_page", shift)).content.decode()
    first_group = page[page.index('data-testid="campaign-services"') :].split("</details>")[0]
    assert "Chiến dịch: Đổi thẻ đảng viên toàn tỉnh" in first_group
    assert 'data-service="party_card_renewal"' in first_group
    assert page.index('data-testid="campaign-services"') < page.index('data-service="vneid_install"')
    assert page.count('data-service="party_card_renewal"') == 1  # not repeated in its category


def test_without_a_campaign_the_page_keeps_the_catalogue_order(client_as, world):
    shift = HelpSession.objects.create(
        commune=world["commune"],
        team=world["team"],
        place_kind="one_stop_desk",
        date=world["campaign"].ends_on + datetime.timedelta(days=10),
        starts_at=datetime.time(7, 0),
        ends_at=datetime.time(11, 0),
    )
    services.signup(session=shift, volunteer=world["member"])
    page = client_as("volunteer").get(url(world, "record_page", shift)).content.decode()
    assert 'data-testid="campaign-services"' not in page
    assert 'data-service="party_card_renewal"' in page
