"""The monthly report as a Word document (.docx, with python-docx) in the layout of Vietnamese
administrative documents (Decree 30/2020/NĐ-CP): the issuing body and the number on the left, the
organisation's name and the place and date on the right, the title, the body, the recipients and
the signature. The figures are the dashboard's own (reports.selectors.dashboard), labelled as the
spreadsheet report labels them (reports/headlines.py)."""

import functools
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from reports.headlines import BY_KEY
from reports.periods import Period
from reports.selectors import dashboard
from volunteers.models import Commune

FONT = "Times New Roman"
PLACE_PREFIXES = ("Phường ", "Xã ", "Đặc khu ", "Thị trấn ")


@dataclass(frozen=True)
class ReportTexts:
    """What the secretary writes before generating: the document's number and three short parts."""

    number: str = ""
    highlights: str = ""
    difficulties: str = ""
    plans: str = ""
    signer: str = ""


def place_name(commune: Commune) -> str:
    """ "Phường Vĩnh Phúc" is dated from "Vĩnh Phúc"."""
    for prefix in PLACE_PREFIXES:
        if commune.name.startswith(prefix):
            return commune.name[len(prefix) :]
    return commune.name


def _in_vietnamese(build):
    @functools.wraps(build)
    def in_vietnamese(*args, **kwargs):
        with translation.override("vi"):
            return build(*args, **kwargs)

    return in_vietnamese


def _paragraph(
    container, text="", *, bold=False, italic=False, size=13, align=None, underline=False, after=0
):
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        run.font.size = Pt(size)
    return paragraph


def _cell_lines(cell, lines):
    """Lines of (text, bold, italic, underline) centred in a header cell."""
    cell.paragraphs[0].text = ""
    first = True
    for text, bold, italic, underline in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        run.font.size = Pt(13)


def _table(document, header, rows):
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].add_run(str(text)).bold = True
    for row in rows:
        cells = table.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, row, strict=True)):
            cell.paragraphs[0].add_run(_number(value))
            if index:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _paragraph(document)
    return table


def _number(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", "\u00a0").replace(".", ",").replace("\u00a0", ".")
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


def _signed(delta) -> str:
    if delta is None:
        return "—"
    return ("+" if delta > 0 else "") + _number(delta)


@_in_vietnamese
def monthly_report_docx(*, commune: Commune, period: Period, texts: ReportTexts, output) -> None:
    board = dashboard(period, commune=commune)
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)

    today = timezone.localdate()
    header = document.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    _cell_lines(
        left,
        [
            (f"BCH ĐOÀN {commune.province.name.upper()}", False, False, False),
            (f"BCH ĐOÀN {commune.name.upper()}", True, False, False),
            ("***", False, False, False),
            (f"Số: {texts.number or '…'}-BC/ĐTN", False, False, False),
        ],
    )
    _cell_lines(
        right,
        [
            ("ĐOÀN TNCS HỒ CHÍ MINH", True, False, True),
            ("", False, False, False),
            (
                f"{place_name(commune)}, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}",
                False,
                True,
                False,
            ),
        ],
    )
    _paragraph(document)
    _paragraph(document, "BÁO CÁO", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    if period.is_month:
        subject = _("Results of digital-transformation support, month %(period)s") % {
            "period": period.label()
        }
    else:
        subject = _("Results of digital-transformation support, year %(period)s") % {"period": period.label()}
    _paragraph(document, subject, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "-----", align=WD_ALIGN_PARAGRAPH.CENTER, after=6)

    _paragraph(document, _("I. RESULTS"), bold=True, after=3)
    _paragraph(document, _("1. Overall results"), bold=True, after=3)
    _table(
        document,
        [_("Figure"), period.label(), _("Compared with the previous period")],
        [(str(BY_KEY[c.key].report_label), c.current, _signed(c.delta)) for c in board.changes],
    )
    citizens = pgettext("export column", "Citizen-turns")
    volunteers = pgettext("export column", "Volunteer-turns")
    _paragraph(document, _("2. By service"), bold=True, after=3)
    _table(
        document,
        [_("Service category / service"), citizens],
        [
            (f"{row['service'].category.name_vi} · {row['service'].name_vi}", row["citizens"])
            for row in board.by_service
        ],
    )
    _paragraph(document, _("3. By team"), bold=True, after=3)
    _table(
        document,
        [_("Team"), citizens, volunteers],
        [
            (row["team"].name if row["team"] else _("No team"), row["citizens"], row["volunteer_turns"])
            for row in board.by_team
        ],
    )
    for title, text in (
        (_("II. HIGHLIGHTS"), texts.highlights),
        (_("III. DIFFICULTIES"), texts.difficulties),
        (_("IV. NEXT MONTH'S PLAN"), texts.plans),
    ):
        _paragraph(document, title, bold=True, after=3)
        for line in (text or "…").splitlines() or ["…"]:
            _paragraph(document, line, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=3)

    _paragraph(document)
    closing = document.add_table(rows=1, cols=2)
    recipients, signature = closing.rows[0].cells
    recipients.paragraphs[0].add_run(_("Recipients:")).bold = True
    for line in (
        _("- The Youth Union of the level above (to report);"),
        _("- The Party committee and People's Committee of %(commune)s (to report);")
        % {"commune": commune.name},
        _("- Archive."),
    ):
        run = recipients.add_paragraph().add_run(line)
        run.font.size = Pt(11)
    _cell_lines(
        signature,
        [
            ("TM. BAN CHẤP HÀNH", True, False, False),
            ("BÍ THƯ", True, False, False),
            ("", False, False, False),
            ("", False, False, False),
            ("", False, False, False),
            (texts.signer, True, False, False),
        ],
    )
    document.core_properties.title = f"{subject} · {commune.name}"
    document.save(output)
