"""Shared fixtures: users, a signed-in client, and gates for tests that need outside services."""

import datetime
import os
import uuid

import pytest
from django.conf import settings

from tests.known_month import august  # noqa: F401 - a fixture for the report tests


@pytest.fixture
def password():
    from tests.factories import PASSWORD

    return PASSWORD


@pytest.fixture
def make_user(db, password):
    from django.contrib.auth import get_user_model

    def make(username="user", **extra):
        return get_user_model().objects.create_user(username=username, password=password, **extra)

    return make


@pytest.fixture(autouse=True)
def fresh_caches():
    """Rows are rolled back and ids reused between tests: what an earlier test cached (access
    scopes, the service catalogue) must not be found by a later one."""
    from access.scope import forget_scopes
    from sessions.selectors import forget_service_catalogue

    forget_scopes()
    forget_service_catalogue()
    yield
    forget_service_catalogue()


@pytest.fixture(autouse=True)
def default_language():
    """A request in English leaves English active in the thread; a later test that runs code
    outside a request (a task, as a worker does with no language chosen) must find the default."""
    from django.utils import translation

    yield
    translation.deactivate()


def _require(reason: str, required: bool):
    if required:
        pytest.fail(f"{reason} (required in this run)")
    pytest.skip(reason)


@pytest.fixture
def redis_services():
    """PostgreSQL and Redis, as CI's second run gives them; skips in the embedded run."""
    if not settings.REDIS_URL or settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        _require(
            "needs DATABASE_URL (PostgreSQL) and REDIS_URL", bool(os.environ.get("XKS_REQUIRE_SERVICES"))
        )
    return settings.REDIS_URL


