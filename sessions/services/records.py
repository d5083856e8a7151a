"""Writes about records of help: a tap, a tally, an entry synced from a phone or accepted after
review (all through record_create, the one write path), corrections, deletions, contacts.

Each function is one transaction; a refused write raises SessionError with a message for the user
and leaves nothing half-written.
"""

import datetime
import uuid
from dataclasses import dataclass
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sessions.models import (
    MAX_TALLY,
    CitizenContact,
    HelpRecord,
    HelpSession,
    RecordChange,
    ReviewEntry,
    Service,
)
from sessions.services.shifts import SessionError, check_open
from volunteers.audit import audit_event
from volunteers.models import Commune, Volunteer

CONTACT_RETENTION_DAYS = 90


class NeedsReview(SessionError):
    """An entry synced from a phone that the late-arrival rules cannot accept by themselves: it is
    kept for the secretary's review (entry_sync), never dropped."""


# Entries kept on a phone and sent later (docs/counting.md, "Entries sent from a phone").
GRACE_PERIOD = datetime.timedelta(hours=48)
SHIFT_SLACK = datetime.timedelta(hours=2)
FUTURE_SLACK = datetime.timedelta(minutes=10)
CANCELLED_MEANWHILE = gettext_noop("The shift was cancelled before this entry arrived.")


# Records of help ------------------------------------------------------------------------------------

RECORD_FIELDS = [HelpRecord._meta.get_field(name).attname for name in HelpRecord.DETAILS]


def _snapshot(record: HelpRecord) -> dict:
    return {name: getattr(record, name) for name in RECORD_FIELDS}


def _check_service_and_count(service: Service, citizen_count: int) -> None:
    if not service.is_active:
        raise SessionError(
            _("The service “%(service)s” is no longer in use; choose another.") % {"service": service}
        )
    if not 1 <= citizen_count <= MAX_TALLY:
        raise SessionError(
            _("The number of citizens must be between 1 and %(max)s.")
            % {"max": f"{MAX_TALLY:,}".replace(",", ".")}
        )


def _check_recordable(session: HelpSession, service: Service, citizen_count: int) -> None:
    check_open(session)
    if session.date > timezone.localdate():
        raise SessionError(_("This shift has not started yet; record citizens on the day of the shift."))
    _check_service_and_count(service, citizen_count)


def _check_arrival(session: HelpSession, made_at: datetime.datetime, now: datetime.datetime) -> bool:
    """The late-arrival rules for an entry made on a phone at `made_at` (its clock corrected) and
    arriving `now`. Returns whether it is sent late (its shift was closed meanwhile); raises
    NeedsReview when only the secretary can decide."""
    if session.is_cancelled:
        raise NeedsReview(_(CANCELLED_MEANWHILE))
    if made_at > now + FUTURE_SLACK:
        raise NeedsReview(
            _("The phone's clock puts this entry in the future (%(time)s).")
            % {"time": f"{timezone.localtime(made_at):%H:%M %d/%m/%Y}"}
        )
    if not session.local_start() - SHIFT_SLACK <= made_at <= session.local_end() + SHIFT_SLACK:
        raise NeedsReview(
            _("This entry was made at %(time)s, far outside the shift's hours (%(hours)s on %(date)s).")
            % {
                "time": f"{timezone.localtime(made_at):%H:%M %d/%m/%Y}",
                "hours": session.time_range,
                "date": f"{session.date:%d/%m/%Y}",
            }
        )
    if not session.is_closed:
        return False
    if made_at > session.closed_at:
        raise NeedsReview(_("This entry was made after the shift was closed."))
    if now > session.local_end() + GRACE_PERIOD:
        raise NeedsReview(_("This entry arrived more than 48 hours after the shift ended."))
    return True


