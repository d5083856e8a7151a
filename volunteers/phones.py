"""Vietnamese mobile numbers: validated with `phonenumbers`, stored E.164, shown 0912 345 678."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def normalize_phone(raw: str) -> str:
    """Return the E.164 form (+84912345678) of a Vietnamese mobile number, or raise ValidationError."""
    text = (raw or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("“%(value)s” is not a phone number. Enter 10 digits, for example 0912 345 678."),
            code="invalid_phone",
            params={"value": text},
        ) from None
    if (
        number.country_code != 84
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _MOBILE_TYPES
    ):
        raise ValidationError(
            _(
                "“%(value)s” is not a Vietnamese mobile number: it needs 10 digits starting with "
                "03, 05, 07, 08 or 09, for example 0912 345 678."
            ),
            code="invalid_phone",
            params={"value": text},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """+84912345678 is shown as 0912 345 678."""
    if not e164:
        return ""
    if e164.startswith("+84") and len(e164) == 12:
        national = "0" + e164[3:]
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    return e164


# A citizen's identity card number: 12 digits (CCCD) or 9 (the old CMND), perhaps grouped.
_DIGIT_RUNS = re.compile(r"\d(?:[ .\-]?\d)+")
IDENTITY_DIGITS = (9, 12)


def citizen_identity_in(text: str) -> list[str]:
    """The parts of `text` that look like a citizen's ID number or phone number."""
    found = [
        match.group()
        for match in _DIGIT_RUNS.finditer(text or "")
        if sum(char.isdigit() for char in match.group()) in IDENTITY_DIGITS
    ]
    found += [match.raw_string for match in phonenumbers.PhoneNumberMatcher(text or "", "VN")]
    return found


def refuse_citizen_identity(value) -> None:
    """A validator for free text about the help given: no citizen's ID number or phone in it."""
    if isinstance(value, str) and citizen_identity_in(value):
        raise ValidationError(
            _(
                "Do not write a citizen's ID number or phone number here: personal data is not kept "
                "in notes. Describe the help without them."
            ),
            code="citizen_identity",
        )


def redact_citizen_identity(text: str, mark: str = "[đã xóa]") -> str:
    for part in sorted(set(citizen_identity_in(text)), key=len, reverse=True):
        text = text.replace(part, mark)
    return text
