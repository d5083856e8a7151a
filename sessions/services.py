"""Writes of the sessions app: shifts, sign-ups, attendance, closing, and records of help.

Each function is one transaction; a refused write raises SessionError with a message for the user
and leaves nothing half-written.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sessions.models import (
    MAX_TALLY,
    Attendance,
    CitizenContact,
    HelpRecord,
    HelpSession,
    RecordChange,
    Service,
)
from sessions.record_sql import insert_while_open
from volunteers.models import Volunteer

MAX_SESSIONS_PER_BATCH = 500
CONTACT_RETENTION_DAYS = 90


class SessionError(Exception):
    """A write refused for a reason the user can act on; str() is the message to show."""


# Shifts -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    starts_at: datetime.time
    ends_at: datetime.time


def session_create_batch(
    *,
    template: HelpSession,
    first_day: datetime.date,
    last_day: datetime.date,
    slots: list[Slot],
    weekdays: set[int] | None = None,
    created_by,
) -> list[HelpSession]:
    """Create one shift per day and slot, copying place, team, campaign and needs from template."""
    days = []
    day = first_day
    while day <= last_day:
        if not weekdays or day.weekday() in weekdays:
            days.append(day)
        day += datetime.timedelta(days=1)
    if not days:
        raise SessionError(_("No day in this range matches the chosen weekdays."))
    if len(days) * len(slots) > MAX_SESSIONS_PER_BATCH:
        raise SessionError(
            _("That would create %(count)s shifts; create at most %(max)s at a time.")
            % {"count": len(days) * len(slots), "max": MAX_SESSIONS_PER_BATCH}
        )
    campaign = template.campaign
    if campaign is not None and (days[0] < campaign.starts_on or days[-1] > campaign.ends_on):
        raise SessionError(
            _("The shifts must fall inside the campaign “%(campaign)s” (%(start)s–%(end)s).")
            % {
                "campaign": campaign.name,
                "start": f"{campaign.starts_on:%d/%m/%Y}",
                "end": f"{campaign.ends_on:%d/%m/%Y}",
            }
        )
    sessions = []
    with transaction.atomic():
        for day in days:
            for slot in slots:
                session = HelpSession(
                    commune=template.commune,
                    team=template.team,
                    campaign=template.campaign,
                    place_kind=template.place_kind,
                    hamlet=template.hamlet,
                    address=template.address,
                    date=day,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    volunteers_needed=template.volunteers_needed,
                    notes=template.notes,
                    created_by=created_by,
                )
                session.full_clean()
                sessions.append(session)
        HelpSession.objects.bulk_create(sessions)
    return sessions


@transaction.atomic
def session_update(*, session: HelpSession) -> HelpSession:
    """Save an edited shift; present volunteers' hours follow its new times."""
    saved_date = (
        HelpSession.objects.select_for_update().filter(pk=session.pk).values_list("date", flat=True).first()
    )
    session.save()
    for attendance in session.attendances.select_for_update().filter(present=True):
        attendance.session = session
        attendance.save()
    shift_rollup_changed(session, *([saved_date] if saved_date else []))
    return session


@transaction.atomic
def session_cancel(*, session: HelpSession) -> HelpSession:
    # The same row lock as record_create: no entry can slip in between the check and the save.
    session = HelpSession.objects.select_for_update().get(pk=session.pk)
    if session.is_closed:
        raise SessionError(_("A closed shift cannot be cancelled."))
    if session.records.filter(deleted_at__isnull=True).exists():
        raise SessionError(_("Citizens were already recorded on this shift; it cannot be cancelled."))
    if session.attendances.filter(present=True).exists():
        raise SessionError(_("Volunteers were marked present on this shift; it cannot be cancelled."))
    session.status = HelpSession.Status.CANCELLED
    session.save(update_fields=["status"])
    shift_rollup_changed(session)  # a reopened shift held with nobody present stops counting as held
    return session


