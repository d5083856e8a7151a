"""Walk every URL of the app as every role and check the answer against the access table of docs/product.md.

Each view declares its action with access.decorators.require (or mark_public / mark_signed_in);
a URL whose view declares nothing fails here, so new URLs are covered without editing this file.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = [
    "anonymous",
    "no_role",
    "volunteer",
    "team_leader",
    "secretary",
    "other_secretary",
    "commune_leader",
    "province_officer",
    "other_province_officer",
]
SIGNED_IN = set(ROLES) - {"anonymous"}

# Who may do each action on commune A and its objects (docs/product.md, "Access").
ALLOWED = {
    "public": set(ROLES),
    "signed_in": SIGNED_IN,
    "commune.manage": {"secretary"},
    "commune.read_roster": {"secretary", "province_officer"},
    "commune.read_reports": {"secretary", "commune_leader", "province_officer"},
    "team.view": {"secretary", "province_officer", "team_leader"},
    "team.manage": {"secretary"},
    # The world's shift belongs to the team_leader's team; volunteer is signed up and recorded on it.
    "session.view": {"secretary", "commune_leader", "province_officer", "team_leader", "volunteer"},
    "session.manage": {"secretary"},
    "session.attendance": {"secretary", "team_leader"},
    "session.record": {"secretary", "team_leader", "volunteer"},
    "session.signup": {"volunteer", "team_leader"},
    "record.change": {"secretary", "team_leader", "volunteer"},
    "province.manage_campaigns": {"province_officer"},
    "province.read_reports": {"province_officer"},
    "export.own": {"secretary"},  # the world's export was asked for by the secretary
}


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def all_urls():
    return sorted({name: pattern for name, pattern in _walk(get_resolver().url_patterns)}.items())


URLS = all_urls()


def test_every_view_declares_its_access_rule():
    undeclared = [
        name for name, pattern in URLS if getattr(pattern.callback, "access_action", None) not in ALLOWED
    ]
    assert undeclared == [], "declare access with access.decorators.require / mark_public / mark_signed_in"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "pattern"), URLS, ids=[name for name, _ in URLS])
def test_every_url_as_every_role(client_as, world, name, pattern, role):
    action = pattern.callback.access_action
    keywords = set(pattern.pattern.regex.groupindex)
    missing = keywords - set(world["url_kwargs"])
    assert not missing, f"give the world fixture a value for {missing}"
    url = reverse(name, kwargs={key: world["url_kwargs"][key] for key in keywords})
    client = client_as(role)
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    status = response.status_code
    assert status < 500
    if role in ALLOWED[action]:
        assert status in {200, 302, 400}, f"{role} should be let into {url}, got {status}"
        if status == 302 and action != "public":
            assert not response.url.startswith(reverse("login")), f"{role} was sent to sign in from {url}"
    elif role == "anonymous":
        assert status == 302 and response.url.startswith(reverse("login")), (
            f"anonymous reached {url}: {status}"
        )
    else:
        assert status in {403, 404}, f"{role} should be refused {url}, got {status}"


@pytest.mark.parametrize("role", sorted(SIGNED_IN))
def test_admin_is_for_the_superuser_only(client_as, role):
    response = client_as(role).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_another_communes_secretary_sees_nothing_of_this_commune(client_as, world):
    client = client_as("other_secretary")
    for path in [
        reverse("volunteers:roster", kwargs={"code": world["commune"].code}),
        reverse(
            "volunteers:volunteer_detail",
            kwargs={"code": world["commune"].code, "volunteer_id": world["member"].pk},
        ),
        reverse(
            "volunteers:team_detail", kwargs={"code": world["commune"].code, "team_id": world["team"].pk}
        ),
    ]:
        response = client.get(path)
        assert response.status_code == 404
        assert world["member"].full_name not in response.content.decode()


def test_an_object_of_another_commune_is_not_reachable_through_ones_own(client_as, world):
    from tests.factories import VolunteerFactory

    stranger = VolunteerFactory(commune=world["other_commune"])
    response = client_as("secretary").get(
        reverse(
            "volunteers:volunteer_edit", kwargs={"code": world["commune"].code, "volunteer_id": stranger.pk}
        )
    )
    assert response.status_code == 404


def test_province_officer_reads_rosters_but_changes_nothing(client_as, world):
    client = client_as("province_officer")
    roster = client.get(reverse("volunteers:roster", kwargs={"code": world["commune"].code}))
    assert roster.status_code == 200
    assert "Lê Thị Ánh" in roster.content.decode()
    assert "Thêm tình nguyện viên" not in roster.content.decode()
    response = client.post(
        reverse(
            "volunteers:volunteer_retire",
            kwargs={"code": world["commune"].code, "volunteer_id": world["member"].pk},
        )
    )
    assert response.status_code == 403
    world["member"].refresh_from_db()
    assert world["member"].is_active


def test_menu_shows_only_what_the_role_may_use(client_as, world):
    assert "Xã, phường" in client_as("secretary").get("/").content.decode()
    assert "Xã, phường" not in client_as("volunteer").get("/").content.decode()
    assert "Ca trực của tôi" in client_as("volunteer").get("/").content.decode()
    sessions_page = client_as("commune_leader").get(
        reverse("sessions:session_list", kwargs={"code": world["commune"].code})
    )
    assert "Ca trực" in sessions_page.content.decode()
    assert "Nhập danh sách" not in sessions_page.content.decode()
    assert "/roster/" not in sessions_page.content.decode()
