"""The counting rules (docs/counting.md) on a shift: citizen-turns, volunteer-turns, hours, activations."""

import datetime

import pytest
from django.utils import timezone

from sessions import services
from sessions.models import CampaignTarget, HelpRecord, Service
from sessions.selectors import campaign_progress, session_figures, volunteer_totals
from tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def service(code):
    return Service.objects.get(code=code)


def test_single_entries_and_tallies_count_the_same(world):
    session, user = world["session"], world["users"]["volunteer"]
    # the world already holds one single entry (VNeID level 2)
    for _ in range(2):
        services.record_create(session=session, recorded_by=user, service=service("vneid_install"))
    services.record_create(
        session=session,
        recorded_by=user,
        service=service("party_card_renewal"),
        citizen_count=20,
        is_tally=True,
    )
    figures = session_figures(session)
    assert figures.citizen_turns == 23
    assert dict((s.code, n) for s, n in figures.by_service) == {
        "party_card_renewal": 20,
        "vneid_install": 2,
        "vneid_level2": 1,
    }


def test_deleted_and_corrected_entries_count_as_they_are_now(world):
    session, user = world["session"], world["users"]["volunteer"]
    tally = services.record_create(
        session=session, recorded_by=user, service=service("qr_payment"), citizen_count=10, is_tally=True
    ).record
    services.record_update(record=tally, changed_by=world["users"]["secretary"], citizen_count=12)
    services.record_delete(record=world["record"], deleted_by=user)
    assert session_figures(session).citizen_turns == 12
    history = list(tally.changes.values_list("action", "changed_by__username", "before", "after"))
    # who made the entry and when is on the record; the history starts with the correction
    assert history == [("update", "secretary", {"citizen_count": 10}, {"citizen_count": 12})]
    assert (tally.recorded_by, tally.created_at is not None) == (user, True)
    assert world["record"].changes.last().action == "delete"


def test_volunteer_turns_and_hours_come_from_attendance(world):
    session = world["session"]  # 07:00–11:00
    late = VolunteerFactory(commune=world["commune"])
    absent = VolunteerFactory(commune=world["commune"])
    services.attendance_mark(
        session=session,
        marks=[
            services.Mark(world["member"].pk, True),
            services.Mark(late.pk, True, datetime.time(8, 0), datetime.time(10, 30)),
            services.Mark(absent.pk, False),
        ],
        marked_by=world["users"]["secretary"],
    )
    figures = session_figures(session)
    assert (figures.needed, figures.signed_up, figures.present) == (4, 3, 2)
    assert figures.volunteer_minutes == 240 + 150
    assert figures.volunteer_hours == 6.5
    assert volunteer_totals(late) == {"volunteer_turns": 1, "volunteer_hours": 2.5, "citizen_turns": 0}
    assert volunteer_totals(world["member"])["citizen_turns"] == 1


def test_vneid_activations_count_only_level2_done(world):
    session, user, campaign = world["session"], world["users"]["volunteer"], world["campaign"]
    CampaignTarget.objects.create(
        campaign=campaign,
        label="200 tài khoản VNeID mức 2",
        metric="citizen_turns",
        service=service("vneid_level2"),
        done_only=True,
        value=200,
    )
    CampaignTarget.objects.create(campaign=campaign, label="Lượt ĐVTN", metric="volunteer_turns", value=10)
    services.record_create(
        session=session, recorded_by=user, service=service("vneid_level2"), citizen_count=9, is_tally=True
    )
    services.record_create(
        session=session,
        recorded_by=user,
        service=service("vneid_level2"),
        outcome=HelpRecord.Outcome.FOLLOW_UP,
    )
    services.record_create(session=session, recorded_by=user, service=service("vneid_install"))
    services.attendance_mark(session=session, marks=[services.Mark(world["member"].pk, True)], marked_by=user)
    activations, turns = campaign_progress(campaign)
    assert activations.reached == 10  # 1 in the world + the tally of 9; follow-up and install excluded
    assert activations.percent == 5
    assert turns.reached == 1


def test_a_month_of_help_is_counted_in_vietnamese_time(world):
    record = world["record"]
    record.helped_at = datetime.datetime(
        2025, 8, 31, 23, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=7))
    )
    record.save()
    local = timezone.localtime(HelpRecord.objects.get(pk=record.pk).helped_at)
    assert (local.year, local.month, local.day, local.hour) == (2025, 8, 31, 23)