@transaction.atomic
def session_close(*, session: HelpSession, closed_by) -> HelpSession:
    """Close a shift after attendance is marked: it counts as held, and volunteers can no longer
    change its records."""
    session = HelpSession.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled:
        raise SessionError(_("This shift was cancelled; there is nothing to close."))
    if session.is_closed:
        return session
    session.status = HelpSession.Status.HELD
    session.closed_at = timezone.now()
    session.closed_by = closed_by
    session.save(update_fields=["status", "closed_at", "closed_by"])
    shift_rollup_changed(session)
    return session


def session_reopen(*, session: HelpSession) -> HelpSession:
    session.closed_at = None
    session.closed_by = None
    session.save(update_fields=["closed_at", "closed_by"])
    return session


# Sign-up and attendance -----------------------------------------------------------------------------


def _check_open(session: HelpSession) -> None:
    if session.is_cancelled:
        raise SessionError(_("This shift was cancelled."))
    if session.is_closed:
        raise SessionError(_("This shift has been closed by the secretary."))


@transaction.atomic
def signup(*, session: HelpSession, volunteer: Volunteer, assigned_by=None) -> Attendance:
    _check_open(session)
    if volunteer.commune_id != session.commune_id:
        raise SessionError(
            _("Only volunteers of %(commune)s can take this shift.") % {"commune": session.commune}
        )
    if not volunteer.is_active:
        raise SessionError(_("%(name)s is no longer active.") % {"name": volunteer.full_name})
    if assigned_by is None and session.date < timezone.localdate():
        raise SessionError(_("This shift is over; ask the secretary to add you."))
    attendance, created = Attendance.objects.get_or_create(
        session=session, volunteer=volunteer, defaults={"assigned_by": assigned_by}
    )
    if not created and attendance.withdrawn_at is not None:
        attendance.withdrawn_at = None
        attendance.assigned_by = assigned_by
        attendance.save()
    return attendance


@transaction.atomic
def withdraw(*, session: HelpSession, volunteer: Volunteer) -> None:
    _check_open(session)
    attendance = session.attendances.select_for_update().filter(volunteer=volunteer).first()
    if attendance is None or attendance.withdrawn_at:
        return
    if attendance.present:
        raise SessionError(_("You were marked present on this shift; ask the secretary to change that."))
    if session.records.filter(volunteer=volunteer, deleted_at__isnull=True).exists():
        raise SessionError(_("You have recorded citizens on this shift, so you cannot withdraw from it."))
    attendance.withdrawn_at = timezone.now()
    attendance.save()


@dataclass(frozen=True)
class Mark:
    volunteer_id: int
    present: bool | None
    arrived_at: datetime.time | None = None
    left_at: datetime.time | None = None


@transaction.atomic
def attendance_mark(*, session: HelpSession, marks: list[Mark], marked_by) -> list[Attendance]:
    """Record who was present and correct their times. Anyone marked present counts as signed up."""
    if session.is_cancelled:
        raise SessionError(_("This shift was cancelled."))
    if session.is_closed:
        raise SessionError(_("This shift has been closed; reopen it to change attendance."))
    if session.date > timezone.localdate():
        raise SessionError(_("Attendance is marked on or after the day of the shift."))
    volunteers = {v.pk: v for v in Volunteer.objects.filter(pk__in=[m.volunteer_id for m in marks])}
    saved = []
    for mark in marks:
        volunteer = volunteers.get(mark.volunteer_id)
        if volunteer is None or volunteer.commune_id != session.commune_id:
            raise SessionError(_("Only volunteers of this commune can be marked on its shifts."))
        arrived = mark.arrived_at or session.starts_at
        left = mark.left_at or session.ends_at
        if mark.present and left <= arrived:
            raise SessionError(
                _("%(name)s: the time of leaving must be after the time of arriving.")
                % {"name": volunteer.full_name}
            )
        attendance, _created = Attendance.objects.select_for_update().get_or_create(
            session=session, volunteer=volunteer, defaults={"assigned_by": marked_by}
        )
        attendance.withdrawn_at = None if mark.present else attendance.withdrawn_at
        attendance.present = mark.present
        attendance.arrived_at = mark.arrived_at
        attendance.left_at = mark.left_at
        attendance.marked_by = marked_by
        attendance.marked_at = timezone.now()
        attendance.session = session
        attendance.save()
        saved.append(attendance)
    if any(mark.present for mark in marks) and session.status == HelpSession.Status.PLANNED:
        session.status = HelpSession.Status.HELD
        session.save(update_fields=["status"])
    shift_rollup_changed(session)
    return saved


