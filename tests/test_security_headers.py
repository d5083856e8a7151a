"""Every page carries a Content-Security-Policy that allows no inline script and no framing."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_carry_a_policy_without_inline_scripts(client_as, world):
    for client, path in (
        (client_as("anonymous"), reverse("login")),
        (client_as("secretary"), reverse("reports:dashboard", kwargs={"code": world["commune"].code})),
    ):
        policy = client.get(path)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["script-src"] == "'self'"
        assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in policy
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"


def test_no_template_has_an_inline_script_or_handler():
    from pathlib import Path

    offenders = []
    for template in Path(__file__).resolve().parent.parent.joinpath("templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for marker in (" onclick=", " onchange=", " onsubmit=", " onload=", "javascript:", " hx-on"):
            if marker in text:
                offenders.append(f"{template.name}: {marker.strip()}")
        for chunk in text.split("<script")[1:]:
            opening = chunk.split(">", 1)[0]
            if "src=" not in opening and "application/json" not in opening:
                offenders.append(f"{template.name}: inline <script>")
    assert offenders == []
