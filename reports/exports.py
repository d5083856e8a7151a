"""Building export files: the commune's monthly report, the province overview, record lists.

Rows are streamed (openpyxl write-only workbooks, csv writer, queryset iterators) so that a
province-year export does not hold all records in memory. Each builder takes the user who asked
and checks, through volunteers.access, that the place is within that user's scope.
"""

import csv
import io
import tempfile
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from reports.periods import Period
from reports.selectors import HEADLINE_KEYS, dashboard, province_overview, records_in
from sessions.models import HelpRecord
from volunteers.access import commune_allows, province_allows
from volunteers.models import Commune, Province

# Labels are Vietnamese: the files are filed upward to the union office as they are.
HEADLINE_LABELS = {
    "sessions_held": "Số ca trực, buổi hỗ trợ",
    "volunteer_turns": "Lượt ĐVTN tham gia",
    "volunteer_hours": "Giờ tình nguyện",
    "citizen_turns": "Lượt người dân được hỗ trợ",
    "vneid_activations": "Tài khoản VNeID mức 2 được kích hoạt",
    "online_filings": "Hồ sơ dịch vụ công trực tuyến đã nộp",
    "done_share": "Tỷ lệ hỗ trợ hoàn thành (%)",
    "senior_share": "Tỷ lệ người từ 60 tuổi trở lên (%)",
}
OUTCOMES = {"done": "Hoàn thành", "follow_up": "Cần hỗ trợ tiếp", "not_done": "Không thực hiện được"}

ProgressCallback = Callable[[int], None]


