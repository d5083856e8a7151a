"""The tabs of a commune's pages, showing only those the user's role may open."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from access.rules import allows

register = template.Library()

TABS = [
    ("dashboard", _("Dashboard"), "reports:dashboard", "commune.read_reports"),
    ("roster", _("Volunteers"), "volunteers:roster", "commune.read_roster"),
    ("teams", _("Teams"), "volunteers:team_list", "commune.read_roster"),
    ("hamlets", _("Hamlets"), "volunteers:hamlet_list", "commune.read_roster"),
    ("sessions", _("Shifts"), "sessions:session_list", "commune.read_reports"),
    ("campaigns", _("Campaigns"), "sessions:campaign_list", "commune.read_reports"),
    ("import", _("Import roster"), "volunteers:roster_import", "commune.manage"),
]


def tabs_for(user, commune) -> list[dict]:
    return [
        {"key": key, "label": label, "url": reverse(url_name, kwargs={"code": commune.code})}
        for key, label, url_name, action in TABS
        if allows(user, commune, action)
    ]


@register.inclusion_tag("volunteers/_commune_tabs.html", takes_context=True)
def commune_tabs(context, commune, active=""):
    return {"commune": commune, "tabs": tabs_for(context["request"].user, commune), "active": active}
