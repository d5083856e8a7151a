"""The secretary's screens: volunteers, phone validation, teams, hamlets and invitations."""

import pytest
from django.http import HttpRequest
from django.urls import reverse

from tests.factories import VolunteerFactory
from volunteers.models import Team, TeamMembership, Volunteer

pytestmark = pytest.mark.django_db


def _url(name, world, **kwargs):
    return reverse(f"volunteers:{name}", kwargs={"code": world["commune"].code, **kwargs})


def test_it_adds_a_volunteer_and_stores_the_phone_in_e164(client_as, world):
    client = client_as("secretary")
    response = client.post(
        _url("volunteer_create", world),
        {
            "full_name": "  phạm   thị   hồng ",
            "gender": "female",
            "date_of_birth": "09/08/2001",
            "phone": "0912 345 678",
            "hamlet": world["hamlet"].pk,
            "is_union_member": "on",
        },
    )
    assert response.status_code == 302
    volunteer = Volunteer.objects.get(full_name="Phạm Thị Hồng")
    assert volunteer.phone == "+84912345678"
    assert volunteer.date_of_birth.isoformat() == "2001-08-09"
    page = client.get(response.url).content.decode()
    assert "0912 345 678" in page
    assert "09/08/2001" in page


def test_a_bad_phone_number_is_refused_in_vietnamese_and_nothing_is_saved(client_as, world):
    before = Volunteer.objects.count()
    response = client_as("secretary").post(
        _url("volunteer_create", world), {"full_name": "Phạm Thị Hồng", "phone": "0241 234 567"}
    )
    assert response.status_code == 200
    assert "không phải số di động Việt Nam" in response.content.decode()
    assert Volunteer.objects.count() == before


def test_a_phone_already_in_the_commune_is_refused(client_as, world):
    response = client_as("secretary").post(
        _url("volunteer_create", world), {"full_name": "Phạm Thị Hồng", "phone": world["member"].phone}
    )
    assert "đã thuộc về Lê Thị Ánh" in response.content.decode()


def test_a_team_is_created_given_members_and_retired_keeping_history(client_as, world):
    client = client_as("secretary")
    response = client.post(
        _url("team_create", world), {"name": "Tổ công nghệ số cộng đồng TDP 1", "kind": "community_digital"}
    )
    assert "phải gắn với một thôn" in response.content.decode()
    response = client.post(
        _url("team_create", world),
        {
            "name": "Tổ công nghệ số cộng đồng TDP 1",
            "kind": "community_digital",
            "hamlet": world["hamlet"].pk,
        },
    )
    team = Team.objects.get(name="Tổ công nghệ số cộng đồng TDP 1")
    client.post(
        _url("membership_add", world, team_id=team.pk),
        {"volunteer": world["member"].pk, "position": "leader"},
    )
    assert team.memberships.get().position == TeamMembership.Position.LEADER
    client.post(_url("team_retire", world, team_id=team.pk))
    team.refresh_from_db()
    assert not team.is_active and team.retired_on is not None
    assert team.memberships.get().left_on is not None
    page = client.get(_url("team_detail", world, team_id=team.pk)).content.decode()
    assert "Thành viên trước đây" in page and "Lê Thị Ánh" in page


def test_the_team_leader_sees_the_team_but_not_the_roster(client_as, world):
    client = client_as("team_leader")
    page = client.get(_url("team_detail", world, team_id=world["team"].pk))
    assert page.status_code == 200
    assert "Lê Thị Ánh" in page.content.decode()
    assert "Rời đội" not in page.content.decode()
    assert client.get(_url("roster", world)).status_code == 403


def test_retiring_a_volunteer_keeps_them_listed_as_no_longer_active(client_as, world):
    client = client_as("secretary")
    client.post(_url("volunteer_retire", world, volunteer_id=world["member"].pk), follow=True)
    world["member"].refresh_from_db()
    assert not world["member"].is_active
    assert world["member"].user.is_active is False
    active = client.get(_url("roster", world)).content.decode()
    assert "Lê Thị Ánh" not in active
    retired = client.get(_url("roster", world) + "?status=retired").content.decode()
    assert "Lê Thị Ánh" in retired


def test_roster_filters_by_team_and_hamlet(client_as, world):
    VolunteerFactory(commune=world["commune"], full_name="Đinh Văn Khoa")
    client = client_as("secretary")
    by_team = client.get(_url("roster", world) + f"?team={world['team'].pk}").content.decode()
    assert "Lê Thị Ánh" in by_team and "Đinh Văn Khoa" not in by_team
    by_hamlet = client.get(_url("roster", world) + f"?hamlet={world['hamlet'].pk}").content.decode()
    assert "Trần Văn Bình" in by_hamlet and "Đinh Văn Khoa" not in by_hamlet


def test_an_invitation_gives_a_one_time_link_to_set_a_password(client, client_as, world):
    newcomer = VolunteerFactory(commune=world["commune"], full_name="Vũ Minh Châu", phone="+84987654321")
    secretary = client_as("secretary")
    response = secretary.post(_url("volunteer_invite", world, volunteer_id=newcomer.pk))
    page = secretary.get(response.url).content.decode()
    newcomer.refresh_from_db()
    assert newcomer.user.username == "0987654321"
    link = page.split('data-testid="invite-link"')[1].split('value="')[1].split('"')[0]
    assert "/accounts/set-password/" in link
    # shown once only
    assert "invite-link" not in secretary.get(response.url).content.decode()

    secretary.logout()
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert "0987654321" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "Tinh-nguyen-2025", "new_password2": "Tinh-nguyen-2025"})
    assert client.login(request=HttpRequest(), username="0987654321", password="Tinh-nguyen-2025")
    client.logout()
    reused = client.get(path, follow=True).content.decode()
    assert "không còn hiệu lực" in reused


