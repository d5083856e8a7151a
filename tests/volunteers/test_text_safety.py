"""Text that would run as a formula or break a file: written as plain text in every spreadsheet,
refused with a message when typed, and never able to make an export fail."""

import io
import uuid

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import Export
from reports.tasks import run_export
from volunteers.models import Team, Volunteer
from volunteers.text import spreadsheet_text

pytestmark = pytest.mark.django_db


def roster_sheet(client, world):
    response = client.get(reverse("volunteers:roster_export", kwargs={"code": world["commune"].code}))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_a_name_or_email_starting_like_a_formula_is_exported_as_text(client_as, world):
    Volunteer.objects.filter(pk=world["member"].pk).update(
        full_name='=HYPERLINK("http://evil.example","Bấm")', email="@cmd@example.vn"
    )
    sheet = roster_sheet(client_as("secretary"), world)
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    assert '\'=HYPERLINK("http://evil.example","Bấm")' in cells
    assert cells['\'=HYPERLINK("http://evil.example","Bấm")'].data_type == "s"  # text, not a formula
    assert "'@cmd@example.vn" in cells


def test_control_characters_already_stored_never_break_an_export(client_as, world):
    Volunteer.objects.filter(pk=world["member"].pk).update(full_name="Lê Thị\x07 Ánh")
    Team.objects.filter(pk=world["team"].pk).update(name="Đội hình\x0b dịch vụ công")
    sheet = roster_sheet(client_as("secretary"), world)
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert "Lê Thị Ánh" in names
    export = Export.objects.create(
        user=world["users"]["secretary"],
        kind=Export.Kind.COMMUNE_REPORT,
        params={"commune": world["commune"].code, "period": "2025-08"},
    )
    run_export(export.pk)
    export.refresh_from_db()
    assert export.status == "done"


def test_the_one_rule_for_cells():
    assert spreadsheet_text("=1+1") == "'=1+1"
    assert spreadsheet_text("+84912345678") == "'+84912345678"
    assert spreadsheet_text("Nguyễn\x00 Văn\x1f A") == "Nguyễn Văn A"
    assert spreadsheet_text("dòng 1\ndòng 2") == "dòng 1\ndòng 2"
    assert spreadsheet_text(None) == ""


def test_a_typed_name_with_control_characters_is_refused_with_a_message(client_as, world):
    before = Volunteer.objects.count()
    response = client_as("secretary").post(
        reverse("volunteers:volunteer_create", kwargs={"code": world["commune"].code}),
        {"full_name": "Trần\x07 Văn Bảy", "gender": "male", "phone": "0912 000 111", "is_union_member": "on"},
    )
    assert response.status_code == 200
    assert "Hãy xóa các ký tự điều khiển vô hình khỏi đoạn văn này." in response.content.decode()
    assert Volunteer.objects.count() == before


def test_an_imported_row_with_control_characters_is_named_and_nothing_is_written(client_as, world):
    before = Volunteer.objects.count()
    csv_text = "Họ và tên,Giới tính\nHoàng Thị Mai,Nữ\nNgô\x07 Thị Yến,Nữ\n"
    upload = SimpleUploadedFile(f"{uuid.uuid4()}.csv", csv_text.encode("utf-8"))
    response = client_as("secretary").post(
        reverse("volunteers:roster_import", kwargs={"code": world["commune"].code}), {"file": upload}
    )
    page = response.content.decode()
    assert "“Họ và tên” có ký tự điều khiển vô hình; hãy gõ lại." in page
    assert "3" in page  # the line of the bad row
    assert Volunteer.objects.count() == before
