"""The Content-Security-Policy allows what the pages need and nothing inline: no violation is
reported in Chromium on the main pages of the three journeys."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions import services
from sessions.models import HelpSession
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.csp, pytest.mark.django_db(transaction=True)]

WATCH = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def visit(page, path, problems):
    page.goto(page.base_url + path)
    page.wait_for_load_state("networkidle")
    problems += [f"{path}: {v}" for v in page.evaluate("window.cspViolations")]


def watched(page):
    problems = []
    page.add_init_script(WATCH)
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    return problems


def test_no_policy_violation_on_the_volunteers_pages(phone_page, world, password):
    shift = HelpSession.objects.create(
        commune=world["commune"],
        team=world["team"],
        place_kind="one_stop_desk",
        date=timezone.localdate(),
        starts_at=datetime.time(0, 0),
        ends_at=datetime.time(23, 59),
    )
    services.signup(session=shift, volunteer=world["member"])
    problems = watched(phone_page)
    visit(phone_page, "/accounts/login/", problems)
    sign_in(phone_page, "volunteer", password)
    record = reverse("sessions:record_page", args=[shift.commune_id, shift.pk])
    for path in ("/", reverse("sessions:my_shifts"), reverse("sessions:my_calendar"), record):
        visit(phone_page, path, problems)
    phone_page.get_by_role("button", name="Cài đặt ứng dụng VNeID").click()
    phone_page.wait_for_function(
        "() => document.querySelector('[data-testid=pending]').dataset.count === '0'"
    )
    assert phone_page.get_by_test_id("my-total").inner_text() == "1"
    problems += phone_page.evaluate("window.cspViolations")
    assert problems == []


def test_no_policy_violation_on_the_secretarys_and_leaders_pages(page, world, password, august):
    problems = watched(page)
    code = world["commune"].code
    session = world["session"]
    sign_in(page, "secretary", password)
    for path in (
        reverse("volunteers:roster", kwargs={"code": code}),
        reverse("sessions:session_list", kwargs={"code": code}),
        reverse("sessions:session_detail", kwargs={"code": code, "session_id": session.pk}),
        reverse("sessions:session_attendance", kwargs={"code": code, "session_id": session.pk}),
        reverse("sessions:session_qr", kwargs={"code": code, "session_id": session.pk}),
        reverse("reports:dashboard", kwargs={"code": code}) + "?period=2025-08",
    ):
        visit(page, path, problems)
    page.context.clear_cookies()
    sign_in(page, "province_officer", password)
    visit(
        page, reverse("reports:province_overview", kwargs={"province_code": world["province"].code}), problems
    )
    assert problems == []
