"""Sign-in throttling (django-axes): one account attacked from one address locks there, with a
Vietnamese page; others behind the same address, and the account elsewhere, still sign in; the
administrator unlocks it."""

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


def attempt(client, username, password, address="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return client.get(reverse("home")).status_code == 200


def test_five_wrong_passwords_lock_the_account_from_that_address(client, make_user, password, settings):
    make_user("lan")
    for _try in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, "lan", "wrong-password")
        assert response.status_code == 200 and "Sai tên đăng nhập hoặc mật khẩu" in response.content.decode()
    locked = attempt(client, "lan", "wrong-password")
    assert locked.status_code == 429
    right_one = attempt(client, "lan", password)
    assert right_one.status_code == 429
    assert "Mật khẩu bị nhập sai quá nhiều lần" in right_one.content.decode()
    assert "Thử lại sau 15 phút" in right_one.content.decode()
    assert not signed_in(client)


def test_others_behind_the_same_address_and_the_account_elsewhere_still_sign_in(
    client, make_user, password, settings
):
    make_user("lan")
    make_user("minh")
    for _try in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "lan", "wrong-password")
    assert attempt(client, "lan", password).status_code == 429

    response = attempt(client, "minh", password)  # the same mobile operator's address
    assert response.status_code == 302 and signed_in(client)
    client.logout()
    response = attempt(client, "lan", password, address="198.51.100.20")  # lan at home
    assert response.status_code == 302 and signed_in(client)


def test_the_administrator_unlocks_an_account(client, make_user, password, settings):
    make_user("lan")
    for _try in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "lan", "wrong-password")
    assert attempt(client, "lan", password).status_code == 429
    call_command("axes_reset_username", "lan")
    response = attempt(client, "lan", password)
    assert response.status_code == 302 and signed_in(client)


def test_a_volunteer_signs_in_with_the_phone_number_written_any_usual_way(client, password):
    from tests.factories import UserFactory, VolunteerFactory

    user = UserFactory(username="0987654321x")
    VolunteerFactory(phone="+84987654321", user=user)
    for typed in ("0987 654 321", "+84987654321", "0987.654.321"):
        client.logout()
        response = attempt(client, typed, password)
        assert response.status_code == 302 and signed_in(client), typed
    client.logout()
    response = attempt(client, "0987654321", "wrong-password")
    assert response.status_code == 200 and not signed_in(client)
    page = client.get(LOGIN).content.decode()
    assert "Tên đăng nhập hoặc số điện thoại" in page
