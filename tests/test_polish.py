"""Small things every page gets right: a favicon, a description, compressed HTML, words instead
of "---------" for an empty choice."""

import gzip

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_favicon_ico_is_found(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response.url.endswith(".ico")


def test_pages_have_a_description_and_one_h1(client_as, world):
    page = client_as("secretary").get(
        reverse("sessions:session_list", kwargs={"code": world["commune"].code})
    )
    text = page.content.decode()
    assert '<meta name="description" content="Xung Kích Số: đoàn viên' in text
    assert text.count("<h1") == 1


def test_html_is_sent_compressed(client_as, world):
    client = client_as("secretary")
    url = reverse("sessions:session_list", kwargs={"code": world["commune"].code})
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert "Ca trực" in gzip.decompress(response.content).decode()


def test_no_dashes_for_an_empty_choice(client_as, world):
    page = client_as("secretary").get(
        reverse("sessions:session_create", kwargs={"code": world["commune"].code})
    )
    text = page.content.decode()
    assert "---------" not in text
    assert "— Chưa chọn —" in text
