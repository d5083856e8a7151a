"""The headline figures in one table: their order, what the screens and the report filed upward
call them, how each is written and which list of shifts or records stands behind it. The
dashboard, the province overview and the spreadsheet exports all read this table."""

from dataclasses import dataclass
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class HeadlineFigure:
    key: str  # the attribute of reports.selectors.Headline
    label: Promise  # on screen, short
    report_label: Promise  # in the report filed upward: the union's wording, with its unit
    unit: Literal["count", "hours", "percent"]
    listed_in: Literal["sessions", "records"]  # the dashboard's figure links to this list …
    filters: str = ""  # … narrowed by these query parameters


HEADLINES = (
    HeadlineFigure(
        "sessions_held", _("Shifts held"), _("Shifts and help sessions held"), "count", "sessions"
    ),
    HeadlineFigure("volunteer_turns", _("Volunteer-turns"), _("Volunteer-turns"), "count", "sessions"),
    HeadlineFigure("volunteer_hours", _("Volunteer hours"), _("Volunteer hours"), "hours", "sessions"),
    HeadlineFigure("citizen_turns", _("Citizen-turns"), _("Citizen-turns"), "count", "records"),
    HeadlineFigure(
        "vneid_activations",
        _("VNeID level-2 activations"),
        _("VNeID level-2 activations"),
        "count",
        "records",
        "&service=vneid_level2&outcome=done",
    ),
    HeadlineFigure(
        "online_filings",
        _("Online filings"),
        _("Online public-service filings"),
        "count",
        "records",
        "&service=file_online&outcome=done",
    ),
    HeadlineFigure(
        "done_share",
        _("Help completed"),
        _("Share of help completed (%)"),
        "percent",
        "records",
        "&outcome=done",
    ),
    HeadlineFigure(
        "senior_share",
        _("Aged 60 and over (of ages recorded)"),
        _("Share of citizens aged 60 and over (%)"),
        "percent",
        "records",
        "&age_band=60_plus",
    ),
)
HEADLINE_KEYS = [figure.key for figure in HEADLINES]
BY_KEY = {figure.key: figure for figure in HEADLINES}
