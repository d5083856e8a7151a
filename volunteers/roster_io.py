"""Roster import and export (.xlsx with openpyxl, or .csv) in one documented column layout.

Every row is checked before anything is written; a file with one bad row writes nothing. A row
matches an existing volunteer of the commune by phone, else by full name and date of birth (else,
with neither given, by a name only one volunteer has), so importing the same file twice creates
no duplicates. See docs/roster-import.md.
"""

import csv
import datetime
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from volunteers.models import Commune, Hamlet, Team, TeamMembership, Volunteer
from volunteers.phones import display_phone, normalize_phone
from volunteers.services import membership_add
from volunteers.text import (
    normalize_name,
    normalize_spaces,
    refuse_control_characters,
    spreadsheet_text,
    strip_diacritics,
)

MAX_ROWS = 5000
# What a roster file may hold, checked before the work: bytes uploaded, bytes once an .xlsx is
# unpacked, parts in it, lines read (volunteers, the header and some blank lines), columns read.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 200
MAX_LINES = MAX_ROWS + 1000
MAX_COLUMNS = 40


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # as written in the template, in Vietnamese
    help: str
    required: bool = False


COLUMNS = [
    Column("full_name", "Họ và tên", gettext_lazy("Full name, e.g. Nguyễn Văn An."), required=True),
    Column("gender", "Giới tính", gettext_lazy("Nam, Nữ or Khác; may be empty.")),
    Column("date_of_birth", "Ngày sinh", gettext_lazy("dd/mm/yyyy, e.g. 09/08/2001; may be empty.")),
    Column("phone", "Số điện thoại", gettext_lazy("Mobile number, e.g. 0912 345 678; may be empty.")),
    Column("email", "Email", gettext_lazy("May be empty.")),
    Column("hamlet", "Thôn/Tổ dân phố", gettext_lazy("Name of a hamlet already on the Hamlets page.")),
    Column("is_union_member", "Đoàn viên", gettext_lazy("Có or Không; empty means Có.")),
    Column("team", "Đội hình", gettext_lazy("Name of a team already on the Teams page; may be empty.")),
    Column("position", "Vị trí", gettext_lazy("Đội trưởng, Đội phó or Thành viên; empty means Thành viên.")),
]
_HEADER_KEYS = {strip_diacritics(column.header): column.key for column in COLUMNS}
_HEADER_KEYS.update({strip_diacritics(column.key.replace("_", " ")): column.key for column in COLUMNS})

_GENDERS = {
    "nam": "male",
    "male": "male",
    "nu": "female",
    "female": "female",
    "khac": "other",
    "other": "other",
}
_YES = {"co", "x", "yes", "1", "true", "dv", "doan vien"}
_NO = {"khong", "no", "0", "false"}
_POSITIONS = {
    "doi truong": TeamMembership.Position.LEADER,
    "leader": TeamMembership.Position.LEADER,
    "team leader": TeamMembership.Position.LEADER,
    "doi pho": TeamMembership.Position.DEPUTY,
    "deputy": TeamMembership.Position.DEPUTY,
    "thanh vien": TeamMembership.Position.MEMBER,
    "member": TeamMembership.Position.MEMBER,
}
_GENDER_LABELS = {"male": "Nam", "female": "Nữ", "other": "Khác"}
_POSITION_LABELS = {"leader": "Đội trưởng", "deputy": "Đội phó", "member": "Thành viên"}


class RosterFileError(Exception):
    """The file as a whole cannot be read (wrong format, no header, too many rows)."""


@dataclass
class RosterRow:
    line: int
    values: dict
    errors: list[str] = field(default_factory=list)
    existing: Volunteer | None = None
    cleaned: dict = field(default_factory=dict)


@dataclass
class ImportReport:
    rows: list[RosterRow]
    created: int = 0
    updated: int = 0

    @property
    def bad_rows(self) -> list[RosterRow]:
        return [row for row in self.rows if row.errors]


