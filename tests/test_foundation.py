"""The foundation: settings from the environment, health check, sign-in, language and formats."""

import datetime
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpRequest
from django.urls import reverse
from django.utils import formats, translation

PROJECT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=clean, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DEBUG": "1", "DATABASE_URL": "nonsense"}, "DATABASE_URL='nonsense' is not a database URL"),
        ({"DEBUG": "1", "REDIS_URL": "http://cache"}, "REDIS_URL='http://cache' is not a Redis URL"),
        ({"DEBUG": "perhaps"}, "DEBUG='perhaps' is not a boolean"),
        ({"DEBUG": "0"}, "SECRET_KEY is required when DEBUG is off"),
        ({"DEBUG": "1", "EMAIL_PORT": "smtp"}, "EMAIL_PORT='smtp' is not a whole number"),
    ],
)
def test_it_stops_on_bad_configuration_with_one_line(env, expected):
    result = run_manage("check", **env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Configuration error: ")
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_it_passes_the_deploy_check_with_a_real_key_and_host():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="k" * 20 + "-production-grade-secret-with-enough-entropy-3f9a1c7e",
        ALLOWED_HOSTS="xks.example.vn",
    )
    assert result.returncode == 0, result.stderr


def test_it_runs_on_embedded_defaults_without_environment():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER)",
        DEBUG="1",
    )
    assert result.stdout.strip().splitlines()[-1].split() == ["django.db.backends.sqlite3", "True"]


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] == ("eager" if settings.CELERY_TASK_ALWAYS_EAGER else "ok")


@pytest.mark.django_db
def test_healthz_answers_503_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from config.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")


@pytest.mark.django_db
def test_healthz_tells_only_the_machine_itself_what_is_down(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from config.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        public = client.get("/healthz", REMOTE_ADDR="203.0.113.7")
        proxied = client.get("/healthz", HTTP_X_FORWARDED_FOR="203.0.113.7")
        local = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert (public.status_code, public.json()) == (503, {"status": "unavailable"})
    assert proxied.json() == {"status": "unavailable"}
    assert local.json()["status"] == "unavailable" and local.json()["broker"].startswith("error")


@pytest.mark.django_db
def test_sign_in_page_is_vietnamese_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "vi"
    assert "Đăng nhập" in response.content.decode()


@pytest.mark.django_db
def test_home_needs_sign_in_and_greets_the_user(client, make_user, password):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    make_user("lan", first_name="Nguyễn Thị Lan")
    assert client.login(request=HttpRequest(), username="lan", password=password)
    page = client.get(reverse("home")).content.decode()
    assert "Xin chào, Nguyễn Thị Lan" in page


@pytest.mark.django_db
def test_language_switch_to_english_sticks(client, make_user, password):
    make_user("lan")
    client.login(request=HttpRequest(), username="lan", password=password)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get(reverse("home")).content.decode()
    assert "Hello, lan" in page
    assert "Sign out" in page


@pytest.mark.django_db
def test_wrong_password_gets_a_vietnamese_error(client, make_user):
    make_user("lan")
    response = client.post(reverse("login"), {"username": "lan", "password": "wrong"})
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.content.decode()


@pytest.mark.django_db
def test_change_password(client, make_user, password):
    user = make_user("lan")
    client.login(request=HttpRequest(), username="lan", password=password)
    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "Doan-vien-2025!", "new_password2": "Doan-vien-2025!"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Doan-vien-2025!")


def test_dates_and_numbers_show_the_vietnamese_way():
    with translation.override("vi"):
        assert formats.date_format(datetime.date(2025, 8, 9), "SHORT_DATE_FORMAT") == "09/08/2025"
        assert formats.number_format(1234567, force_grouping=True) == "1.234.567"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1
        # dd/mm is read as day then month, not the US way
        from django import forms

        assert forms.DateField().clean("09/08/2025") == datetime.date(2025, 8, 9)


@pytest.mark.django_db
def test_unknown_page_answers_404_in_the_site_style(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


@pytest.mark.django_db
def test_an_english_browser_still_gets_vietnamese_until_the_switch(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "vi"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Sign in" in client.get(reverse("login")).content.decode()


def test_a_database_that_never_answers_is_given_up_in_seconds_not_waited_for():
    # A server that takes the connection and says nothing, as a dropped link or a frozen host does.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        url = f"postgres://postgres@127.0.0.1:{port}/xks"
        result = subprocess.run(
            [sys.executable, "manage.py", "showmigrations", "sessions"],
            cwd=PROJECT,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "DEBUG": "1",
                "DATABASE_URL": url,
            },
            capture_output=True,
            text=True,
            timeout=60,  # without a connect time-out it would wait for the system's, minutes
        )
    assert result.returncode != 0
    assert result.stderr.startswith("Database error: ")
    assert "timeout" in result.stderr
