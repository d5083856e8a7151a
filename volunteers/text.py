"""Vietnamese text helpers: the sort order of names, and search keys without diacritics."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Letters in Vietnamese alphabetical order; f, j, w, z come from foreign names and sit where
# the Latin alphabet puts them.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {letter: index + 1 for index, letter in enumerate(ALPHABET)}
# Tones in the order Vietnamese dictionaries use: level, grave, hook, tilde, acute, dot below.
_TONE_MARKS = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Marks that make a different letter rather than a tone.
_SHAPE_MARKS = {"\u0306", "\u0302", "\u031b"}

_GIVEN_WIDTH, _FAMILY_WIDTH, _MIDDLE_WIDTH = 12, 10, 24


def _letters_and_tones(word: str) -> tuple[list[int], list[int]]:
    letters: list[int] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", word.lower()):
        if char in _TONE_MARKS:
            if tones:
                tones[-1] = max(tones[-1], _TONE_MARKS[char])
            continue
        if char in _SHAPE_MARKS and letters:
            base = ALPHABET[letters[-1] - 1] if letters[-1] <= len(ALPHABET) else ""
            shaped = unicodedata.normalize("NFC", base + char)
            if shaped in _RANK:
                letters[-1] = _RANK[shaped]
            continue
        if unicodedata.category(char) == "Mn":
            continue
        letters.append(_RANK.get(char, len(ALPHABET) + 1 + min(ord(char), 600) % 600))
        tones.append(0)
    return letters, tones


def _encode(numbers: list[int], width: int) -> str:
    # Two lowercase letters per position, padded with the lowest code, so that the key sorts
    # the same under any database collation.
    padded = (numbers + [0] * width)[:width]
    return "".join(chr(97 + n // 26) + chr(97 + n % 26) for n in padded)


def split_name(full_name: str) -> tuple[str, str, str]:
    """(family, middle, given) of "Nguyễn Thị Minh Khai" is ("Nguyễn", "Thị Minh", "Khai")."""
    words = full_name.split()
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


def name_sort_key(full_name: str) -> str:
    """Order by given name, then family name, then middle name; in each, letters first, then tones."""
    family, middle, given = split_name(normalize_spaces(full_name))
    parts = []
    for word, width in ((given, _GIVEN_WIDTH), (family, _FAMILY_WIDTH), (middle, _MIDDLE_WIDTH)):
        letters, tones = _letters_and_tones(word)
        parts.append(_encode(letters, width) + _encode(tones, width))
    return "".join(parts)


def strip_diacritics(text: str) -> str:
    """ "Nguyễn Văn Đức" becomes "nguyen van duc": the key for searching without diacritics."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return normalize_spaces("".join(c for c in decomposed if unicodedata.category(c) != "Mn"))


def normalize_spaces(text: str) -> str:
    return " ".join(text.split())


def normalize_name(text: str) -> str:
    """Trim, join spaces and capitalise each word, as names are written: "nguyễn văn an" → "Nguyễn Văn An"."""
    return " ".join(
        word[:1].upper() + word[1:].lower() for word in unicodedata.normalize("NFC", text).split()
    )


# Characters that a spreadsheet takes as the start of a formula, and control characters that the
# .xlsx format cannot hold (tab, line feed and carriage return it can).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_UNWRITABLE = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32)])


def spreadsheet_text(value) -> str:
    """Typed text as a cell of any spreadsheet or CSV the app writes: never a formula (=, +, -, @
    would run in Excel or LibreOffice), never a character that breaks the file. The one rule for
    every export."""
    text = "" if value is None else str(value).translate(_UNWRITABLE)
    return "'" + text if text.startswith(_FORMULA_START) else text


_CONTROL = {chr(code) for code in range(32)} - {"\n", "\r", "\t"} | {"\x7f"}


def refuse_control_characters(value) -> None:
    """A validator for every text field people type into: NUL and other invisible control characters
    are refused (they break exports and documents, and are never meant)."""
    if isinstance(value, str) and any(char in _CONTROL for char in value):
        raise ValidationError(
            _("Remove the invisible control characters from this text."), code="control_characters"
        )


def collation_key(text: str) -> tuple:
    """Vietnamese dictionary order of a place or team name: "Đồng Tâm" after "Dương Nội" and
    before "Eo Gió"; letters first, then tones. Numbers are set aside and then compared by value,
    "Tổ 2" before "Tổ 10" (volunteers.models.VietnameseOrder does the same on PostgreSQL)."""
    number = re.search(r"\d{1,9}", text)
    letters, tones = [], []
    for word in re.sub(r"\d+", "", normalize_spaces(text)).split():
        word_letters, word_tones = _letters_and_tones(word)
        letters.append(tuple(word_letters))
        tones.append(tuple(word_tones))
    return (tuple(letters), int(number[0]) if number else -1, tuple(tones), text)


def collation_compare(first: str, second: str) -> int:
    """The SQLite collation "vi": -1, 0 or 1 as `first` sorts before, with or after `second`."""
    a, b = collation_key(first or ""), collation_key(second or "")
    return (a > b) - (a < b)


def slug_vi(text: str) -> str:
    """A file-name part: "Phường Vĩnh Phúc" → "phuong-vinh-phuc" (đ → d, no diacritics)."""
    return re.sub(r"[^a-z0-9]+", "-", strip_diacritics(text)).strip("-")