def _bold(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell


def _title(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True, size=14)
    return cell


def _number(value):
    return "" if value is None else value


def commune_report_xlsx(*, user, commune: Commune, period: Period, output, progress: ProgressCallback) -> int:
    if not commune_allows(user, commune, "commune.read_reports"):
        raise PermissionDenied
    board = dashboard(period, commune=commune)
    progress(50)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Báo cáo")
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 16
    sheet.column_dimensions["C"].width = 16
    noun = "tháng" if period.is_month else "năm"
    sheet.append([_title(sheet, f"Báo cáo kết quả hỗ trợ chuyển đổi số {noun} {period.label()}")])
    sheet.append([f"Đơn vị: Đoàn Thanh niên {commune.name}, {commune.province.name}"])
    sheet.append([f"Lập ngày {timezone.localdate():%d/%m/%Y}"])
    sheet.append([])
    sheet.append(
        [_bold(sheet, "I. Kết quả chung"), _bold(sheet, period.label()), _bold(sheet, "So với kỳ trước")]
    )
    for change in board.changes:
        sheet.append([HEADLINE_LABELS[change.key], _number(change.current), _number(change.delta)])
    sheet.append([])
    sheet.append([_bold(sheet, "II. Phụ lục theo dịch vụ")])
    sheet.append([_bold(sheet, "Nhóm dịch vụ / dịch vụ"), _bold(sheet, "Lượt người dân")])
    for row in board.by_service:
        sheet.append([f"{row['service'].category.name_vi} · {row['service'].name_vi}", row["citizens"]])
    sheet.append([])
    sheet.append([_bold(sheet, "III. Phụ lục theo đội hình")])
    sheet.append([_bold(sheet, "Đội hình"), _bold(sheet, "Lượt người dân"), _bold(sheet, "Lượt ĐVTN")])
    for row in board.by_team:
        name = _text(row["team"].name) if row["team"] else "Không thuộc đội hình"
        sheet.append([name, row["citizens"], row["volunteer_turns"]])
    workbook.save(output)
    progress(100)
    return len(board.by_service) + len(board.by_team)


def province_overview_xlsx(
    *, user, province: Province, period: Period, output, progress: ProgressCallback
) -> int:
    if not province_allows(user, province.pk, "province.read_reports"):
        raise PermissionDenied
    rows, totals = province_overview(period, province=province)
    progress(40)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Tổng hợp")
    sheet.column_dimensions["A"].width = 32
    sheet.append([_title(sheet, f"Tổng hợp kết quả hỗ trợ chuyển đổi số {period.label()} · {province.name}")])
    sheet.append([])
    sheet.append(
        [_bold(sheet, "Xã / phường / đặc khu")]
        + [_bold(sheet, HEADLINE_LABELS[key]) for key in HEADLINE_KEYS]
    )
    for index, row in enumerate(rows, start=1):
        sheet.append([row["commune"].name] + [_number(row["headline"].get(key)) for key in HEADLINE_KEYS])
        if index % 20 == 0:
            progress(40 + 55 * index // len(rows))
    sheet.append([_bold(sheet, "Tổng cộng")] + [_number(totals.get(key)) for key in HEADLINE_KEYS])
    workbook.save(output)
    progress(100)
    return len(rows)


RECORD_COLUMNS = [
    "Ngày",
    "Giờ",
    "Xã/phường",
    "Ca trực",
    "Đội hình",
    "Nhóm dịch vụ",
    "Dịch vụ",
    "Số người",
    "Kết quả",
    "Hình thức",
    "Thủ tục",
    "Giới tính",
    "Độ tuổi",
    "Khuyết tật",
    "Thôn/tổ dân phố",
]
# The free-text note stays out of exports: it is where a citizen's name could slip in.


def _text(value) -> str:
    """Typed text as a spreadsheet cell: never a formula (=, +, -, @ would run in Excel)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def _records_for(
    *, user, period: Period, commune: Commune | None, province: Province | None, filters: dict | None
):
    """The records an export lists: of a commune or a province, checked against the user's scope."""
    if commune is not None:
        if not commune_allows(user, commune, "commune.read_reports"):
            raise PermissionDenied
        records = records_in(period, commune=commune)
    else:
        if province is None or not province_allows(user, province.pk, "province.read_reports"):
            raise PermissionDenied
        records = records_in(period, commune__province=province)
    return records.filter(**filters) if filters else records


def _record_rows(records: QuerySet[HelpRecord]):
    values = records.order_by("helped_at", "id").values_list(
        "helped_at",
        "commune__name",
        "session__date",
        "session__starts_at",
        "session__team__name",
        "service__category__name_vi",
        "service__name_vi",
        "citizen_count",
        "outcome",
        "form_of_help",
        "procedure",
        "gender",
        "age_band",
        "has_disability",
        "hamlet__name",
    )
    for (
        helped_at,
        commune,
        day,
        starts,
        team,
        category,
        service,
        count,
        outcome,
        form,
        procedure,
        gender,
        age,
        disability,
        hamlet,
    ) in values.iterator(chunk_size=5000):
        local = timezone.localtime(helped_at)
        yield [
            f"{local:%d/%m/%Y}",
            f"{local:%H:%M}",
            _text(commune),
            f"{day:%d/%m/%Y} {starts:%H:%M}",
            _text(team),
            category,
            service,
            count,
            OUTCOMES.get(outcome, outcome),
            form,
            _text(procedure),
            gender,
            age,
            "có" if disability else "",
            _text(hamlet),
        ]


def records_csv(
    *,
    user,
    period: Period,
    commune: Commune | None = None,
    province: Province | None = None,
    filters: dict | None = None,
    output,
    progress: ProgressCallback,
) -> int:
    """Records of a commune (or of a whole province) in the period, one line each, no personal data."""
    records = _records_for(user=user, period=period, commune=commune, province=province, filters=filters)
    total = records.count() or 1
    text = io.TextIOWrapper(output, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(RECORD_COLUMNS)
    written = 0
    for row in _record_rows(records):
        writer.writerow(row)
        written += 1
        if written % 10000 == 0:
            progress(min(99, 100 * written // total))
    text.flush()
    text.detach()
    progress(100)
    return written


def records_xlsx(
    *,
    user,
    period: Period,
    commune: Commune | None = None,
    province: Province | None = None,
    filters: dict | None = None,
    output,
    progress: ProgressCallback,
) -> int:
    """Records as a workbook with one sheet per month (a year of a province passes a million rows,
    more than one sheet holds). Write-only: rows go to disk as they come."""
    records = _records_for(user=user, period=period, commune=commune, province=province, filters=filters)
    months = period.months_back(12) if not period.is_month else [period]
    workbook = Workbook(write_only=True)
    written = 0
    for index, month in enumerate(months, start=1):
        sheet = workbook.create_sheet(f"Tháng {month.month:02d}-{month.year}")
        sheet.append([_bold(sheet, column) for column in RECORD_COLUMNS])
        for row in _record_rows(records.filter(helped_at__gte=month.start, helped_at__lt=month.end)):
            sheet.append(row)
            written += 1
        progress(round(90 * index / len(months)))
    workbook.save(output)
    progress(100)
    return written


def spooled_file():
    return tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
