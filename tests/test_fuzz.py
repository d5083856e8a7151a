"""Generated junk (odd unicode, NUL, huge and negative numbers, wrong types, oversize values) sent
to every address of the app, in its query and in forms, as several roles: never a 5xx."""

import urllib.parse

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_access import URLS

pytestmark = pytest.mark.django_db

FIELDS = [
    "full_name",
    "gender",
    "phone",
    "email",
    "hamlet",
    "team",
    "position",
    "date_of_birth",
    "name",
    "kind",
    "place_kind",
    "date",
    "starts_at",
    "ends_at",
    "volunteers_needed",
    "notes",
    "address",
    "campaign",
    "service",
    "citizen_count",
    "client_id",
    "outcome",
    "form_of_help",
    "procedure",
    "note",
    "age_band",
    "has_disability",
    "volunteer",
    "add_volunteer",
    "first_day",
    "last_day",
    "period",
    "month",
    "view",
    "page",
    "sort",
    "status",
    "category",
    "q",
    "number",
    "highlights",
    "difficulties",
    "plans",
    "signer",
    "action",
    "joined",
    "days",
    "slots",
    "weekdays",
    "starts_on",
    "ends_on",
    "description",
    "label",
    "metric",
    "value",
    "next",
    "language",
    "is_union_member",
    "attendance-TOTAL_FORMS",
    "attendance-INITIAL_FORMS",
    "attendance-0-volunteer",
    "attendance-0-present",
    "attendance-0-arrived_at",
    "targets-TOTAL_FORMS",
    "targets-0-value",
]
ODD = [
    "",
    " ",
    "0",
    "-1",
    "9" * 40,
    "1e309",
    "NaN",
    "-0",
    "2025-13",
    "2025-00",
    "0000-01",
    "99999-12",
    "31/02/2025",
    "00/00/0000",
    "25:99",
    "7h99",
    "true",
    "[]",
    "{}",
    "null",
    "%00",
    "\x00",
    "\u202e",
    "😀" * 50,
    "Đ" * 5000,
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    '=HYPERLINK("x")',
    "../../etc/passwd",
    "\r\n",
    "\ufeff",
    "ǅ",
    "١٢٣",
    "𝟘𝟙",
]
junk = st.one_of(
    st.sampled_from(ODD),
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
forms = st.dictionaries(st.sampled_from(FIELDS), junk, max_size=8)
PATTERNS = [(name, pattern) for name, pattern in URLS if name not in {"logout"}]


@pytest.mark.parametrize("role", ["secretary", "volunteer", "province_officer", "anonymous"])
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(
    target=st.sampled_from(PATTERNS),
    query=forms,
    body=forms,
    segment=st.one_of(st.none(), junk),
    as_form=st.booleans(),
)
def test_junk_never_answers_5xx(client_as, world, role, target, query, body, segment, as_form):
    name, pattern = target
    keywords = set(pattern.pattern.regex.groupindex)
    values = {key: world["url_kwargs"][key] for key in keywords}
    path = reverse(name, kwargs=values)
    if segment is not None and keywords:
        # One segment of the address replaced by junk, as typed or tampered with.
        key = sorted(keywords)[0]
        path = path.replace(str(values[key]), urllib.parse.quote(segment, safe=""), 1) or path
    client = client_as(role)
    url = path + "?" + urllib.parse.urlencode(query)
    answer = client.get(url)
    assert answer.status_code < 500, (url, answer.status_code)
    if as_form:
        answer = client.post(
            path, urllib.parse.urlencode(body), content_type="application/x-www-form-urlencoded"
        )
    else:
        answer = client.post(path, body)
    assert answer.status_code < 500, (path, body, answer.status_code)
