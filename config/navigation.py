"""The main menu. Each entry is shown only when the access module says the user may use it."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


# (label, url name, predicate on the user); predicates come from the one access module.
def _entries():
    from access import scope as access

    return [
        (_("Home"), "home", lambda user: True),
        (_("My shifts"), "sessions:my_shifts", access.is_volunteer),
        (_("My record"), "reports:my_record", access.is_volunteer),
        (_("My teams"), "sessions:my_teams", access.is_team_leader),
        (_("Communes and wards"), "volunteers:unit_list", access.may_open_units),
        (_("Province overview"), "reports:my_province_overview", access.is_province_officer),
        (_("Province campaigns"), "sessions:my_province_campaigns", access.is_province_officer),
    ]


def navigation_for(user, current_path: str) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    items = []
    for label, url_name, allowed in _entries():
        if allowed(user):
            url = reverse(url_name)
            active = current_path == url if url == "/" else current_path.startswith(url)
            items.append(NavItem(label=label, url=url, active=active))
    return items
