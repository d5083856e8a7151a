"""A user signs in with a demo account in Chromium, sees Vietnamese, switches to English, signs out."""

import pytest
from django.core.management import call_command

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_account_signs_in_switches_language_and_signs_out(page, taxonomy):
    call_command("seed_demo", verbosity=0)
    from sessions.management.commands.seed_demo import DEMO_PASSWORD

    sign_in(page, "admin", DEMO_PASSWORD)
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", name="Xin chào").is_visible()

    page.get_by_test_id("language-en").click()
    page.wait_for_selector("html[lang=en]")
    assert page.get_by_role("heading", name="Hello").is_visible()

    page.get_by_test_id("account-menu").click()
    page.get_by_test_id("sign-out").click()
    page.wait_for_url("**/accounts/login/")
    assert page.get_by_role("heading", name="Sign in").is_visible()
