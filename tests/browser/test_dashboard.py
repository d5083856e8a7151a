"""The commune leader opens a past month's dashboard, checks a figure against the records behind
it, and downloads the monthly report."""

import io
from pathlib import Path

import openpyxl
import pytest

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_commune_leader_reads_a_past_month_and_downloads_the_report(
    page, world, august, password, export_worker
):
    sign_in(page, "commune_leader", password)
    page.goto(f"{page.base_url}/units/")  # one commune: straight to its dashboard
    page.get_by_label("Tháng hoặc năm").fill("08/2025")
    page.get_by_role("button", name="Xem").click()
    assert page.get_by_test_id("value-citizen_turns").inner_text() == "39"
    assert page.get_by_test_id("value-vneid_activations").inner_text() == "3"
    assert page.get_by_role("img", name="Lượt người dân, 12 tháng gần nhất").is_visible()
    assert page.locator("svg rect").count() == 24

    page.get_by_test_id("figure-vneid_activations").click()
    assert "3 lượt ghi, 3 lượt người dân" in page.get_by_test_id("records-total").inner_text()
    assert page.get_by_test_id("records").locator("tbody tr").count() == 3
    page.go_back()

    page.get_by_test_id("export-report").click()
    page.get_by_test_id("download").wait_for(timeout=60_000)
    with page.expect_download() as download_info:
        page.get_by_test_id("download").click()
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    rows = {row[0]: row[1] for row in workbook.active.iter_rows(values_only=True) if row and row[0]}
    assert rows["Lượt người dân được hỗ trợ"] == 39
