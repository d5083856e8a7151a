"""The province overview: busiest first, totals first, the idle ones counted and filterable; and
names of hamlets and teams in Vietnamese order on every database."""

import pytest
from django.urls import reverse

from tests import factories as f
from volunteers.models import Hamlet, in_vietnamese_order
from volunteers.text import collation_key

pytestmark = pytest.mark.django_db


def _overview(client, world, query=""):
    url = reverse("reports:province_overview", kwargs={"province_code": world["province"].code})
    return client.get(url + "?period=2025-08" + query).content.decode()


def test_busiest_first_totals_first_and_idle_units_counted(client_as, world, august):
    f.CommuneFactory(province=world["province"], name="An Bình")  # first by name, idle
    page = _overview(client_as("province_officer"), world)
    table = page.split('data-testid="overview"')[1]
    # The only active unit first, then the idle ones by name.
    assert table.index("Phường Thử A") < table.index("An Bình") < table.index("Xã Thử B")
    assert page.index('data-testid="totals"') < page.index('data-testid="overview"')
    assert "2 đơn vị không có hoạt động" in page


def test_the_idle_filter_lists_only_idle_units(client_as, world, august):
    page = _overview(client_as("province_officer"), world, "&show=idle")
    table = page.split('data-testid="overview"')[1]
    assert "Xã Thử B" in table and "Phường Thử A" not in table


def test_names_starting_with_d_stroke_sort_after_d(world):
    for name in ["Đồng Tâm", "Eo Gió", "Dương Nội", "Tổ 10", "Tổ 2", "An Khánh"]:
        Hamlet.objects.create(commune=world["commune"], name=name)
    names = [hamlet.name for hamlet in in_vietnamese_order(Hamlet.objects.filter(commune=world["commune"]))]
    assert names == ["An Khánh", "Dương Nội", "Đồng Tâm", "Eo Gió", "Tổ 2", "Tổ 10", "Tổ dân phố số 1"]
    assert names == sorted(names, key=collation_key)


def test_the_province_page_lists_the_units_with_no_secretary_yet(client_as, world):
    page = client_as("province_officer").get(
        reverse("reports:province_overview", kwargs={"province_code": world["province"].code})
    )
    assert 'data-testid="without-secretary"' not in page.content.decode()  # both units have one
    from tests.factories import CommuneFactory

    bare = CommuneFactory(province=world["province"], name="Xã Chưa Có Ai")
    text = (
        client_as("province_officer")
        .get(reverse("reports:province_overview", kwargs={"province_code": world["province"].code}))
        .content.decode()
    )
    listed = text[text.index('data-testid="without-secretary"') :].split("</details>")[0]
    assert f'Xã Chưa Có Ai <span class="small text-body-secondary">({bare.code:05d})</span>' in listed
