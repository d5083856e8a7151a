"""Codes of the services that figures single out (seeded by migration 0002, see docs/product.md),
and the procedures suggested when a citizen files one online."""

from django.utils.translation import gettext_lazy as _

VNEID_LEVEL2 = "vneid_level2"
FILE_ONLINE = "file_online"

# Suggestions for "which procedure" when a citizen files one online (docs/product.md); the field stays
# free text. Shown in the user's language: Vietnamese in the catalogue.
PROCEDURE_SUGGESTIONS = [
    _("Birth registration"),
    _("Permanent residence registration"),
    _("Temporary residence registration"),
    _("Marital status certificate"),
    _("Driving licence renewal"),
    _("Health insurance card reissue"),
    _("Marriage registration"),
    _("Death registration"),
    _("Criminal record certificate"),
]
