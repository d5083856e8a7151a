"""At 360×740 every page of the three journeys (a volunteer recording, a secretary planning and
marking attendance, leaders reading figures) fits the screen: no element wider than the viewport,
no table cell outside it; and axe-core finds no serious or critical accessibility violation."""

from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const hidden = (el) => el.closest(
    'thead, [hidden], .visually-hidden, .dropdown-menu, .collapse:not(.show)');
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (!box.width || hidden(el)) continue;
    if (box.right > width + 1 || box.left < -1) {
      const name = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')}`;
      wide.push(`${name} ${Math.round(box.left)}–${Math.round(box.right)}`);
    }
  }
  return {width, scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 10)};
}"""

CELLS_OUTSIDE = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('td, th')]
    .filter((cell) => !cell.closest('thead') && cell.getBoundingClientRect().width)
    .filter((cell) => cell.getBoundingClientRect().right > width + 1)
    .map((cell) => cell.textContent.trim().slice(0, 30)).slice(0, 10);
}"""


def _check(page, path: str, status: int = 200) -> None:
    response = page.goto(page.base_url + path)
    assert response.status == status, f"{path}: {response.status}"
    fit = page.evaluate(OVERFLOW)
    assert fit["scrollWidth"] <= fit["width"] and not fit["wide"], f"{path} is wider than the phone: {fit}"
    outside = page.evaluate(CELLS_OUTSIDE)
    assert not outside, f"{path}: table cells outside the screen: {outside}"
    assert page.locator("h1").count() == 1, f"{path}: {page.locator('h1').count()} h1"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    serious = [
        f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes'][:3]]}"
        for v in result
        if v["impact"] in {"serious", "critical"}
    ]
    assert not serious, f"{path}: axe-core: {serious}"


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        # axe-core is injected as a script tag, which the site's policy (rightly) forbids.
        bypass_csp=True,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def _shift(world, name):
    return reverse(
        f"sessions:{name}", kwargs={"code": world["commune"].code, "session_id": world["session"].pk}
    )


def test_the_volunteers_pages_fit_a_phone(phone, world, password):
    _check(phone, reverse("login"))
    sign_in(phone, "volunteer", password)
    for path in [
        "/",
        reverse("sessions:my_shifts"),
        _shift(world, "session_detail"),
        _shift(world, "record_page"),
        reverse("reports:my_record"),
    ]:
        _check(phone, path)


def test_the_secretarys_pages_fit_a_phone(phone, world, password):
    code = world["commune"].code
    sign_in(phone, "secretary", password)
    for path in [
        "/",
        reverse("sessions:session_list", kwargs={"code": code}),
        reverse("sessions:session_list", kwargs={"code": code}) + "?view=calendar",
        reverse("sessions:session_create", kwargs={"code": code}),
        reverse("sessions:session_batch", kwargs={"code": code}),
        _shift(world, "session_detail"),
        _shift(world, "session_attendance"),
        _shift(world, "session_close"),
        _shift(world, "session_cancel"),
        _shift(world, "session_records"),
        reverse("volunteers:roster", kwargs={"code": code}),
        reverse("volunteers:team_list", kwargs={"code": code}),
        reverse("volunteers:hamlet_list", kwargs={"code": code}),
    ]:
        _check(phone, path)


def test_the_leaders_pages_fit_a_phone(phone, world, password):
    code = world["commune"].code
    sign_in(phone, "commune_leader", password)
    for path in [
        "/",
        reverse("reports:dashboard", kwargs={"code": code}),
        reverse("reports:record_list", kwargs={"code": code}) + f"?team={world['team'].pk}",
    ]:
        _check(phone, path)
    # A period that cannot be read: refused with a message, the page still fits.
    _check(phone, reverse("reports:dashboard", kwargs={"code": code}) + "?period=tháng+13", status=400)
    assert "không phải là tháng hay năm" in phone.get_by_test_id("period-error").inner_text()
    phone.context.clear_cookies()
    sign_in(phone, "province_officer", password)
    _check(phone, reverse("reports:province_overview", kwargs={"province_code": world["province"].code}))
