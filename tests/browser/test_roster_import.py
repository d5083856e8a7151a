"""The secretary imports a roster in Chromium: a bad file shows its errors, the fixed one imports,
and a volunteer is found by typing the name without diacritics."""

import io

import openpyxl
import pytest

from tests.browser.conftest import sign_in
from tests.volunteers.test_roster_import import HEADER
from volunteers.models import Volunteer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def write_roster(path, rows):
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_secretary_imports_a_roster_fixing_a_bad_row(page, world, password, tmp_path):
    commune = world["commune"]
    good = ["Phùng Thị Thuỳ Dương", "Nữ", "12/05/2003", "0912 000 111", "", "Tổ dân phố số 1", "Có", "", ""]
    bad = ["Khúc Văn Đạt", "Nam", "01/01/2001", "0212 345", "", "", "Có", "", ""]
    fixed = ["Khúc Văn Đạt", "Nam", "01/01/2001", "0352 345 678", "", "", "Có", "", ""]

    sign_in(page, "secretary", password)
    page.goto(f"{page.base_url}/communes/{commune.code}/roster/import/")
    page.get_by_label("Tệp danh sách (.xlsx hoặc .csv)").set_input_files(
        write_roster(tmp_path / "sai.xlsx", [good, bad])
    )
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    errors = page.get_by_test_id("import-errors")
    assert "Có 1 dòng bị lỗi" in errors.inner_text()
    assert "Dòng 3 (Khúc Văn Đạt)" in errors.inner_text()
    assert not Volunteer.objects.filter(full_name="Phùng Thị Thuỳ Dương").exists()

    page.get_by_label("Tệp danh sách (.xlsx hoặc .csv)").set_input_files(
        write_roster(tmp_path / "dung.xlsx", [good, fixed])
    )
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    page.wait_for_url(f"**/communes/{commune.code}/roster/")
    assert "2 tình nguyện viên mới" in page.get_by_role("alert").inner_text()

    page.get_by_label("Tìm theo tên hoặc số điện thoại").fill("khuc van dat")
    roster = page.get_by_test_id("roster")
    roster.get_by_text("Khúc Văn Đạt").wait_for()
    page.wait_for_function("document.querySelectorAll('[data-testid=roster] tbody tr').length === 1")
    assert roster.locator("tbody tr").count() == 1
    assert "0352 345 678" in roster.inner_text()