def test_hamlets_are_added_renamed_and_retired(client_as, world):
    client = client_as("secretary")
    client.post(_url("hamlet_create", world), {"name": "Tổ dân phố số 2", "kind": "residential_group"})
    duplicate = client.post(
        _url("hamlet_create", world), {"name": "tổ dân phố số 2", "kind": "residential_group"}
    )
    assert "đã có thôn/tổ dân phố mang tên này" in duplicate.content.decode()
    assert world["commune"].hamlets.filter(name="Tổ dân phố số 2").count() == 1
    hamlet = world["commune"].hamlets.get(name="Tổ dân phố số 2")
    client.post(_url("hamlet_retire", world, hamlet_id=hamlet.pk))
    hamlet.refresh_from_db()
    assert not hamlet.is_active


def test_a_secretary_cannot_take_over_an_account_with_a_role_or_a_password(client_as, world):
    officer = world["users"]["province_officer"]
    linked = VolunteerFactory(commune=world["commune"], full_name="Hồ Văn Tỉnh", user=officer)
    client = client_as("secretary")
    response = client.post(_url("volunteer_invite", world, volunteer_id=linked.pk), follow=True)
    assert "đã có mật khẩu hoặc có vai trò khác" in response.content.decode()
    assert "invite-link" not in response.content.decode()
    client.post(_url("volunteer_retire", world, volunteer_id=linked.pk))
    officer.refresh_from_db()
    assert officer.is_active  # the officer's account keeps working
    # a volunteer who already set a password gets no new link either
    response = client.post(_url("volunteer_invite", world, volunteer_id=world["member"].pk), follow=True)
    assert "invite-link" not in response.content.decode()


def _invite(client_as, world):
    newcomer = VolunteerFactory(commune=world["commune"], full_name="Vũ Minh Châu", phone="+84987654321")
    secretary = client_as("secretary")
    response = secretary.post(_url("volunteer_invite", world, volunteer_id=newcomer.pk))
    page = secretary.get(response.url).content.decode()
    link = page.split('data-testid="invite-link"')[1].split('value="')[1].split('"')[0]
    secretary.logout()
    newcomer.refresh_from_db()
    return newcomer, link.split("testserver", 1)[1]


def test_setting_the_password_signs_in_and_lands_on_home(client, client_as, world):
    newcomer, path = _invite(client_as, world)
    form_page = client.get(path, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "Tinh-nguyen-2025", "new_password2": "Tinh-nguyen-2025"}
    )
    assert response.status_code == 302 and response.url == "/"
    assert "Vũ Minh Châu" in client.get("/").content.decode()
    assert client.session.get("_auth_user_id") == str(newcomer.user.pk)


def test_an_invitation_stops_working_when_the_account_is_given_a_role(client, client_as, world):
    from volunteers.models import RoleAssignment

    newcomer, path = _invite(client_as, world)
    assert "không còn hiệu lực" not in client.get(path, follow=True).content.decode()
    RoleAssignment.objects.create(
        user=newcomer.user, role=RoleAssignment.Role.COMMUNE_LEADER, commune=world["other_commune"]
    )
    page = client.get(path, follow=True).content.decode()
    assert "không còn hiệu lực" in page
    assert client.post(path.replace(path.rsplit("/", 2)[-2], "set-password"), {}).status_code in {
        200,
        302,
        404,
    }
    newcomer.user.refresh_from_db()
    assert not newcomer.user.has_usable_password()


def test_an_invitation_stops_working_when_the_account_is_switched_off_or_expires(
    client, client_as, world, settings
):
    newcomer, path = _invite(client_as, world)
    newcomer.user.is_active = False
    newcomer.user.save()
    assert "không còn hiệu lực" in client.get(path, follow=True).content.decode()
    newcomer.user.is_active = True
    newcomer.user.save()
    assert "không còn hiệu lực" not in client.get(path, follow=True).content.decode()
    settings.PASSWORD_RESET_TIMEOUT = -1  # three days have passed
    assert "không còn hiệu lực" in client.get(path, follow=True).content.decode()


def test_commune_codes_are_shown_as_codes_in_the_admin(client, world):
    from django.contrib.auth import get_user_model

    from volunteers.models import Commune

    admin = get_user_model().objects.create_superuser("root", "root@example.vn", "x-Admin-2025")
    client.force_login(admin)
    commune = Commune.objects.create(
        code=8782, name="Xã Mã Năm Số", kind="xa", province=world["commune"].province
    )
    page = client.get("/admin/volunteers/commune/?q=08782").content.decode()
    assert "08782" in page and "8.782" not in page and commune.name in page


def test_the_admin_takes_a_person_s_name_in_one_field(client, world):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    client.force_login(User.objects.create_superuser("root", "root@example.vn", "x-Admin-2025"))
    form = client.get("/admin/auth/user/add/").content.decode()
    assert "Họ và tên" in form and 'name="last_name"' not in form
    client.post(
        "/admin/auth/user/add/",
        {
            "username": "linh",
            "first_name": "Lê Khánh Linh",
            "password1": "Linh-2025-mat-khau",
            "password2": "Linh-2025-mat-khau",
            "usable_password": "true",
        },
    )
    assert User.objects.get(username="linh").get_full_name() == "Lê Khánh Linh"


def test_the_admin_speaks_vietnamese(client, db):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("root", "root@example.vn", "x-Admin-2025"))
    index = client.get("/admin/").content.decode()
    for word in ("Lần đăng nhập sai", "Chuyển tới nội dung chính"):
        assert word in index
    for english in ("Access attempts", "Skip to main content", ">Province<", ">Commune<", ">User<"):
        assert english not in index