# Records of help ------------------------------------------------------------------------------------

RECORD_FIELDS = [
    "service_id",
    "citizen_count",
    "outcome",
    "form_of_help",
    "procedure",
    "gender",
    "age_band",
    "has_disability",
    "hamlet_id",
    "note",
]


def _snapshot(record: HelpRecord) -> dict:
    return {name: getattr(record, name) for name in RECORD_FIELDS}


def _check_recordable(session: HelpSession, service: Service, citizen_count: int) -> None:
    _check_open(session)
    if session.date > timezone.localdate():
        raise SessionError(_("This shift has not started yet; record citizens on the day of the shift."))
    if not service.is_active:
        raise SessionError(
            _("The service “%(service)s” is no longer in use; choose another.") % {"service": service}
        )
    if not 1 <= citizen_count <= MAX_TALLY:
        raise SessionError(
            _("The number of citizens must be between 1 and %(max)s.")
            % {"max": f"{MAX_TALLY:,}".replace(",", ".")}
        )


def record_create(
    *,
    session: HelpSession,
    recorded_by,
    service: Service,
    client_id: uuid.UUID | None = None,
    citizen_count: int = 1,
    is_tally: bool = False,
    volunteer: Volunteer | None = None,
    **details,
) -> tuple[HelpRecord, bool]:
    """Record citizens helped. The client's id makes it idempotent: the same id twice, even at the
    same moment from two requests, leaves one record (the unique index decides, so the common case
    costs one insert). Returns (record, created)."""
    client_id = client_id or uuid.uuid4()
    try:
        _check_recordable(session, service, citizen_count)
    except SessionError:
        # A retry of an entry that was saved before the shift closed is that entry, not an error.
        existing = HelpRecord.objects.filter(client_id=client_id).first()
        if existing is None:
            raise
        return _same_entry(existing, session, recorded_by, service, citizen_count), False
    # An entry made on the day of the shift is helped now; one made later counts at the shift's start,
    # so that it still falls in the shift's day and month.
    now = timezone.now()
    on_the_day = timezone.localdate(now) == session.date
    # Who made the entry and when are on the record itself (recorded_by, created_at); the change
    # history starts with the first correction.
    record = HelpRecord(
        client_id=client_id,
        session=session,
        commune_id=session.commune_id,
        helped_at=now if on_the_day else session.local_start(),
        service=service,
        citizen_count=citizen_count,
        is_tally=is_tally,
        volunteer=volunteer,
        recorded_by=recorded_by,
        updated_by=recorded_by,
        **details,
    )
    if on_the_day and connection.vendor == "postgresql":
        # A tap during the shift (in the running month: no rollup to keep) takes one statement.
        totals = insert_while_open(record)
        if totals is not None:
            record.shift_totals = totals
            return record, True
    try:
        with transaction.atomic():
            _check_open(_shared_lock(session))
            record.save(force_insert=True)
            _rollup_changed(record)
    except IntegrityError:
        # Another request with the same client id won the race; that one is this entry.
        existing = HelpRecord.objects.filter(client_id=client_id).first()
        if existing is None:
            raise
        return _same_entry(existing, session, recorded_by, service, citizen_count), False
    return record, True


def _shared_lock(session: HelpSession) -> HelpSession:
    """The shift as it is now, locked until the transaction ends so that it cannot be cancelled or
    closed meanwhile (session_cancel and session_close take FOR UPDATE). The lock is FOR KEY SHARE,
    so volunteers recording on the same shift at the same moment do not wait for each other."""
    if connection.vendor != "postgresql":
        return HelpSession.objects.select_for_update().only("status", "closed_at").get(pk=session.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status, closed_at FROM help_sessions_helpsession WHERE id = %s FOR KEY SHARE",
            [session.pk],
        )
        status, closed_at = cursor.fetchone()
    return HelpSession(pk=session.pk, status=status, closed_at=closed_at)


