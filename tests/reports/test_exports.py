"""Exports: the monthly report carries the dashboard's figures; files go only to who asked."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from reports.models import Export
from reports.periods import Period
from reports.selectors import dashboard

pytestmark = pytest.mark.django_db


@pytest.fixture
def ask(django_capture_on_commit_callbacks, monkeypatch):
    """POST an export request and run what it queues after commit (the task, in-process; the
    worker-on-Redis path is tested in test_worker_export.py)."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)

    def post(client, name, data=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            url = reverse(f"reports:{name}", kwargs=kwargs)
            response = client.post(url, {"period": "2025-08", **(data or {})})
        assert response.status_code == 302
        return Export.objects.latest("created_at")

    return post


def download(client, export):
    response = client.get(reverse("reports:export_download", kwargs={"export_id": export.pk}))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_monthly_report_has_the_dashboards_figures(client_as, world, august, ask):
    client = client_as("commune_leader")
    export = ask(client, "commune_report_export", code=world["commune"].code)
    export.refresh_from_db()
    assert export.status == "done" and export.filename == "bao-cao-phuong-thu-a-2025-08.xlsx"
    status_page = client.get(
        reverse("reports:export_status", kwargs={"export_id": export.pk})
    ).content.decode()
    assert "Tệp đã sẵn sàng." in status_page
    sheet = openpyxl.load_workbook(io.BytesIO(download(client, export))).active
    rows = [row for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Báo cáo kết quả hỗ trợ chuyển đổi số tháng 08/2025"
    figures = {row[0]: row[1] for row in rows if row and row[0]}
    board = dashboard(Period(2025, 8), commune=world["commune"])
    assert figures["Lượt người dân được hỗ trợ"] == board.headline.citizen_turns == 39
    assert figures["Tài khoản VNeID mức 2 được kích hoạt"] == board.headline.vneid_activations == 3
    assert figures["Giờ tình nguyện"] == board.headline.volunteer_hours == 14.0
    assert figures["Tỷ lệ hỗ trợ hoàn thành (%)"] == board.headline.done_share
    assert figures["Đảng viên · Đổi thẻ đảng viên"] == 20
    assert figures[world["team"].name] == 38


def test_the_records_csv_lists_every_live_record_without_personal_data(client_as, world, august, ask):
    client = client_as("secretary")
    export = ask(client, "commune_records_export", code=world["commune"].code)
    text = download(client, export).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Ngày", "Giờ", "Xã/phường"]
    assert len(rows) == 1 + 9
    assert sum(int(row[7]) for row in rows[1:]) == 39
    assert "31/08/2025" in {row[0] for row in rows[1:]}


def test_only_the_user_who_asked_can_download(client_as, world, august, ask):
    export = ask(client_as("secretary"), "commune_report_export", code=world["commune"].code)
    for role in ["commune_leader", "province_officer", "other_secretary"]:
        response = client_as(role).get(reverse("reports:export_download", kwargs={"export_id": export.pk}))
        assert response.status_code == 404


def test_a_user_whose_scope_changed_can_no_longer_download(client_as, world, august, ask):
    export = ask(client_as("secretary"), "commune_report_export", code=world["commune"].code)
    world["users"]["secretary"].role_assignments.all().delete()
    response = client_as("secretary").get(reverse("reports:export_download", kwargs={"export_id": export.pk}))
    assert response.status_code == 404


def test_the_province_overview_export(client_as, world, august, ask):
    client = client_as("province_officer")
    export = ask(client, "province_overview_export", province_code=world["province"].code)
    sheet = openpyxl.load_workbook(io.BytesIO(download(client, export))).active
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert rows["Phường Thử A"][4] == 39
    assert rows["Tổng cộng"][4] == 39


def test_typed_text_never_becomes_a_formula_and_notes_stay_out(client_as, world, august, ask):
    from sessions.models import HelpRecord

    HelpRecord.objects.filter(commune=world["commune"]).update(
        procedure='=HYPERLINK("http://evil.example","x")', note="Bà Nguyễn Thị Nga, 0912345678"
    )
    client = client_as("secretary")
    text = download(client, ask(client, "commune_records_export", code=world["commune"].code)).decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK" in text
    assert "Nguyễn Thị Nga" not in text and "0912345678" not in text


def test_files_go_upward_in_vietnamese_whatever_language_the_asker_reads(client_as, world, august, ask):
    client = client_as("province_officer")
    client.cookies["django_language"] = "en"
    export = ask(client, "province_records_export", {"format": "xlsx"}, province_code=world["province"].code)
    workbook = openpyxl.load_workbook(io.BytesIO(download(client, export)))
    assert workbook.sheetnames == ["Tháng 08-2025"]
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Ngày", "Giờ", "Xã/phường") and rows[0][-1] == "Thôn/tổ dân phố"
    assert len(rows) == 1 + 9
    assert {row[8] for row in rows[1:]} >= {"Hoàn thành"}
