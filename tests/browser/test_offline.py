"""On a phone-sized Chromium with the browser's offline mode: taps are kept on the phone, counted
and shown pending, survive a reload without a connection, and are each saved exactly once when the
connection returns; entries on a shift cancelled meanwhile wait for the secretary's review."""

import datetime
import urllib.request

import pytest
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from sessions import services
from sessions.models import HelpRecord, HelpSession, ReviewEntry
from tests.browser.conftest import phone_context, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERVICE = "Cài đặt ứng dụng VNeID"


@pytest.fixture
def shift(world):
    shift = HelpSession.objects.create(
        commune=world["commune"],
        team=world["team"],
        place_kind="one_stop_desk",
        date=timezone.localdate(),
        starts_at=datetime.time(0, 0),
        ends_at=datetime.time(23, 59),
    )
    services.signup(session=shift, volunteer=world["member"])
    return shift


def open_recording(page, world, shift, password):
    sign_in(page, "volunteer", password)
    url = f"{page.base_url}/communes/{world['commune'].code}/sessions/{shift.pk}/record/"
    # Once the service worker controls the page, a reload keeps it for a day without signal. Every
    # page load registers it; on a busy machine the first registration can miss (the test server
    # answers one request at a time), so the page is opened again, as a phone would on its next load.
    for attempt in range(3):
        page.goto(url)
        try:
            page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=20_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    page.reload()
    page.get_by_test_id("outbox-bar").wait_for()


def go_offline(page):
    # Chromium's offline mode does not always reach a request that a page controlled by a service
    # worker lets through to the network, so the sync address is cut as well.
    page.context.route("**/my/sync/", lambda route: route.abort("internetdisconnected"))
    page.context.set_offline(True)


def go_online(page):
    page.context.unroute("**/my/sync/")
    page.context.set_offline(False)


def wait_for_text(page, test_id, expected):
    page.wait_for_function(
        "([id, text]) => document.querySelector(`[data-testid=${id}]`).textContent.trim() === text",
        arg=[test_id, expected],
    )


def wait_for_pending(page, count):
    page.wait_for_function(
        "n => document.querySelector('[data-testid=pending]').dataset.count === String(n)", arg=count
    )


def test_taps_made_offline_are_kept_and_each_saved_once_when_the_connection_returns(
    phone_page, world, shift, password
):
    volunteer = phone_page
    open_recording(volunteer, world, shift, password)
    wait_for_pending(volunteer, 0)

    go_offline(volunteer)
    for _tap in range(12):
        volunteer.get_by_role("button", name=SERVICE).click()
    wait_for_text(volunteer, "my-total", "12")
    wait_for_pending(volunteer, 12)
    assert "12 chờ gửi" in volunteer.get_by_test_id("pending").inner_text()
    assert (
        "Đã lưu" not in volunteer.get_by_test_id("record-panel").inner_text()
    )  # nothing unsent shown as saved

    volunteer.reload()
    wait_for_pending(volunteer, 12)
    wait_for_text(volunteer, "my-total", "12")
    assert volunteer.locator("#entries [data-outbox]").count() == 12
    assert not HelpRecord.objects.filter(session=shift).exists()

    go_online(volunteer)
    wait_for_pending(volunteer, 0)
    assert volunteer.locator("#entries [data-outbox] .text-bg-success").count() == 12
    records = HelpRecord.objects.filter(session=shift, deleted_at__isnull=True)
    assert records.count() == 12
    assert len(set(records.values_list("client_id", flat=True))) == 12
    assert all(record.device_time is not None for record in records)
    wait_for_text(volunteer, "my-total", "12")


def test_an_answer_lost_after_the_server_saved_still_leaves_one_row(
    browser, live_server, world, shift, password
):
    # The outbox alone, without the service worker: Chromium does not always show a request that a
    # worker-controlled page lets through to the network to Playwright's routing.
    context = phone_context(browser, service_workers="block", bypass_csp=True)
    volunteer = context.new_page()
    volunteer.base_url = live_server.url
    sign_in(volunteer, "volunteer", password)
    volunteer.goto(f"{live_server.url}/communes/{world['commune'].code}/sessions/{shift.pk}/record/")
    volunteer.get_by_test_id("outbox-bar").wait_for()
    lost = []

    def lose_the_first_answer(route):
        if not lost:
            # The same request reaches the server and saves the tap; the phone never hears back.
            request = route.request
            headers = {k: v for k, v in request.all_headers().items() if not k.startswith(":")}
            replay = urllib.request.Request(  # noqa: S310 (the test server's http address)
                request.url, data=request.post_data_buffer, headers=headers
            )
            with urllib.request.urlopen(replay, timeout=15) as answer:  # noqa: S310
                lost.append(answer.status)
            route.abort()
        else:
            route.continue_()

    volunteer.route("**/my/sync/", lose_the_first_answer)
    volunteer.get_by_role("button", name=SERVICE).click()
    # Sent, lost, sent again after a pause: confirmed by its id, shown saved.
    volunteer.locator("#entries [data-outbox] .text-bg-success").wait_for()
    wait_for_pending(volunteer, 0)
    assert lost == [200]
    assert HelpRecord.objects.filter(session=shift).count() == 1
    assert "Đã lưu" in volunteer.get_by_test_id("entries").inner_text()
    context.close()