def _rollup_changed(record: HelpRecord) -> None:
    """Keep the monthly rollup exact when a record of a finished month changes (reports.tallies)."""
    from reports.tallies import tallies_touch

    tallies_touch(commune_id=record.commune_id, day=record.helped_at)


def shift_rollup_changed(session: HelpSession, *earlier_dates: datetime.date) -> None:
    """The same when a shift's status, date or attendance changes (also called by the admin)."""
    from reports.tallies import tallies_touch

    for day in sorted({session.date, *earlier_dates}):  # month locks always in the same order
        tallies_touch(commune_id=session.commune_id, day=day)


def _same_entry(record: HelpRecord, session: HelpSession, user, service, citizen_count) -> HelpRecord:
    """A repeated id is the same entry sent again, provided it says the same thing."""
    if (
        record.session_id != session.pk
        or record.recorded_by_id != user.pk
        or record.service_id != service.pk
        or record.citizen_count != citizen_count
    ):
        raise SessionError(
            _("This entry id was already used for another entry; reload the page and try again.")
        )
    if record.is_deleted:
        raise SessionError(_("This entry was undone; tap the service again to record a new one."))
    return record


def _json(snapshot: dict) -> dict:
    return {key: (str(value) if isinstance(value, uuid.UUID) else value) for key, value in snapshot.items()}


@transaction.atomic
def record_update(*, record: HelpRecord, changed_by, **changes) -> HelpRecord:
    record = HelpRecord.objects.select_for_update().select_related("session", "service").get(pk=record.pk)
    if record.is_deleted:
        raise SessionError(_("This entry was deleted."))
    if record.session.is_cancelled:
        raise SessionError(_("This shift was cancelled."))
    before = _snapshot(record)
    for name, value in changes.items():
        setattr(record, name, value)
    service = changes.get("service", record.service)
    if service.pk != before["service_id"] and not service.is_active:
        raise SessionError(
            _("The service “%(service)s” is no longer in use; choose another.") % {"service": service}
        )
    if not 1 <= record.citizen_count <= MAX_TALLY:
        raise SessionError(_("The number of citizens must be between 1 and %(max)s.") % {"max": "10.000"})
    record.updated_by = changed_by
    record.save()
    _rollup_changed(record)
    after = _snapshot(record)
    if after != before:
        RecordChange.objects.create(
            record=record,
            action=RecordChange.Action.UPDATE,
            changed_by=changed_by,
            before=_json({k: v for k, v in before.items() if before[k] != after[k]}),
            after=_json({k: v for k, v in after.items() if before[k] != after[k]}),
        )
    return record


@transaction.atomic
def record_delete(*, record: HelpRecord, deleted_by) -> HelpRecord:
    """Delete (or undo) an entry: it stops counting, and the history keeps who and when."""
    record = HelpRecord.objects.select_for_update().get(pk=record.pk)
    if record.is_deleted:
        return record
    record.deleted_at = timezone.now()
    record.deleted_by = deleted_by
    record.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    _rollup_changed(record)
    RecordChange.objects.create(record=record, action=RecordChange.Action.DELETE, changed_by=deleted_by)
    CitizenContact.objects.filter(record=record).delete()
    return record


@transaction.atomic
def contact_save(*, record: HelpRecord, name: str, phone: str, purpose: str, recorded_by) -> CitizenContact:
    """Keep a citizen's name and phone for a follow-up: only with their consent to `purpose`."""
    if not purpose.strip():
        raise SessionError(_("Write what the citizen agreed to, e.g. “call back about the result”."))
    contact, _created = CitizenContact.objects.update_or_create(
        record=record,
        defaults={
            "name": name,
            "phone": phone,
            "consent_purpose": purpose,
            "consent_given_at": timezone.now(),
            "consent_recorded_by": recorded_by,
            "erase_after": timezone.localdate() + datetime.timedelta(days=CONTACT_RETENTION_DAYS),
        },
    )
    return contact


def contacts_erase_expired(*, today: datetime.date | None = None) -> int:
    """Erase names and phones past their retention date; the counts stay."""
    deleted, _detail = CitizenContact.objects.filter(erase_after__lt=today or timezone.localdate()).delete()
    return deleted
