"""Roster uploads are bounded before the work: huge row counts stop early, archives that unpack to
far more than a roster are refused unread, and any damaged workbook or CSV is answered on the
import page with a reason. Nothing is written in any of these cases."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

HEADER = ["Họ và tên", "Giới tính"]
OUTSIDE_RELATIONSHIP = (
    b'<?xml version="1.0"?><Relationships '
    b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="../../../etc/passwd" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    b"</Relationships>"
)
BAD_NUMBER_FORMAT = (
    b'<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<numFmts count="1"><numFmt numFmtId="200" formatCode="[[[["/></numFmts>'
    b'<cellXfs count="1"><xf numFmtId="200"/></cellXfs></styleSheet>'
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def good_workbook() -> dict[str, bytes]:
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(["Hoàng Thị Mai", "Nữ"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zipped(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def sheet_of(rows: int) -> bytes:
    body = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>Người {n} Thử</t></is></c></row>'
        for n in range(2, rows + 2)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c></row>'
        f"{body}</sheetData></worksheet>"
    ).encode()


def post(client, world, content: bytes, name="danh-sach.xlsx"):
    url = reverse("volunteers:roster_import", kwargs={"code": world["commune"].code})
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


@pytest.fixture
def importing(client_as, world):
    client = client_as("secretary")
    before = Volunteer.objects.count()

    def send(content: bytes, name="danh-sach.xlsx") -> str:
        response = post(client, world, content, name)
        assert response.status_code == 400  # the import page again, with the reason
        assert Volunteer.objects.count() == before
        return response.content.decode()

    return send


def test_a_small_workbook_of_many_rows_stops_at_the_limit(importing):
    parts = good_workbook()
    parts["xl/worksheets/sheet1.xml"] = sheet_of(20_000)
    content = zipped(parts)
    assert len(content) < 300_000  # small to upload
    assert "Tệp có hơn 5000 dòng" in importing(content)


def test_a_workbook_that_unpacks_to_far_more_than_a_roster_is_refused_unread(importing):
    parts = good_workbook()
    parts["xl/worksheets/sheet1.xml"] = sheet_of(5) + b" " * (60 * 1024 * 1024)
    content = zipped(parts)
    assert len(content) < 1_000_000
    assert "khi giải nén lớn hơn 40 MB" in importing(content)


def test_a_csv_of_300_000_lines_stops_at_the_limit(importing):
    content = ("Họ và tên\n" + "Người Thử\n" * 300_000).encode()
    assert len(content) < 5 * 1024 * 1024
    page = importing(content, name="danh-sach.csv")
    assert "Tệp có hơn 5000 dòng" in page


@pytest.mark.parametrize(
    ("part", "damage"),
    [
        ("xl/workbook.xml", b"<workbook><broken"),
        ("[Content_Types].xml", b"<Types><Override"),
        ("xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row><c"),
        ("xl/_rels/workbook.xml.rels", OUTSIDE_RELATIONSHIP),
    ],
)
def test_a_damaged_workbook_is_answered_with_a_reason(importing, part, damage):
    parts = good_workbook()
    parts[part] = damage
    page = importing(zipped(parts))
    assert "không phải bảng tính .xlsx hợp lệ" in page or "không có trang tính" in page


def test_a_bad_number_format_is_no_500(client_as, world):
    parts = good_workbook()
    parts["xl/styles.xml"] = BAD_NUMBER_FORMAT
    response = post(client_as("secretary"), world, zipped(parts))
    assert response.status_code in {302, 400}  # names need no number format: imported, or a reason


def test_a_shared_string_out_of_range_or_no_sheet_is_answered_with_a_reason(importing):
    parts = good_workbook()
    parts["xl/worksheets/sheet1.xml"] = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="s"><v>99999</v></c></row></sheetData></worksheet>'
    )
    assert "không phải bảng tính .xlsx hợp lệ" in importing(zipped(parts))
    parts = good_workbook()
    parts["xl/workbook.xml"] = (
        b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheets/></workbook>"
    )
    page = importing(zipped(parts))
    assert "không phải bảng tính .xlsx hợp lệ" in page or "không có trang tính" in page


def test_a_file_that_is_not_a_zip_named_xlsx_is_answered_with_a_reason(importing):
    assert "không phải bảng tính .xlsx hợp lệ" in importing(b"PK\x03\x04 not really a zip")


def test_an_upload_far_too_large_is_refused_before_it_is_read(client_as, world):
    url = reverse("volunteers:roster_import", kwargs={"code": world["commune"].code})
    response = client_as("secretary").post(
        url, b"x" * 100, content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=str(500 * 1024 * 1024)
    )
    assert response.status_code == 413
    assert "quá lớn" in response.content.decode()
