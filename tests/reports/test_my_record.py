"""A volunteer's own record, and the certificate of hours anyone can check by its code."""

import pytest
from django.urls import reverse

from reports.models import Certificate

pytestmark = pytest.mark.django_db


def test_my_record_per_month_and_in_total(client, world, august):
    a = august["people"][0]
    a.user = world["users"]["no_role"]
    a.save()
    client.force_login(world["users"]["no_role"])
    page = client.get(reverse("reports:my_record")).content.decode()
    # July 19:00–23:00 and August 07:00–11:00: two shifts, 8 hours, 2 citizens on 01/08
    assert 'data-testid="total-shifts">2<' in page
    assert 'data-testid="total-hours">8<' in page
    assert 'data-testid="total-citizens">2<' in page
    assert "08/2025" in page and "07/2025" in page


def test_a_certificate_freezes_the_hours_and_anyone_can_check_it(client, world, august):
    a = august["people"][0]
    a.user = world["users"]["no_role"]
    a.save()
    client.force_login(world["users"]["no_role"])
    response = client.post(
        reverse("reports:my_record"), {"first_day": "01/07/2025", "last_day": "31/08/2025"}
    )
    certificate = Certificate.objects.get(volunteer=a)
    assert response.url == reverse("reports:certificate", kwargs={"certificate_code": certificate.code})
    assert (certificate.shifts, certificate.hours, certificate.citizen_turns) == (2, 8.0, 2)
    client.logout()
    public = client.get(
        reverse("reports:certificate_lookup") + f"?code={certificate.code.lower()}", follow=True
    )
    html = public.content.decode()
    assert "GIẤY XÁC NHẬN THAM GIA HOẠT ĐỘNG TÌNH NGUYỆN" in html and "Đinh Thị Thu" in html
    assert 'data-testid="certificate-hours">8<' in html
    assert (
        client.get(reverse("reports:certificate", kwargs={"certificate_code": "KHONGCO"})).status_code == 404
    )


def test_a_certificate_for_days_to_come_is_refused(client, world, august):
    august["people"][0].user = world["users"]["no_role"]
    august["people"][0].save()
    client.force_login(world["users"]["no_role"])
    response = client.post(
        reverse("reports:my_record"), {"first_day": "01/07/2025", "last_day": "31/12/2030"}
    )
    assert response.status_code == 400
    assert "chỉ tính những ngày đã qua" in response.content.decode()
    assert not Certificate.objects.filter(volunteer=august["people"][0]).exists()