def record_create(
    *,
    session: HelpSession,
    recorded_by,
    service: Service,
    client_id: uuid.UUID | None = None,
    citizen_count: int = 1,
    is_tally: bool = False,
    volunteer: Volunteer | None = None,
    device_time: datetime.datetime | None = None,
    made_at: datetime.datetime | None = None,
    accepted_by=None,
    totals: bool = True,
    **details,
) -> "Recorded":
    """Record citizens helped: the one write path of a tap, a tally, a synced entry and a reviewed
    entry accepted. The client's id makes it idempotent: the same id twice, even at the same moment
    from two requests, leaves one record (the unique index decides, so the common case costs one
    insert). Returns the record, whether this call created it, and the shift's totals after it.

    `made_at` is when an entry kept on a phone was made (the phone's clock, corrected by its
    offset; `device_time` is the phone's clock as it said): such an entry follows the late-arrival
    rules and raises NeedsReview when they cannot accept it. `accepted_by` is the secretary who
    accepted a reviewed entry: the timing rules and the closing are then waived, not a cancellation.
    On a shift at a hamlet (or door to door in one), an entry without a hamlet takes the shift's.
    Without `totals` (a batch from a phone asks for them once at its end), the shift's citizens
    are not summed and the returned totals are None."""
    client_id = client_id or uuid.uuid4()
    now = timezone.now()
    synced = made_at is not None or accepted_by is not None
    sent_late = False
    try:
        if not synced:
            _check_recordable(session, service, citizen_count)
        else:
            _check_service_and_count(service, citizen_count)
            if accepted_by is None:
                sent_late = _check_arrival(session, made_at, now)
            elif session.is_cancelled:
                raise SessionError(_("This shift was cancelled."))
    except SessionError:
        # A retry of an entry that was saved before is that entry, not an error.
        existing = HelpRecord.objects.filter(client_id=client_id).first()
        if existing is None:
            raise
        return _again(existing, session, recorded_by, service, citizen_count)
    if details.get("hamlet") is None and details.get("hamlet_id") is None and session.hamlet_id:
        details.pop("hamlet", None)
        details["hamlet_id"] = session.hamlet_id
    # An entry made on the day of the shift counts at the moment it was made; one made later counts
    # at the shift's start, so that it still falls in the shift's day and month.
    moment = made_at or now
    on_the_day = timezone.localdate(moment) == session.date
    # Who made the entry and when are on the record itself (recorded_by, created_at); the change
    # history starts with the first correction.
    record = HelpRecord(
        client_id=client_id,
        session=session,
        commune_id=session.commune_id,
        helped_at=moment if on_the_day else session.local_start(),
        service=service,
        citizen_count=citizen_count,
        is_tally=is_tally,
        volunteer=volunteer,
        recorded_by=recorded_by,
        updated_by=recorded_by,
        device_time=device_time,
        sent_late=sent_late,
        **details,
    )
    try:
        with transaction.atomic():
            locked, session_total, my_total = _shift_now(session, recorded_by, lock=True, totals=totals)
            if not synced:
                check_open(locked)
            elif locked.is_cancelled:
                raise NeedsReview(_(CANCELLED_MEANWHILE))
            elif locked.is_closed and accepted_by is None:
                record.sent_late = True
            record.save(force_insert=True)
    except IntegrityError:
        # Another request with the same client id won the race; that one is this entry.
        existing = HelpRecord.objects.filter(client_id=client_id).first()
        if existing is None:
            raise
        return _again(existing, session, recorded_by, service, citizen_count)
    if not totals:
        return Recorded(record, True, None, None)
    # The totals were read with the lock, before the insert: add this entry.
    return Recorded(record, True, session_total + citizen_count, my_total + citizen_count)


class Recorded(NamedTuple):
    """What record_create did: the record, whether this call made it, and the shift's citizens
    after it (all of them, and those of the person recording)."""

    record: HelpRecord
    created: bool
    session_total: int | None
    my_total: int | None


def _again(existing: HelpRecord, session: HelpSession, user, service, citizen_count) -> Recorded:
    record = _same_entry(existing, session, user, service, citizen_count)
    _shift, session_total, my_total = _shift_now(session, user, lock=False)
    return Recorded(record, False, session_total, my_total)


@dataclass(frozen=True)
class SyncedEntry:
    """An entry kept on a phone, as the sync view parsed it (docs/counting.md)."""

    client_id: uuid.UUID
    session: HelpSession
    service: Service
    citizen_count: int
    is_tally: bool
    device_time: datetime.datetime | None
    made_at: datetime.datetime
    details: dict  # outcome, form_of_help, procedure, hamlet_id: plain values, kept as JSON for review