# Reading ------------------------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _check_archive(data: bytes) -> None:
    """An .xlsx is a zip: refuse one that would unpack to far more than a roster needs (a "zip
    bomb") before any XML is parsed. The sizes are the archive's own, and Python's zipfile never
    unpacks a member past the size it declares."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise RosterFileError(_("The file is not a valid .xlsx workbook.")) from error
    if len(members) > MAX_ARCHIVE_MEMBERS or sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise RosterFileError(
            _("The workbook unpacks to more than %(size)s MB: far more than a roster needs.")
            % {"size": MAX_UNPACKED_BYTES // (1024 * 1024)}
        )


def _xlsx_lines(data: bytes):
    _check_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # any damage to the file's parts: answered on the page, never a 500
        raise RosterFileError(_("The file is not a valid .xlsx workbook.")) from error
    try:
        if not workbook.worksheets:
            raise RosterFileError(_("The workbook has no sheet."))
        rows = workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS)
        yield from enumerate(rows, start=1)
    except RosterFileError:
        raise
    except Exception as error:
        raise RosterFileError(_("The file is not a valid .xlsx workbook.")) from error
    finally:
        workbook.close()


def _csv_lines(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RosterFileError(
            _("The .csv file is not in UTF-8; save it as “CSV UTF-8” and try again.")
        ) from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for index, row in enumerate(reader, start=1):
            yield index, row[:MAX_COLUMNS]
    except csv.Error as error:
        raise RosterFileError(_("The .csv file cannot be read: %(reason)s") % {"reason": error}) from error


def _read_table(upload) -> list[tuple[int, list]]:
    """The file's lines, read one at a time and given up at MAX_LINES: a file of a million rows
    costs no more than one of MAX_LINES."""
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise RosterFileError(_("The file is larger than 5 MB; split it into several files."))
    lines = _xlsx_lines(data) if upload.name.lower().endswith(".xlsx") else _csv_lines(data)
    table = []
    for index, row in lines:
        if index > MAX_LINES:
            raise RosterFileError(_("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS})
        table.append((index, list(row)))
    return table


def _header_map(header: list) -> dict[int, str]:
    mapping = {}
    for position, cell in enumerate(header):
        key = _HEADER_KEYS.get(strip_diacritics(_cell_text(cell)))
        if key:
            mapping[position] = key
    if "full_name" not in mapping.values():
        raise RosterFileError(
            _("The first row must hold the column names of the template; “%(column)s” was not found.")
            % {"column": COLUMNS[0].header}
        )
    return mapping


def read_roster(upload) -> list[RosterRow]:
    table = _read_table(upload)
    if not table:
        raise RosterFileError(_("The file is empty."))
    mapping = _header_map(table[0][1])
    rows = []
    for line, cells in table[1:]:
        values = {key: "" for key in mapping.values()}
        for position, key in mapping.items():
            if position < len(cells):
                cell = cells[position]
                values[key] = (
                    cell if isinstance(cell, datetime.date | datetime.datetime) else _cell_text(cell)
                )
        if not any(values.values()):
            continue
        rows.append(RosterRow(line=line, values=values))
    if not rows:
        raise RosterFileError(_("The file has no volunteers below its header row."))
    if len(rows) > MAX_ROWS:
        raise RosterFileError(_("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS})
    return rows


# Checking -----------------------------------------------------------------------------------------


def _parse_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError


def _chosen(row: RosterRow, column: str, choices, message: str) -> str:
    """The word the row wrote in `column`, without diacritics; one not among `choices` is an error."""
    word = strip_diacritics(str(row.values.get(column, "")))
    if word and word not in choices:
        row.errors.append(message % {"value": row.values[column]})
    return word


def _named(row: RosterRow, column: str, known: dict, message: str):
    """The hamlet or team the row names in `column` (None if it names none); an unknown name is an error."""
    name = str(row.values.get(column, "")).strip()
    found = known.get(name) if name else None
    if name and found is None:
        row.errors.append(message % {"value": name})
    return found


def _check_row(row: RosterRow, commune: Commune, hamlets: dict, teams: dict) -> None:
    values = row.values
    cleaned = row.cleaned
    for column in COLUMNS:
        try:
            refuse_control_characters(values.get(column.key))
        except ValidationError:
            row.errors.append(
                _("“%(column)s” holds invisible control characters; retype it.") % {"column": column.header}
            )
    name = normalize_name(str(values.get("full_name", "")))
    if len(name.split()) < 2:
        row.errors.append(_("“Họ và tên” must hold the full name (family and given name)."))
    cleaned["full_name"] = name

    gender = _chosen(row, "gender", _GENDERS, _("“Giới tính” must be Nam, Nữ or Khác, not “%(value)s”."))
    cleaned["gender"] = _GENDERS.get(gender, "")

    try:
        birth = _parse_date(values.get("date_of_birth", ""))
    except ValueError:
        birth = None
        row.errors.append(
            _("“Ngày sinh” “%(value)s” is not a date in dd/mm/yyyy.") % {"value": values["date_of_birth"]}
        )
    if birth and not (datetime.date(1920, 1, 1) <= birth <= timezone.localdate()):
        row.errors.append(
            _("“Ngày sinh” %(value)s is not a plausible birth date.") % {"value": f"{birth:%d/%m/%Y}"}
        )
    cleaned["date_of_birth"] = birth

    try:
        cleaned["phone"] = normalize_phone(str(values.get("phone", "")))
    except ValidationError as error:
        cleaned["phone"] = ""
        row.errors.extend(error.messages)

    email = str(values.get("email", "")).strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            row.errors.append(_("“Email” “%(value)s” is not an e-mail address.") % {"value": email})
    cleaned["email"] = email

    cleaned["hamlet"] = _named(
        row,
        "hamlet",
        hamlets,
        _("The hamlet “%(value)s” is not on this commune's list; add it on the Hamlets page first."),
    )

    member = _chosen(
        row, "is_union_member", _YES | _NO, _("“Đoàn viên” must be Có or Không, not “%(value)s”.")
    )
    cleaned["is_union_member"] = member not in _NO

    cleaned["team"] = _named(
        row,
        "team",
        teams,
        _("The team “%(value)s” is not an active team of this commune; add it on the Teams page first."),
    )
    position = _chosen(
        row, "position", _POSITIONS, _("“Vị trí” must be Đội trưởng, Đội phó or Thành viên, not “%(value)s”.")
    )
    cleaned["position"] = _POSITIONS.get(position, TeamMembership.Position.MEMBER)


class _NameIndex:
    """Find a hamlet or team by the name typed in a file: exactly (ignoring case) first, then
    without diacritics, but only when that matches a single one ("Thôn Đông" vs "Thôn Đồng")."""

    def __init__(self, objects):
        self.exact = {}
        self.loose: dict[str, list] = {}
        for item in objects:
            self.exact[normalize_spaces(item.name).lower()] = item
            self.loose.setdefault(strip_diacritics(item.name), []).append(item)

    def get(self, typed: str):
        typed = unicodedata.normalize("NFC", normalize_spaces(typed))
        if typed.lower() in self.exact:
            return self.exact[typed.lower()]
        candidates = self.loose.get(strip_diacritics(typed), [])
        return candidates[0] if len(candidates) == 1 else None


def check_roster(rows: list[RosterRow], commune: Commune) -> list[RosterRow]:
    """Check every row and find the volunteer each one updates; writes nothing."""
    hamlets = _NameIndex(Hamlet.objects.filter(commune=commune, is_active=True))
    teams = _NameIndex(Team.objects.filter(commune=commune, is_active=True))
    existing = list(Volunteer.objects.filter(commune=commune))
    by_phone = {v.phone: v for v in existing if v.phone}
    by_name_birth = {(v.search_name, v.date_of_birth): v for v in existing if v.date_of_birth}
    by_name: dict[str, list[Volunteer]] = {}
    for volunteer in existing:
        by_name.setdefault(volunteer.search_name, []).append(volunteer)
    seen_phones: dict[str, int] = {}
    seen_people: dict[tuple, int] = {}
    for row in rows:
        _check_row(row, commune, hamlets, teams)
        cleaned = row.cleaned
        phone = cleaned["phone"]
        person = (strip_diacritics(cleaned["full_name"]), cleaned["date_of_birth"])
        if phone and phone in seen_phones:
            row.errors.append(
                _("The phone number is also on line %(line)s of this file.") % {"line": seen_phones[phone]}
            )
        if cleaned["date_of_birth"] and person in seen_people:
            row.errors.append(
                _("The same name and birth date are also on line %(line)s of this file.")
                % {"line": seen_people[person]}
            )
        if phone:
            seen_phones.setdefault(phone, row.line)
        if cleaned["date_of_birth"]:
            seen_people.setdefault(person, row.line)
        match = by_phone.get(phone) if phone else None
        if match is None and cleaned["date_of_birth"]:
            match = by_name_birth.get(person)
        if match is None and not phone and not cleaned["date_of_birth"]:
            # Nothing else to go on: the name alone, if exactly one volunteer of the commune has it.
            namesakes = by_name.get(person[0], [])
            match = namesakes[0] if len(namesakes) == 1 else None
        row.existing = match
    return rows


# Writing ------------------------------------------------------------------------------------------


@transaction.atomic
def roster_import(*, commune: Commune, upload) -> ImportReport:
    """Read, check and, only if every row is good, write the roster. Raises RosterFileError."""
    rows = check_roster(read_roster(upload), commune)
    report = ImportReport(rows=rows)
    if report.bad_rows:
        return report
    for row in rows:
        cleaned = row.cleaned
        volunteer = row.existing or Volunteer(commune=commune)
        volunteer.full_name = cleaned["full_name"]
        for key in ("gender", "date_of_birth", "phone", "email", "hamlet"):
            if cleaned[key] or volunteer.pk is None:
                setattr(volunteer, key, cleaned[key])
        volunteer.is_union_member = cleaned["is_union_member"]
        if volunteer.pk is None:
            report.created += 1
        else:
            report.updated += 1
        volunteer.save()
        if cleaned["team"] is not None:
            membership_add(team=cleaned["team"], volunteer=volunteer, position=cleaned["position"])
    return report


# Template and export ------------------------------------------------------------------------------


def _header_row(sheet) -> None:
    sheet.append([column.header for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHI", (28, 10, 12, 16, 26, 22, 10, 34, 12), strict=True):
        sheet.column_dimensions[letter].width = width


def roster_template_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    _header_row(sheet)
    guide = workbook.create_sheet("Hướng dẫn")
    guide.append([_("Column"), _("Required"), _("What to write")])
    for column in COLUMNS:
        guide.append([column.header, _("yes") if column.required else _("no"), str(column.help)])
    guide.column_dimensions["A"].width = 20
    guide.column_dimensions["C"].width = 70
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def roster_template_csv() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([column.header for column in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def roster_export_xlsx(volunteers) -> bytes:
    """The roster in the import layout, so an exported file can be edited and imported back."""
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = "Danh sách"
    _header_row(sheet)
    for volunteer in volunteers:
        memberships = getattr(volunteer, "current_memberships", [])
        first = memberships[0] if memberships else None
        sheet.append(
            [
                spreadsheet_text(volunteer.full_name),
                _GENDER_LABELS.get(volunteer.gender, ""),
                volunteer.date_of_birth,
                display_phone(volunteer.phone),
                spreadsheet_text(volunteer.email),
                spreadsheet_text(volunteer.hamlet.name if volunteer.hamlet else ""),
                "Có" if volunteer.is_union_member else "Không",
                spreadsheet_text(first.team.name if first else ""),
                _POSITION_LABELS.get(first.position, "") if first else "",
            ]
        )
        sheet.cell(row=sheet.max_row, column=3).number_format = "DD/MM/YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