def test_a_shift_cancelled_while_offline_keeps_the_entries_for_review(phone_page, world, shift, password):
    volunteer = phone_page
    open_recording(volunteer, world, shift, password)
    go_offline(volunteer)
    for _tap in range(2):
        volunteer.get_by_role("button", name=SERVICE).click()
    wait_for_pending(volunteer, 2)
    services.session_cancel(session=shift)

    go_online(volunteer)
    wait_for_pending(volunteer, 0)
    toast = volunteer.get_by_test_id("toast")
    assert "Chờ Bí thư xem xét" in toast.inner_text()
    assert "đã bị hủy" in toast.inner_text()
    assert not HelpRecord.objects.filter(session=shift).exists()
    assert ReviewEntry.objects.filter(session=shift, status=ReviewEntry.Status.PENDING).count() == 2


def test_background_sync_sends_kept_taps_with_no_page_open(phone_page, world, shift, password):
    volunteer = phone_page
    open_recording(volunteer, world, shift, password)
    go_offline(volunteer)
    for _tap in range(3):
        volunteer.get_by_role("button", name=SERVICE).click()
    wait_for_pending(volunteer, 3)
    tags = volunteer.evaluate("navigator.serviceWorker.ready.then((r) => r.sync.getTags())")
    assert "xks-outbox" in tags  # the phone asked to be woken when the connection is back

    # The volunteer leaves the recording page: only a picture of the site is open, no page script.
    volunteer.goto(f"{volunteer.base_url}/static/icons/icon-192.png")
    go_online(volunteer)
    devtools = volunteer.context.new_cdp_session(volunteer)
    registrations = []
    devtools.on(
        "ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"])
    )
    devtools.send("ServiceWorker.enable")
    volunteer.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    for _wait in range(50):
        if registrations:
            break
        volunteer.wait_for_timeout(100)
    registration = next(r for r in registrations if not r["isDeleted"])
    # What Chromium does when the connection comes back, done at once.
    devtools.send(
        "ServiceWorker.dispatchSyncEvent",
        {
            "origin": volunteer.base_url,
            "registrationId": registration["registrationId"],
            "tag": "xks-outbox",
            "lastChance": False,
        },
    )
    for _wait in range(100):
        if HelpRecord.objects.filter(session=shift).count() == 3:
            break
        volunteer.wait_for_timeout(100)
    assert HelpRecord.objects.filter(session=shift).count() == 3

    # Back on the recording page: nothing is left to send and the three are shown saved.
    volunteer.goto(f"{volunteer.base_url}/communes/{world['commune'].code}/sessions/{shift.pk}/record/")
    wait_for_pending(volunteer, 0)
    assert volunteer.locator("#entries [data-client-id]").count() == 3
    assert HelpRecord.objects.filter(session=shift).count() == 3


def test_signing_out_forgets_the_kept_pages_and_entries(phone_page, world, shift, password):
    volunteer = phone_page
    open_recording(volunteer, world, shift, password)
    record_url = volunteer.url
    volunteer.wait_for_function("caches.keys().then((names) => names.length > 0)")
    kept = volunteer.evaluate(
        "caches.open('xks-pages-v1').then((c) => c.keys()).then((k) => k.map((r) => r.url))"
    )
    assert record_url in kept  # the volunteer's recording page is kept for a day without signal
    assert 'data-testid="record-panel"' in volunteer.content()

    # The dropdown holding "Đăng xuất" is in the collapsed menu on a phone: submit its form.
    volunteer.evaluate("document.querySelector('form[data-sign-out]').requestSubmit()")
    volunteer.wait_for_url("**/accounts/**")
    volunteer.wait_for_function("caches.keys().then((names) => names.length === 0)")
    databases = volunteer.evaluate("indexedDB.databases().then((all) => all.map((d) => d.name))")
    assert "xks-outbox" not in databases

    # Offline, the recording page is no longer on this phone: the next user sees nothing of it.
    volunteer.context.set_offline(True)
    volunteer.goto(record_url)
    assert 'data-testid="record-panel"' not in volunteer.content()
    assert "Không có kết nối" in volunteer.content()
    volunteer.context.set_offline(False)
