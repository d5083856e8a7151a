"""URL converters. Ids in addresses are at most 18 digits: a longer number cannot be a row's id
(PostgreSQL's bigint) and would fail in the database instead of answering 404."""

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "id")
