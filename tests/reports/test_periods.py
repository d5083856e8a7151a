"""The period box reads what people type, says what it understood, and refuses the rest."""

import pytest
from django.urls import reverse

from reports.periods import Period

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("08/2025", Period(2025, 8)),
        ("8/2025", Period(2025, 8)),
        ("2025-08", Period(2025, 8)),
        ("2025", Period(2025)),
        ("tháng 8/2025", Period(2025, 8)),
        ("Tháng 8 / 2025", Period(2025, 8)),
        ("thang 8-2025", Period(2025, 8)),
        ("năm 2024", Period(2024)),
    ],
)
def test_each_way_of_typing_a_period_is_understood(typed, expected):
    assert Period.read(typed) == (expected, "")


@pytest.mark.parametrize("typed", ["abc", "13/2025", "0/2025", "2025-13", "1999", "8/25", "08.2025x"])
def test_anything_else_is_refused_with_a_message(typed):
    period, error = Period.read(typed)
    assert period == Period.current()
    assert "không phải là tháng hay năm" in error


def test_a_future_month_or_year_is_refused():
    current = Period.current()
    for typed in (current.following().label(), str(current.year + 1)):
        period, error = Period.read(typed)
        assert period == current
        assert "chưa tới" in error


def test_nothing_typed_is_this_month():
    assert Period.read("") == (Period.current(), "")


def test_the_dashboard_shows_the_month_typed_the_vietnamese_way(client_as, world, august):
    client = client_as("commune_leader")
    url = reverse("reports:dashboard", kwargs={"code": world["commune"].code})
    page = client.get(url, {"period": "08/2025"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Đang xem tháng 08/2025 (01/08/2025–31/08/2025)." in text
    assert page.context["board"].headline.get("citizen_turns") == 39


def test_the_dashboard_refuses_a_bad_period_and_says_so(client_as, world):
    client = client_as("commune_leader")
    url = reverse("reports:dashboard", kwargs={"code": world["commune"].code})
    page = client.get(url, {"period": "tháng tám"})
    assert page.status_code == 400
    text = page.content.decode()
    assert "không phải là tháng hay năm" in text
    assert f"Đang xem tháng {Period.current().label()}" in text


def test_the_dashboard_never_steps_into_the_future(client_as, world):
    client = client_as("commune_leader")
    url = reverse("reports:dashboard", kwargs={"code": world["commune"].code})
    page = client.get(url)
    following = Period.current().following()
    assert f"?period={following.key()}" not in page.content.decode()
    page = client.get(url, {"period": following.key()})
    assert page.status_code == 400
    assert "chưa tới" in page.content.decode()


def test_the_province_overview_reads_the_same_way(client_as, world):
    client = client_as("province_officer")
    url = reverse("reports:province_overview", kwargs={"province_code": world["province"].code})
    page = client.get(url, {"period": "tháng 8/2025"})
    assert page.status_code == 200
    assert "Đang xem tháng 08/2025" in page.content.decode()


def test_the_records_page_states_its_filters_and_lets_them_be_removed(client_as, world, august):
    client = client_as("commune_leader")
    url = reverse("reports:record_list", kwargs={"code": world["commune"].code})
    page = client.get(url, {"period": "2025-08", "team": world["team"].pk, "outcome": "done"})
    text = page.content.decode()
    assert "Đang lọc theo:" in text
    stated = text.split("Đang lọc theo:")[1].split("Bỏ tất cả bộ lọc")[0]
    assert f"{world['team'].name} <span" in stated
    assert "Bỏ tất cả bộ lọc" in text
    # Removing the team keeps the outcome; clearing keeps only the period.
    described = page.context["described"]
    without_team = [link for _label, value, link in described if value == world["team"].name][0]
    assert "team=" not in without_team and "outcome=done" in without_team
    assert page.context["clear_url"] == "?period=2025-08"
    unfiltered = client.get(url, {"period": "2025-08"}).content.decode()
    assert "Tất cả lượt ghi nhận trong kỳ, không lọc." in unfiltered
