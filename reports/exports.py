"""Building export files: the commune's monthly report, the province overview, record lists.

Rows are streamed (openpyxl write-only workbooks, csv writer, queryset iterators) so that a
province-year export does not hold all records in memory. Whether the user who asked may still
read the place is asked of the access layer by the task before a builder runs (reports/tasks.py).
"""

import csv
import functools
import io
import tempfile
from collections.abc import Callable

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from reports.headlines import BY_KEY, HEADLINES
from reports.periods import Period
from reports.selectors import dashboard, province_overview, records_in
from sessions.models import HelpRecord
from volunteers.models import Commune, Province
from volunteers.text import spreadsheet_text

ProgressCallback = Callable[[int], None]
# Column headers of the record lists; the context keeps these short headers apart from the
# longer labels the screens use for the same English words.
RECORD_COLUMNS = (
    gettext_lazy("Date"),
    gettext_lazy("Time"),
    pgettext_lazy("export column", "Commune"),
    gettext_lazy("Shift"),
    gettext_lazy("Team"),
    pgettext_lazy("export column", "Service category"),
    gettext_lazy("Service"),
    pgettext_lazy("export column", "Citizens"),
    gettext_lazy("Outcome"),
    pgettext_lazy("export column", "Form of help"),
    pgettext_lazy("export column", "Procedure"),
    gettext_lazy("Gender"),
    pgettext_lazy("export column", "Age"),
    pgettext_lazy("export column", "Disability"),
    pgettext_lazy("export column", "Hamlet"),
)
# The free-text note stays out of exports: it is where a citizen's name could slip in.


def _in_vietnamese(build):
    """Files are filed upward to the union office as they are, so they are written in Vietnamese
    whatever language the person who asked reads the site in."""

    @functools.wraps(build)
    def in_vietnamese(*args, **kwargs):
        with translation.override("vi"):
            return build(*args, **kwargs)

    return in_vietnamese


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


@_in_vietnamese
def commune_report_xlsx(*, commune: Commune, period: Period, output, progress: ProgressCallback) -> int:
    board = dashboard(period, commune=commune)
    progress(50)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Report"))
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 16
    sheet.column_dimensions["C"].width = 16
    if period.is_month:
        title = _("Report on digital-transformation support, month %(period)s")
    else:
        title = _("Report on digital-transformation support, year %(period)s")
    sheet.append([_title(sheet, title % {"period": period.label()})])
    unit = _("Unit: Youth Union of %(commune)s, %(province)s")
    sheet.append([_text(unit % {"commune": commune.name, "province": commune.province.name})])
    sheet.append([_("Drawn up on %(date)s") % {"date": f"{timezone.localdate():%d/%m/%Y}"}])
    sheet.append([])
    sheet.append(
        [
            _bold(sheet, _("I. Overall results")),
            _bold(sheet, period.label()),
            _bold(sheet, _("Compared with the previous period")),
        ]
    )
    for change in board.changes:
        label = str(BY_KEY[change.key].report_label)
        sheet.append([label, _number(change.current), _number(change.delta)])
    sheet.append([])
    citizens = pgettext("export column", "Citizen-turns")
    volunteers = pgettext("export column", "Volunteer-turns")
    sheet.append([_bold(sheet, _("II. Annex by service"))])
    sheet.append([_bold(sheet, _("Service category / service")), _bold(sheet, citizens)])
    for row in board.by_service:
        sheet.append([f"{row['service'].category.name_vi} · {row['service'].name_vi}", row["citizens"]])
    sheet.append([])
    sheet.append([_bold(sheet, _("III. Annex by team"))])
    sheet.append([_bold(sheet, _("Team")), _bold(sheet, citizens), _bold(sheet, volunteers)])
    for row in board.by_team:
        name = _text(row["team"].name) if row["team"] else _("No team")
        sheet.append([name, row["citizens"], row["volunteer_turns"]])
    workbook.save(output)
    progress(100)
    return len(board.by_service) + len(board.by_team)


