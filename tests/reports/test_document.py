"""The monthly report as a .docx ready to sign, read back with python-docx: the commune, the month,
the administrative layout and the dashboard's figures."""

import io

import docx
import pytest
from django.urls import reverse
from django.utils import timezone

from reports.periods import Period
from reports.selectors import dashboard

pytestmark = pytest.mark.django_db


def text_of(document) -> str:
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def rows_of(document) -> dict:
    found = {}
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text for cell in row.cells]
            found.setdefault(cells[0], cells[1:])
    return found


def test_the_secretary_adds_lines_and_downloads_the_month_as_a_document(client_as, world, august):
    client = client_as("secretary")
    url = (
        reverse("reports:commune_report_document", kwargs={"code": world["commune"].code}) + "?period=2025-08"
    )
    dashboard_page = client.get(
        reverse("reports:dashboard", kwargs={"code": world["commune"].code}) + "?period=2025-08"
    ).content.decode()
    assert url.replace("&", "&amp;") in dashboard_page or url in dashboard_page
    form = client.get(url).content.decode()
    assert "Báo cáo 08/2025 của Phường Thử A, sẵn sàng để ký" in form
    response = client.post(
        url,
        {
            "number": "12",
            "highlights": "Tuần cao điểm đổi thẻ đảng viên.\nĐội hình dịch vụ công trực đủ ca.",
            "difficulties": "Sóng yếu ở tổ 3.",
            "plans": "Kích hoạt VNeID cho người cao tuổi.",
            "signer": "Nguyễn Văn An",
        },
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('filename="bao-cao-phuong-thu-a-2025-08.docx"')
    document = docx.Document(io.BytesIO(b"".join(response.streaming_content)))
    text = text_of(document)
    assert "BCH ĐOÀN PHƯỜNG THỬ A" in text
    assert "ĐOÀN TNCS HỒ CHÍ MINH" in text
    assert "Số: 12-BC/ĐTN" in text
    today = timezone.localdate()
    assert f"Thử A, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}" in text
    assert "BÁO CÁO" in text and "Kết quả hỗ trợ chuyển đổi số tháng 08/2025" in text
    assert "Tuần cao điểm đổi thẻ đảng viên." in text and "Sóng yếu ở tổ 3." in text
    assert "Nơi nhận:" in text and "TM. BAN CHẤP HÀNH" in text and "Nguyễn Văn An" in text

    board = dashboard(Period(2025, 8), commune=world["commune"])
    rows = rows_of(document)
    assert rows["Lượt người dân được hỗ trợ"][0] == str(board.headline.citizen_turns) == "39"
    assert rows["Tài khoản VNeID mức 2 được kích hoạt"][0] == "3"
    assert rows["Giờ tình nguyện"][0] == "14,0"
    assert rows["Đảng viên · Đổi thẻ đảng viên"] == ["20"]
    assert rows[world["team"].name][0] == "38"


def test_control_characters_are_refused_with_a_message(client_as, world):
    url = (
        reverse("reports:commune_report_document", kwargs={"code": world["commune"].code}) + "?period=2025-08"
    )
    client = client_as("secretary")
    response = client.post(url, {"highlights": "ok\x07"})
    assert response.status_code == 200
    assert "Hãy xóa các ký tự điều khiển vô hình" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    response = client.post(url, {"difficulties": "ok\x00"})
    assert response["Content-Type"].startswith("text/html")  # refused with a message, not a file
    assert "invalid-feedback" in response.content.decode()


def test_another_communes_secretary_cannot_make_it(client_as, world):
    url = reverse("reports:commune_report_document", kwargs={"code": world["commune"].code})
    assert client_as("other_secretary").post(url, {"number": "1"}).status_code == 404
    assert client_as("volunteer").get(url).status_code in {403, 404}
