"""Reporting periods: a calendar month or year in Asia/Ho_Chi_Minh time."""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

# "08/2025", "8/2025", "8-2025", "tháng 8/2025", "thang 8 2025", "T8/2025"
_MONTH_YEAR = re.compile(r"^(?:th[aáà]ng|t)?\s*(\d{1,2})\s*[/\-. ]\s*(\d{4})$")
# "2025-08", "2025/8"
_YEAR_MONTH = re.compile(r"^(\d{4})\s*[/\-.]\s*(\d{1,2})$")
# "2025", "năm 2025"
_YEAR = re.compile(r"^(?:n[aăâ]m)?\s*(\d{4})$")


def day_start(day: datetime.date) -> datetime.datetime:
    """The first instant of a calendar day in Vietnam, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class Period:
    year: int
    month: int | None = None  # None: the whole year

    @classmethod
    def parse(cls, text: str | None, *, default: "Period | None" = None) -> "Period":
        """ "2025-08" is August 2025, "2025" the year; anything else falls back to this month."""
        text = (text or "").strip()
        try:
            if len(text) == 4 and text.isascii() and text.isdigit():
                year = int(text)
                return cls(year) if 2000 <= year <= 2100 else default or cls.current()
            year, month = (int(part) for part in text.split("-"))
            if 2000 <= year <= 2100 and 1 <= month <= 12:
                return cls(year, month)
        except (ValueError, OverflowError):
            pass
        return default or cls.current()

    @classmethod
    def read(cls, text: str | None) -> "tuple[Period, str]":
        """What people type: 08/2025, 8/2025, 2025-08, 2025, "tháng 8/2025".

        Returns the period understood and an error message ("" when understood). Empty text is
        this month; text that is not a period, or a period after this month, gives this month and
        a message saying why, so that a page never shows another month than the one it names.
        """
        current = cls.current()
        text = " ".join(unicodedata.normalize("NFC", text or "").strip().lower().split())
        if not text:
            return current, ""
        year = month = None
        if match := _MONTH_YEAR.match(text):
            month, year = int(match[1]), int(match[2])
        elif match := _YEAR_MONTH.match(text):
            year, month = int(match[1]), int(match[2])
        elif match := _YEAR.match(text):
            year = int(match[1])
        if year is None or not 2000 <= year <= 2100 or (month is not None and not 1 <= month <= 12):
            return current, _(
                "“%(text)s” is not a month or a year. Type a month like 08/2025 or a year like 2025."
            ) % {"text": text[:40]}
        period = cls(year, month)
        if period.first_day > current.first_day:
            message = _("%(period)s has not come yet; this month is shown.")
            return current, message % {"period": period.label()}
        return period, ""

    @property
    def is_current_or_later(self) -> bool:
        return self.following().first_day > timezone.localdate()

    @classmethod
    def current(cls) -> "Period":
        return cls.containing(timezone.localdate())

    @classmethod
    def containing(cls, when: datetime.date | datetime.datetime) -> "Period":
        """The month of a day, or of an instant in Vietnam time."""
        if isinstance(when, datetime.datetime):
            when = timezone.localtime(when).date()
        return cls(when.year, when.month)

    @property
    def is_month(self) -> bool:
        return self.month is not None

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month or 1, 1)

    @property
    def next_first_day(self) -> datetime.date:
        if self.month is None:
            return datetime.date(self.year + 1, 1, 1)
        return datetime.date(self.year + (self.month == 12), self.month % 12 + 1, 1)

    @property
    def last_day(self) -> datetime.date:
        return self.next_first_day - datetime.timedelta(days=1)

    @property
    def start(self) -> datetime.datetime:
        """The first instant of the period in Vietnam, as an aware datetime."""
        return day_start(self.first_day)

    @property
    def end(self) -> datetime.datetime:
        """The first instant after the period."""
        return day_start(self.next_first_day)

    def previous(self) -> "Period":
        if self.month is None:
            return Period(self.year - 1)
        return Period(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def following(self) -> "Period":
        if self.month is None:
            return Period(self.year + 1)
        return Period(self.year + (self.month == 12), self.month % 12 + 1)

    @property
    def first_day_text(self) -> str:
        return f"{self.first_day:%d/%m/%Y}"

    @property
    def last_day_text(self) -> str:
        return f"{self.last_day:%d/%m/%Y}"

    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}" if self.month else f"{self.year:04d}"

    def label(self) -> str:
        return f"{self.month:02d}/{self.year}" if self.month else str(self.year)

    def months_back(self, count: int) -> list["Period"]:
        """The `count` months ending with this one (or with December of this year)."""
        last = self if self.month else Period(self.year, 12)
        months = [last]
        while len(months) < count:
            months.append(months[-1].previous())
        return list(reversed(months))

    def months(self) -> list["Period"]:
        """The months this period covers: itself, or the twelve of its year."""
        return [self] if self.month else [Period(self.year, month) for month in range(1, 13)]
