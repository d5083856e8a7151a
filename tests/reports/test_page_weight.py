"""The dashboard stays light on a phone: under 300 KB transferred with everything it loads."""

import gzip
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_dashboard_with_its_assets_is_under_300_kb_compressed(client_as, world, august):
    html = (
        client_as("commune_leader")
        .get(reverse("reports:dashboard", kwargs={"code": world["commune"].code}) + "?period=2025-08")
        .content
    )
    total = len(gzip.compress(html))
    assets = re.findall(rb'(?:href|src)="/static/([^"]+)"', html)
    assert assets, "the page loads its styles and scripts from the app"
    for asset in assets:
        path = finders.find(asset.decode())
        assert path, f"{asset} is served by the app"
        total += len(gzip.compress(Path(path).read_bytes()))
    assert b"cdn" not in html.lower()
    assert total < 300 * 1024, f"{total / 1024:.0f} KB"