@pytest.fixture
def postgresql():
    """The machine's PostgreSQL, as CI's second run gives it; skips on SQLite."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        _require("needs DATABASE_URL (PostgreSQL)", bool(os.environ.get("XKS_REQUIRE_SERVICES")))


def restore_service_taxonomy():
    """Transactional tests (browser, concurrency) empty every table afterwards, data migrations
    included; put the seeded services back the way migration 0002 writes them."""
    import importlib

    from django.apps import apps

    from sessions.models import Service
    from sessions.selectors import forget_service_catalogue

    if not Service.objects.exists():
        importlib.import_module("sessions.migrations.0002_seed_services").seed(apps, None)
        forget_service_catalogue()


@pytest.fixture
def taxonomy(db):
    restore_service_taxonomy()


@pytest.fixture
def world(db, taxonomy):
    """Two provinces; commune A (with a hamlet, a team, a leader and a member) and commune B in
    province 1, commune C in province 2; one account per role. Used by access and view tests."""
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from tests import factories as f
    from volunteers.models import RoleAssignment, TeamMembership
    from volunteers.tokens import invitation_tokens

    province, other_province = f.ProvinceFactory(), f.ProvinceFactory()
    commune = f.CommuneFactory(province=province, name="Phường Thử A")
    other_commune = f.CommuneFactory(province=province, name="Xã Thử B")
    far_commune = f.CommuneFactory(province=other_province, name="Xã Thử C")
    hamlet = f.HamletFactory(commune=commune, name="Tổ dân phố số 1")
    team = f.TeamFactory(commune=commune, name="Đội hình dịch vụ công")
    users = {
        "no_role": f.UserFactory(username="no_role"),
        "volunteer": f.UserFactory(username="volunteer"),
        "team_leader": f.UserFactory(username="team_leader"),
        "secretary": f.UserFactory(username="secretary"),
        "other_secretary": f.UserFactory(username="other_secretary"),
        "commune_leader": f.UserFactory(username="commune_leader"),
        "province_officer": f.UserFactory(username="province_officer"),
        "other_province_officer": f.UserFactory(username="other_province_officer"),
    }
    leader = f.VolunteerFactory(
        commune=commune, hamlet=hamlet, full_name="Trần Văn Bình", user=users["team_leader"]
    )
    member = f.VolunteerFactory(
        commune=commune, hamlet=hamlet, full_name="Lê Thị Ánh", user=users["volunteer"]
    )
    f.MembershipFactory(team=team, volunteer=leader, position=TeamMembership.Position.LEADER)
    membership = f.MembershipFactory(team=team, volunteer=member)
    f.RoleFactory(user=users["secretary"], role=RoleAssignment.Role.SECRETARY, commune=commune)
    f.RoleFactory(user=users["other_secretary"], role=RoleAssignment.Role.SECRETARY, commune=other_commune)
    f.RoleFactory(user=users["commune_leader"], role=RoleAssignment.Role.COMMUNE_LEADER, commune=commune)
    f.RoleFactory(
        user=users["province_officer"], role=RoleAssignment.Role.PROVINCE_OFFICER, province=province
    )
    f.RoleFactory(
        user=users["other_province_officer"],
        role=RoleAssignment.Role.PROVINCE_OFFICER,
        province=other_province,
    )
    invited = users["volunteer"]

    from django.utils import timezone

    from sessions import services as session_services
    from sessions.models import Campaign, HelpSession, Service

    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="Tháng cao điểm VNeID",
        starts_on=today.replace(day=1),
        ends_on=today + timezone.timedelta(days=30),
        commune=commune,
    )
    province_campaign = Campaign.objects.create(
        name="Đổi thẻ đảng viên toàn tỉnh",
        starts_on=today,
        ends_on=today + timezone.timedelta(days=7),
        province=province,
    )
    session = HelpSession.objects.create(
        commune=commune,
        team=team,
        campaign=campaign,
        place_kind="service_centre",
        date=today,
        starts_at=datetime.time(7, 0),
        ends_at=datetime.time(11, 0),
        volunteers_needed=4,
    )
    session_services.signup(session=session, volunteer=member)
    record = session_services.record_create(
        session=session,
        recorded_by=users["volunteer"],
        service=Service.objects.get(code="vneid_level2"),
        volunteer=member,
    ).record
    from sessions.models import ReviewEntry

    review_entry = ReviewEntry.objects.create(
        client_id=uuid.uuid4(),
        session=session,
        service=Service.objects.get(code="vneid_install"),
        recorded_by=users["volunteer"],
        volunteer=member,
        reason="kept for the access walk",
    )
    from sessions.models import CalendarFeed

    feed = CalendarFeed.objects.create(user=users["secretary"], kind="commune", commune=commune)
    from reports.models import Certificate, Export

    export = Export.objects.create(
        user=users["secretary"],
        kind=Export.Kind.COMMUNE_REPORT,
        params={"commune": commune.code, "period": "2025-08"},
    )
    from reports.tasks import run_export

    run_export(export.pk)
    certificate = Certificate.objects.create(
        volunteer=member,
        first_day=today,
        last_day=today,
        shifts=0,
        minutes=0,
        citizen_turns=1,
        issued_by=users["volunteer"],
    )
    return {
        "export": export,
        "certificate": certificate,
        "province": province,
        "commune": commune,
        "other_commune": other_commune,
        "far_commune": far_commune,
        "hamlet": hamlet,
        "team": team,
        "leader": leader,
        "member": member,
        "membership": membership,
        "users": users,
        "session": session,
        "record": record,
        "review_entry": review_entry,
        "campaign": campaign,
        "province_campaign": province_campaign,
        # Values for every URL keyword argument, so the access walk can build each URL.
        "url_kwargs": {
            "code": commune.code,
            "team_id": team.pk,
            "volunteer_id": member.pk,
            "hamlet_id": hamlet.pk,
            "membership_id": membership.pk,
            "file_format": "xlsx",
            "session_id": session.pk,
            "record_id": record.pk,
            "entry_id": review_entry.pk,
            "campaign_id": campaign.pk,
            "province_campaign_id": province_campaign.pk,
            "province_code": province.code,
            "export_id": export.pk,
            "certificate_code": certificate.code,
            "uidb64": urlsafe_base64_encode(force_bytes(invited.pk)),
            "token": invitation_tokens.make_token(invited),
            "feed_token": feed.token,
            "checkin_code": session_services.checkin_code_for(session),
        },
    }


@pytest.fixture
def client_as(client, world):
    """A test client signed in as one of the world's roles."""

    def sign_in(role):
        client.logout()
        if role != "anonymous":
            client.force_login(world["users"][role])
        return client

    return sign_in


@pytest.fixture
def export_worker(transactional_db):
    """Whatever runs exports in this run: in-process without Redis, a real worker with it."""
    if not settings.REDIS_URL:
        yield None
        return
    from tests.celery_worker import celery_worker

    with celery_worker() as worker:
        yield worker