@dataclass(frozen=True)
class SyncAnswer:
    status: str  # "saved", "duplicate" (already saved) or "review" (kept for the secretary)
    record: HelpRecord | None = None
    message: str = ""


_LOOK_IT_UP = object()


def entry_sync(
    *, entry: SyncedEntry, recorded_by, volunteer: Volunteer | None, kept=_LOOK_IT_UP
) -> SyncAnswer:
    """Save one synced entry through record_create, or keep it for review when the late-arrival
    rules cannot accept it. All or nothing for this entry; a refusal raises SessionError.
    `kept` is the entry's ReviewEntry or None when the caller looked it up already (a batch looks
    up all its entries in one query; see kept_entries)."""
    if kept is _LOOK_IT_UP:
        kept = ReviewEntry.objects.filter(client_id=entry.client_id).first()
    if kept is not None and kept.status != ReviewEntry.Status.ACCEPTED:
        if kept.recorded_by_id != recorded_by.pk or kept.session_id != entry.session.pk:
            raise SessionError(
                _("This entry id was already used for another entry; reload the page and try again.")
            )
        return SyncAnswer("review", message=kept.reason)
    try:
        record, created, _total, _mine = record_create(
            session=entry.session,
            recorded_by=recorded_by,
            service=entry.service,
            client_id=entry.client_id,
            citizen_count=entry.citizen_count,
            is_tally=entry.is_tally,
            volunteer=volunteer,
            device_time=entry.device_time,
            made_at=entry.made_at,
            totals=False,
            **entry.details,
        )
    except NeedsReview as held:
        try:
            with transaction.atomic():
                ReviewEntry.objects.create(
                    client_id=entry.client_id,
                    session=entry.session,
                    service=entry.service,
                    citizen_count=entry.citizen_count,
                    is_tally=entry.is_tally,
                    details=dict(entry.details),
                    volunteer=volunteer,
                    recorded_by=recorded_by,
                    device_time=entry.device_time,
                    made_at=entry.made_at,
                    reason=str(held),
                )
        except IntegrityError:
            pass  # the same entry, kept by a request that won the race
        return SyncAnswer("review", message=str(held))
    return SyncAnswer("saved" if created else "duplicate", record=record)


def kept_entries(client_ids) -> dict:
    """The entries kept for review among `client_ids`, by client id, in one query."""
    return {entry.client_id: entry for entry in ReviewEntry.objects.filter(client_id__in=list(client_ids))}


@transaction.atomic
def review_accept(*, entry: ReviewEntry, accepted_by) -> HelpRecord:
    """The secretary accepts a kept entry: it becomes a record (same client id) and counts."""
    entry = ReviewEntry.objects.select_for_update().select_related("session", "service").get(pk=entry.pk)
    if entry.status != ReviewEntry.Status.PENDING:
        raise SessionError(_("This entry was already reviewed."))
    record = record_create(
        session=entry.session,
        recorded_by=entry.recorded_by,
        service=entry.service,
        client_id=entry.client_id,
        citizen_count=entry.citizen_count,
        is_tally=entry.is_tally,
        volunteer=entry.volunteer,
        device_time=entry.device_time,
        made_at=entry.made_at or entry.arrived_at,
        accepted_by=accepted_by,
        **entry.details,
    ).record
    RecordChange.objects.create(
        record=record,
        action=RecordChange.Action.CREATE,
        changed_by=accepted_by,
        after={"accepted": True, "reason": entry.reason},
    )
    entry.status = ReviewEntry.Status.ACCEPTED
    entry.reviewed_by = accepted_by
    entry.reviewed_at = timezone.now()
    entry.record = record
    entry.save(update_fields=["status", "reviewed_by", "reviewed_at", "record"])
    return record


@transaction.atomic
def review_reject(*, entry: ReviewEntry, rejected_by) -> ReviewEntry:
    """The secretary rejects a kept entry: it stays, marked rejected, and never counts."""
    entry = ReviewEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != ReviewEntry.Status.PENDING:
        raise SessionError(_("This entry was already reviewed."))
    entry.status = ReviewEntry.Status.REJECTED
    entry.reviewed_by = rejected_by
    entry.reviewed_at = timezone.now()
    entry.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return entry


