"""Cancelling and closing a shift ask first; a cancelled shift can be restored; closing warns about
volunteers who signed up and have no attendance mark."""

import pytest

from sessions import services
from sessions.models import HelpSession
from tests.sessions.test_planning import session_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_shift(world):
    """World's shift without its record, so that it may be cancelled."""
    services.record_delete(record=world["record"], deleted_by=world["users"]["secretary"])
    return world["session"]


def test_cancelling_asks_first_and_a_cancelled_shift_can_be_restored(client_as, world, empty_shift):
    client = client_as("secretary")
    asked = client.get(session_url(world, "session_cancel"))
    assert asked.status_code == 200
    assert "Huỷ ca trực này?" in asked.content.decode()
    empty_shift.refresh_from_db()
    assert empty_shift.status == HelpSession.Status.PLANNED

    # A POST without the confirmation (a stray tap, an old form) asks again and changes nothing.
    client.post(session_url(world, "session_cancel"))
    empty_shift.refresh_from_db()
    assert empty_shift.status == HelpSession.Status.PLANNED

    done = client.post(session_url(world, "session_cancel"), {"confirm": "yes"}, follow=True)
    assert "Đã huỷ ca trực. Có thể khôi phục lại ca" in done.content.decode()
    assert "Khôi phục ca" in done.content.decode()
    empty_shift.refresh_from_db()
    assert empty_shift.status == HelpSession.Status.CANCELLED

    restored = client.post(session_url(world, "session_restore"), follow=True)
    assert "Ca trực đã được khôi phục." in restored.content.decode()
    empty_shift.refresh_from_db()
    assert empty_shift.status == HelpSession.Status.PLANNED
    # The sign-up survived the round trip.
    assert empty_shift.attendances.filter(volunteer=world["member"], withdrawn_at__isnull=True).exists()


def test_restoring_a_shift_that_is_not_cancelled_is_refused(client_as, world):
    page = client_as("secretary").post(session_url(world, "session_restore"), follow=True)
    assert "Ca này không bị huỷ." in page.content.decode()


def test_closing_warns_about_signed_up_volunteers_without_a_mark(client_as, world):
    client = client_as("secretary")
    asked = client.get(session_url(world, "session_close"))
    text = asked.content.decode()
    assert "1 tình nguyện viên đã đăng ký nhưng chưa được điểm danh" in text
    assert world["member"].full_name in text
    assert "Vẫn chốt ca" in text
    world["session"].refresh_from_db()
    assert not world["session"].is_closed

    services.attendance_mark(
        session=world["session"],
        marks=[services.Mark(world["member"].pk, True)],
        marked_by=world["users"]["secretary"],
    )
    asked = client.get(session_url(world, "session_close"))
    assert "chưa được điểm danh" not in asked.content.decode()
    assert "Đồng ý chốt ca" in asked.content.decode()
    client.post(session_url(world, "session_close"), {"confirm": "yes"})
    world["session"].refresh_from_db()
    assert world["session"].is_closed


def test_only_the_secretary_is_asked(client_as, world):
    assert client_as("team_leader").get(session_url(world, "session_close")).status_code in {403, 404}
