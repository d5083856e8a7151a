"""At phone size: the volunteer opens the shift's check-in address, as scanning the code posted at
the desk does, and sees they are checked in; the secretary sees it on the attendance page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions import services
from sessions.models import Attendance, HelpSession
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_volunteer_checks_in_by_scanning_and_the_secretary_sees_it(phone_page, page, world, password):
    shift = HelpSession.objects.create(
        commune=world["commune"],
        team=world["team"],
        place_kind="one_stop_desk",
        date=timezone.localdate(),
        starts_at=datetime.time(0, 0),
        ends_at=datetime.time(23, 59),
    )
    code = services.checkin_code_for(shift)
    address = reverse("sessions:session_checkin", args=[shift.commune_id, shift.pk, code])

    sign_in(phone_page, "volunteer", password)
    phone_page.goto(phone_page.base_url + address)
    result = phone_page.get_by_test_id("checkin-result")
    assert "Bạn đã điểm danh có mặt từ" in result.inner_text()
    assert phone_page.get_by_role("link", name="Ghi nhận người dân được hỗ trợ").is_visible()
    mark = Attendance.objects.get(session=shift, volunteer=world["member"])
    assert mark.present is True
    checked_in = f"{timezone.localtime(mark.checked_in_at):%H:%M}"

    sign_in(page, "secretary", password)
    page.goto(page.base_url + reverse("sessions:session_attendance", args=[shift.commune_id, shift.pk]))
    row = page.locator("[data-volunteer='Lê Thị Ánh']")
    assert f"Quét mã vào {checked_in}" in row.get_by_test_id("checked-in").inner_text()