@_in_vietnamese
def province_overview_xlsx(*, province: Province, period: Period, output, progress: ProgressCallback) -> int:
    rows, totals = province_overview(period, province=province)
    progress(40)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Overview"))
    sheet.column_dimensions["A"].width = 32
    title = _("Overview of digital-transformation support %(period)s · %(province)s")
    sheet.append([_title(sheet, title % {"period": period.label(), "province": province.name})])
    sheet.append([])
    sheet.append(
        [_bold(sheet, _("Commune / ward / special zone"))]
        + [_bold(sheet, str(figure.report_label)) for figure in HEADLINES]
    )
    for index, row in enumerate(rows, start=1):
        sheet.append([_text(row["commune"].name)] + _headline_cells(row["headline"]))
        if index % 20 == 0:
            progress(40 + 55 * index // len(rows))
    sheet.append([_bold(sheet, _("Total"))] + _headline_cells(totals))
    workbook.save(output)
    progress(100)
    return len(rows)


def _headline_cells(headline) -> list:
    return [_number(headline.get(figure.key)) for figure in HEADLINES]


_text = spreadsheet_text


def _records_for(*, period: Period, commune: Commune | None, province: Province | None, filters: dict | None):
    """The records an export lists: of a commune or a province."""
    if commune is not None:
        records = records_in(period, commune=commune)
    else:
        records = records_in(period, commune__province=province)
    return records.filter(**filters) if filters else records


def _record_export(write):
    """The records exports take the same arguments: the period, a commune or a whole province, and
    filters; `write` gets the records they choose."""

    @_in_vietnamese
    @functools.wraps(write)
    def export(
        *,
        period: Period,
        commune: Commune | None = None,
        province: Province | None = None,
        filters: dict | None = None,
        output,
        progress: ProgressCallback,
    ) -> int:
        records = _records_for(period=period, commune=commune, province=province, filters=filters)
        return write(records, period=period, output=output, progress=progress)

    return export


def _record_header() -> list[str]:
    return [str(column) for column in RECORD_COLUMNS]


def _record_rows(records: QuerySet[HelpRecord]):
    outcomes = {value: capfirst(str(label)) for value, label in HelpRecord.Outcome.choices}
    disability = _("yes")
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
        has_disability,
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
            outcomes.get(outcome, outcome),
            form,
            _text(procedure),
            gender,
            age,
            disability if has_disability else "",
            _text(hamlet),
        ]


@_record_export
def records_csv(records: QuerySet[HelpRecord], *, period: Period, output, progress: ProgressCallback) -> int:
    """Records of a commune (or of a whole province) in the period, one line each, no personal data."""
    total = records.count() or 1
    text = io.TextIOWrapper(output, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(_record_header())
    written = 0
    for row in _record_rows(records):
        writer.writerow(row)
        written += 1
        if written % 1000 == 0:
            progress(min(99, 100 * written // total))
    text.flush()
    text.detach()
    progress(100)
    return written


@_record_export
def records_xlsx(records: QuerySet[HelpRecord], *, period: Period, output, progress: ProgressCallback) -> int:
    """Records as a workbook with one sheet per month (a year of a province passes a million rows,
    more than one sheet holds). Write-only: rows go to disk as they come."""
    months = period.months_back(12) if not period.is_month else [period]
    workbook = Workbook(write_only=True)
    written = 0
    for index, month in enumerate(months, start=1):
        sheet = workbook.create_sheet(_("Month %(month)s") % {"month": f"{month.month:02d}-{month.year}"})
        sheet.append([_bold(sheet, column) for column in _record_header()])
        for row in _record_rows(records.helped_between(month.start, month.end)):
            sheet.append(row)
            written += 1
            if written % 1000 == 0:
                progress(round(90 * (index - 1) / len(months)))  # a sign of life within a month
        progress(round(90 * index / len(months)))
    workbook.save(output)
    progress(100)
    return written


def spooled_file():
    return tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
