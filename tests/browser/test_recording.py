"""On a phone-sized Chromium: a volunteer signs up, records three citizens and a tally of 20,
undoes one and sees the totals; the secretary marks attendance and closes the shift, after which
the volunteer can no longer change anything."""

import datetime

import pytest

from sessions.models import Attendance, HelpRecord, HelpSession
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_volunteer_records_on_a_phone_and_the_secretary_closes_the_shift(
    browser, phone_page, page, world, password
):
    commune = world["commune"]
    shift = HelpSession.objects.create(
        commune=commune,
        team=world["team"],
        place_kind="one_stop_desk",
        date=world["session"].date,
        starts_at=datetime.time(0, 0),
        ends_at=datetime.time(23, 59),
        volunteers_needed=3,
    )
    volunteer = phone_page
    sign_in(volunteer, "volunteer", password)
    volunteer.goto(f"{volunteer.base_url}/my/shifts/")
    volunteer.get_by_test_id("open-shifts").get_by_text("Bộ phận một cửa").click()
    volunteer.get_by_role("button", name="Đăng ký ca này").click()
    assert "Bạn đã đăng ký ca trực này." in volunteer.get_by_role("alert").first.inner_text()
    volunteer.get_by_role("link", name="Ghi nhận người dân được hỗ trợ").click()

    my_total = volunteer.get_by_test_id("my-total")
    for expected in ("1", "2", "3"):
        volunteer.get_by_role("button", name="Cài đặt ứng dụng VNeID").click()
        volunteer.wait_for_function(
            f"document.querySelector('[data-testid=my-total]').textContent.trim() === '{expected}'"
        )
    assert (
        "Đã ghi trên máy: Cài đặt ứng dụng VNeID, 1 người." in volunteer.get_by_test_id("toast").inner_text()
    )

    volunteer.get_by_text("Quầy đông: ghi theo số lượng").click()
    volunteer.get_by_label("Dịch vụ").select_option(label="Đảng viên · Đổi thẻ đảng viên")
    volunteer.get_by_label("Số người dân").fill("20")
    volunteer.get_by_test_id("save-tally").click()
    volunteer.wait_for_function(
        "document.querySelector('[data-testid=my-total]').textContent.trim() === '23'"
    )

    volunteer.get_by_test_id("entries").get_by_role("button", name="Hoàn tác").last.click()
    volunteer.wait_for_function(
        "document.querySelector('[data-testid=my-total]').textContent.trim() === '22'"
    )
    assert my_total.inner_text().strip() == "22"
    volunteer.wait_for_function("document.querySelector('[data-testid=pending]').dataset.count === '0'")
    records = HelpRecord.objects.filter(session=shift, deleted_at__isnull=True)
    assert sum(r.citizen_count for r in records) == 22
    assert records.count() == 3

    sign_in(page, "secretary", password)
    page.goto(f"{page.base_url}/communes/{commune.code}/sessions/{shift.pk}/")
    page.get_by_role("link", name="Điểm danh", exact=True).click()
    row = page.locator(f"[data-volunteer='{world['member'].full_name}']")
    row.get_by_text("có mặt").click()
    page.get_by_role("button", name="Lưu điểm danh").click()
    assert "Đã lưu điểm danh." in page.get_by_role("alert").first.inner_text()
    page.get_by_test_id("close-session").click()
    page.get_by_test_id("confirm").click()
    assert "Đã chốt ca trực." in page.get_by_role("alert").first.inner_text()
    assert Attendance.objects.get(session=shift, volunteer=world["member"]).present

    volunteer.reload()
    assert "Ca trực đã được Bí thư chốt" in volunteer.get_by_test_id("closed-notice").inner_text()
    assert volunteer.get_by_role("button", name="Hoàn tác").count() == 0
    assert volunteer.get_by_role("button", name="Cài đặt ứng dụng VNeID").count() == 0