def review_withdraw(*, client_id: uuid.UUID, user) -> bool:
    """The volunteer undid, on the phone, an entry kept for review: it stays, marked so."""
    return bool(
        ReviewEntry.objects.filter(
            client_id=client_id, recorded_by=user, status=ReviewEntry.Status.PENDING
        ).update(status=ReviewEntry.Status.WITHDRAWN, reviewed_at=timezone.now())
    )


# The ORM builds the tap's state-and-totals query once per process; later taps only swap the
# shift's and the user's ids into its parameters (building it costs more than running it).
_SHIFT_ID, _USER_ID = -7_400_001, -7_400_002
_shift_now_sql: dict[str, tuple[str, list]] = {}


def _shift_now_statement(totals: bool) -> tuple[str, list]:
    key = (connection.vendor, totals)
    if key not in _shift_now_sql:
        query = HelpSession.objects.filter(pk=_SHIFT_ID)
        if totals:
            counted = HelpRecord.objects.counted().filter(session=OuterRef("pk")).order_by().values("session")

            def citizens(records) -> Coalesce:
                return Coalesce(Subquery(records.annotate(total=Sum("citizen_count")).values("total")), 0)

            query = query.annotate(
                session_total=citizens(counted), my_total=citizens(counted.filter(recorded_by=_USER_ID))
            ).values_list("status", "closed_at", "session_total", "my_total")
        else:
            query = query.values_list("status", "closed_at")
        _shift_now_sql[key] = query.query.sql_with_params()
    return _shift_now_sql[key]


def _shift_now(
    session: HelpSession, user, *, lock: bool, totals: bool = True
) -> tuple[HelpSession, int, int]:
    """The shift's status and its citizens (all, and `user`'s) as they are now, in one query
    (without `totals`, only its status, and the totals are None).

    With `lock`, the shift stays locked until the transaction ends so that it cannot be cancelled
    or closed meanwhile (session_cancel and session_close take FOR UPDATE). The lock is FOR KEY
    SHARE, so volunteers recording on the same shift at the same moment do not wait for each other;
    Django's ORM has no such mode, so it is added to the ORM's own SQL (SQLite writes one at a time
    and needs none)."""
    sql, template = _shift_now_statement(totals)
    ids = {_SHIFT_ID: session.pk, _USER_ID: user.pk}
    params = [ids.get(value, value) if isinstance(value, int) else value for value in template]
    if lock and connection.vendor == "postgresql":
        sql += " FOR KEY SHARE"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    status, closed_at, session_total, my_total = row if totals else (*row, None, None)
    if connection.vendor == "sqlite":
        closed_at = HelpSession._meta.get_field("closed_at").to_python(closed_at)
    return HelpSession(pk=session.pk, status=status, closed_at=closed_at), session_total, my_total


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
    after = _snapshot(record)
    if after != before:
        RecordChange.objects.create(
            record=record,
            action=RecordChange.Action.UPDATE,
            changed_by=changed_by,
            before=_json({k: v for k, v in before.items() if before[k] != after[k]}),
            after=_json({k: v for k, v in after.items() if before[k] != after[k]}),
        )
        _audit(record, "record changed", fields=", ".join(sorted(k for k in after if before[k] != after[k])))
    return record


def _audit(record: HelpRecord, what: str, **details) -> None:
    province = Commune.objects.filter(pk=record.commune_id).values_list("province_id", flat=True).first()
    audit_event(record, what, commune_id=record.commune_id, province_id=province, **details)


@transaction.atomic
def record_delete(*, record: HelpRecord, deleted_by) -> HelpRecord:
    """Delete (or undo) an entry: it stops counting, and the history keeps who and when."""
    record = HelpRecord.objects.select_for_update().get(pk=record.pk)
    if record.is_deleted:
        return record
    record.deleted_at = timezone.now()
    record.deleted_by = deleted_by
    record.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    RecordChange.objects.create(record=record, action=RecordChange.Action.DELETE, changed_by=deleted_by)
    CitizenContact.objects.filter(record=record).delete()
    _audit(record, "record removed")
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
