"""Roster import and export: all rows checked first, bad files write nothing, re-imports update."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from volunteers.models import TeamMembership, Volunteer

pytestmark = pytest.mark.django_db

HEADER = [
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Số điện thoại",
    "Email",
    "Thôn/Tổ dân phố",
    "Đoàn viên",
    "Đội hình",
    "Vị trí",
]


def xlsx_file(rows, name="danh-sach.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def good_rows(world):
    return [
        [
            "Hoàng Thị Mai",
            "Nữ",
            datetime.datetime(2002, 3, 14),
            "0987 111 222",
            "mai@example.vn",
            "Tổ dân phố số 1",
            "Có",
            "Đội hình dịch vụ công",
            "Đội phó",
        ],
        ["đặng văn hùng", "nam", "01/12/1999", "0366222333", "", "to dan pho so 1", "Không", "", ""],
        ["Ngô Thị Yến", "", "", "", "", "", "", "", ""],
    ]


def upload(client, world, upload_file):
    url = reverse("volunteers:roster_import", kwargs={"code": world["commune"].code})
    return client.post(url, {"file": upload_file})


def test_a_good_file_imports_every_row(client_as, world):
    before = Volunteer.objects.count()
    response = upload(client_as("secretary"), world, xlsx_file(good_rows(world)))
    assert response.status_code == 302
    assert Volunteer.objects.count() == before + 3
    mai = Volunteer.objects.get(full_name="Hoàng Thị Mai")
    assert (mai.phone, mai.date_of_birth, mai.hamlet) == (
        "+84987111222",
        datetime.date(2002, 3, 14),
        world["hamlet"],
    )
    assert mai.memberships.get().position == TeamMembership.Position.DEPUTY
    hung = Volunteer.objects.get(full_name="Đặng Văn Hùng")
    assert hung.gender == "male" and not hung.is_union_member and hung.hamlet == world["hamlet"]


def test_importing_the_same_file_twice_creates_no_duplicates(client_as, world):
    client = client_as("secretary")
    upload(client, world, xlsx_file(good_rows(world)))
    count = Volunteer.objects.count()
    memberships = TeamMembership.objects.count()
    response = upload(client, world, xlsx_file(good_rows(world)))
    assert response.status_code == 302
    assert Volunteer.objects.count() == count
    assert TeamMembership.objects.count() == memberships
    messages = client.get(response.url).content.decode()
    assert "0 tình nguyện viên mới, 3 được cập nhật" in messages


def test_one_bad_row_writes_nothing_and_names_that_row(client_as, world):
    rows = good_rows(world)
    rows.insert(1, ["Lý Văn Tài", "Nam", "31/02/2001", "0123", "", "Thôn Không Có", "", "", ""])
    before = Volunteer.objects.count()
    response = upload(client_as("secretary"), world, xlsx_file(rows))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Có 1 dòng bị lỗi. Chưa nhập dữ liệu nào" in page
    assert "Dòng 3 (Lý Văn Tài)" in page
    assert "“31/02/2001” không phải ngày" in page
    assert "“0123” không phải số di động Việt Nam" in page
    assert "“Thôn Không Có” chưa có trong danh sách" in page
    assert Volunteer.objects.count() == before


def test_a_phone_twice_in_one_file_is_an_error(client_as, world):
    rows = [["Hoàng Thị Mai", "", "", "0987111222"], ["Hoàng Văn Mạnh", "", "", "0987 111 222"]]
    response = upload(client_as("secretary"), world, xlsx_file(rows))
    assert "Dòng 3" in response.content.decode()
    assert "cũng có ở dòng 2" in response.content.decode()
    assert not Volunteer.objects.filter(full_name__startswith="Hoàng").exists()


def test_a_semicolon_csv_from_excel_imports(client_as, world):
    text = ";".join(HEADER) + "\r\nBùi Thị Lan;Nữ;05/06/2000;0971234567;;;Có;;\r\n"
    response = upload(client_as("secretary"), world, SimpleUploadedFile("ds.csv", text.encode("utf-8-sig")))
    assert response.status_code == 302
    assert Volunteer.objects.get(full_name="Bùi Thị Lan").phone == "+84971234567"


def test_a_csv_not_in_utf8_gets_a_clear_message(client_as, world):
    text = ",".join(HEADER) + "\nBùi Thị Lan,Nữ\n"
    response = upload(client_as("secretary"), world, SimpleUploadedFile("ds.csv", text.encode("utf-16")))
    assert response.status_code == 400
    assert "không ở mã UTF-8" in response.content.decode()


def test_a_file_that_is_not_a_spreadsheet_is_refused(client_as, world):
    response = upload(client_as("secretary"), world, SimpleUploadedFile("ds.xlsx", b"not a workbook"))
    assert response.status_code == 400
    assert "không phải bảng tính .xlsx hợp lệ" in response.content.decode()
    response = upload(client_as("secretary"), world, SimpleUploadedFile("ds.pdf", b"%PDF"))
    assert "Hãy tải lên tệp .xlsx hoặc .csv" in response.content.decode()


def test_the_template_has_the_documented_columns(client_as, world):
    client = client_as("secretary")
    response = client.get(
        reverse("volunteers:roster_template", kwargs={"code": world["commune"].code, "file_format": "xlsx"})
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in workbook.worksheets[0][1]] == HEADER
    assert workbook.sheetnames == ["Danh sách", "Hướng dẫn"]
    empty = upload(client, world, SimpleUploadedFile("mau.xlsx", response.content))
    assert "không có tình nguyện viên nào dưới dòng tiêu đề" in empty.content.decode()


def test_the_export_reimports_without_changes(client_as, world):
    client = client_as("secretary")
    upload(client, world, xlsx_file(good_rows(world)))
    count = Volunteer.objects.count()
    export = client.get(reverse("volunteers:roster_export", kwargs={"code": world["commune"].code}))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).worksheets[0]
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [
        v.full_name for v in Volunteer.objects.filter(commune=world["commune"]).order_by("sort_key")
    ]
    assert any(row[3] == "0987 111 222" for row in sheet.iter_rows(min_row=2, values_only=True))
    response = upload(client, world, SimpleUploadedFile("export.xlsx", export.content))
    assert response.status_code == 302
    assert Volunteer.objects.count() == count


def test_hamlets_differing_only_in_tone_marks_are_told_apart(client_as, world):
    from tests.factories import HamletFactory

    dong = HamletFactory(commune=world["commune"], name="Thôn Đông")
    dong_field = HamletFactory(commune=world["commune"], name="Thôn Đồng")
    rows = [["Hoàng Thị Mai", "", "", "", "", "Thôn Đồng"], ["Hoàng Văn Mạnh", "", "", "", "", "thon dong"]]
    response = upload(client_as("secretary"), world, xlsx_file(rows))
    page = response.content.decode()
    assert "Dòng 3" in page and "“thon dong” chưa có trong danh sách" in page
    assert not Volunteer.objects.filter(full_name="Hoàng Thị Mai").exists()
    upload(client_as("secretary"), world, xlsx_file(rows[:1]))
    assert Volunteer.objects.get(full_name="Hoàng Thị Mai").hamlet == dong_field
    assert dong.volunteers.count() == 0


def test_a_broken_csv_is_refused_without_a_server_error(client_as, world):
    text = ",".join(HEADER) + '\n"' + "x" * 200_000 + '",Nam\n'
    response = upload(client_as("secretary"), world, SimpleUploadedFile("ds.csv", text.encode("utf-8")))
    assert response.status_code == 400
    assert Volunteer.objects.filter(commune=world["commune"]).count() == 2
