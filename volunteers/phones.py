"""Vietnamese mobile numbers: validated with `phonenumbers`, stored E.164, shown 0912 345 678."""

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
