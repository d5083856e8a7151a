"""Writes of the reports app: asking for an export, building it, issuing certificates."""

import datetime
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from reports import exports
from reports.models import Certificate, Export
from reports.periods import Period
from reports.selectors import volunteer_totals_between
from volunteers.models import Commune, Province, Volunteer
from volunteers.text import slug_vi

logger = logging.getLogger(__name__)


def export_request(*, user, kind: str, params: dict) -> Export:
    """Record the request; reports.tasks.export_start queues the task that builds the file."""
    return Export.objects.create(user=user, kind=kind, params=params)


def _filename(export: Export, period: Period) -> str:
    """bao-cao-phuong-vinh-phuc-2025-08.xlsx: the place's name without diacritics, and the period."""
    place = export.place
    place = slug_vi(place.name) if place is not None else "khong-ro"
    if export.kind == Export.Kind.COMMUNE_REPORT:
        return f"bao-cao-{place}-{period.key()}.xlsx"
    if export.kind == Export.Kind.PROVINCE_OVERVIEW:
        return f"tong-hop-{place}-{period.key()}.xlsx"
    extension = "xlsx" if export.kind == Export.Kind.RECORDS_XLSX else "csv"
    return f"luot-ho-tro-{place}-{period.key()}.{extension}"


# A task that kills its worker (out of memory, say) comes back each time the worker is lost.
EXPORT_MAX_RUNS = 3
# Progress is written at most this often (and whenever the percentage changes): each write is
# also the sign of life the sweep looks for.
HEARTBEAT_EVERY = datetime.timedelta(seconds=5)


class _Superseded(Exception):
    """Another run of the same export started after this one (a redelivered or re-queued task)."""


def export_run(export_id, *, still_allowed: Callable[[Export], bool]) -> Export | None:
    """Build the file of an export. Access is asked again (`still_allowed`, from the access layer
    above this app), as the user's scope may have changed since the request.

    Safe to run twice, even at once: each run takes a number, starts over from nothing, and only
    the latest run may report progress or finish, so one file is left. Whatever goes wrong, the
    export ends failed with a reason (export_fail), unless a later run has taken it over."""
    run = None
    try:
        export = Export.objects.select_related("user").get(pk=export_id)
        if not export.is_unfinished:
            return export  # delivered again after it ended: nothing to do
        run = _export_begin(export)
        if run > EXPORT_MAX_RUNS:
            return export_fail(export_id, reason=_("The file could not be made after several tries."))
        if not still_allowed(export):
            return export_fail(export_id, run=run, reason=_("Your account may no longer read this place."))
        return _export_build(export, run)
    except _Superseded:
        logger.info("export %s: run %s gave way to a later run", export_id, run)
        return None
    except Exception:
        logger.exception("export %s failed", export_id)
        return export_fail(export_id, run=run, reason=_("The file could not be made; please try again."))


def _export_begin(export: Export) -> int:
    """Take the next run number and start over: no progress, no file of an earlier run."""
    with transaction.atomic():
        locked = Export.objects.select_for_update().get(pk=export.pk)
        run = locked.runs + 1
        old_file = locked.file.name
        Export.objects.filter(pk=export.pk).update(
            runs=run, status=Export.Status.RUNNING, progress=0, rows=0, file="", heartbeat_at=timezone.now()
        )
    if old_file:
        export.file.storage.delete(old_file)
    export.runs, export.status, export.progress, export.file = run, Export.Status.RUNNING, 0, None
    return run


def _export_build(export: Export, run: int) -> Export:
    this_run = Export.objects.filter(pk=export.pk, runs=run)
    last_write = {"percent": 0, "at": timezone.now()}

    def progress(percent: int) -> None:
        percent = min(100, max(0, percent))
        pause = getattr(settings, "EXPORT_PROGRESS_PAUSE", 0)  # tests only: time to kill a worker
        if pause:
            time.sleep(pause)
        now = timezone.now()
        if percent == last_write["percent"] and now - last_write["at"] < HEARTBEAT_EVERY:
            return
        if not this_run.update(progress=percent, heartbeat_at=now):
            raise _Superseded
        last_write.update(percent=percent, at=now)

    period = Period.parse(export.params.get("period"))
    record_scope = {
        "commune": Commune.objects.filter(pk=export.params.get("commune")).first(),
        "province": Province.objects.filter(pk=export.params.get("province")).first(),
        "period": period,
        "filters": export.params.get("filters") or {},
        "progress": progress,
    }
    builders = {
        Export.Kind.COMMUNE_REPORT: lambda output: exports.commune_report_xlsx(
            commune=Commune.objects.get(pk=export.params["commune"]),
            period=period,
            output=output,
            progress=progress,
        ),
        Export.Kind.PROVINCE_OVERVIEW: lambda output: exports.province_overview_xlsx(
            province=Province.objects.get(pk=export.params["province"]),
            period=period,
            output=output,
            progress=progress,
        ),
        Export.Kind.RECORDS_XLSX: lambda output: exports.records_xlsx(output=output, **record_scope),
        Export.Kind.RECORDS_CSV: lambda output: exports.records_csv(output=output, **record_scope),
    }
    with exports.spooled_file() as output:
        rows = builders[export.kind](output)
        output.seek(0)
        filename = _filename(export, period)
        name = export.file.storage.save(export.file.field.generate_filename(export, filename), File(output))
    finished = this_run.update(
        status=Export.Status.DONE,
        progress=100,
        rows=rows,
        file=name,
        filename=filename,
        error="",
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    if not finished:
        export.file.storage.delete(name)
        raise _Superseded
    export.refresh_from_db()
    return export


def export_fail(export_id, *, reason: str, run: int | None = None) -> Export | None:
    """Mark an export failed, on a fresh database connection: the error being handled may have
    come from the connection itself, which then refuses every query. With `run`, only if no later
    run has taken the export over."""
    if not connection.in_atomic_block:  # the caller's transaction, if any, is the caller's to end
        connection.close()
    unfinished = Export.objects.filter(
        pk=export_id, status__in=[Export.Status.PENDING, Export.Status.RUNNING]
    )
    if run is not None:
        unfinished = unfinished.filter(runs=run)
    unfinished.update(status=Export.Status.FAILED, error=reason, finished_at=timezone.now())
    return Export.objects.filter(pk=export_id).first()


def exports_sweep(
    *,
    stalled_after: datetime.timedelta,
    pending_after: datetime.timedelta,
    requeue: Callable[[Export], None],
    requeues: int = 1,
) -> dict[str, int]:
    """Find exports that stopped: running with no sign of life for `stalled_after`, or waiting in
    the queue for `pending_after` (a lost worker whose task the broker has not given back, a
    broker that lost its queue). Queue each again `requeues` times, then mark it failed."""
    now = timezone.now()
    stopped = Export.objects.filter(
        Q(status=Export.Status.RUNNING, heartbeat_at__lt=now - stalled_after)
        | Q(status=Export.Status.PENDING, heartbeat_at__lt=now - pending_after)
    )
    counts = {"requeued": 0, "failed": 0}
    for export in stopped:
        # Only if nothing moved since it was read: a worker may be reporting right now.
        same = Export.objects.filter(pk=export.pk, status=export.status, heartbeat_at=export.heartbeat_at)
        if export.requeues < requeues:
            if same.update(
                status=Export.Status.PENDING, progress=0, requeues=F("requeues") + 1, heartbeat_at=now
            ):
                logger.warning("export %s stopped (%s); queued again", export.pk, export.status)
                try:
                    requeue(export)
                except Exception:
                    logger.exception("export %s could not be queued again", export.pk)
                    export_fail(export.pk, reason=_("The file could not be queued; please try again."))
                    counts["failed"] += 1
                else:
                    counts["requeued"] += 1
        elif same.update(
            status=Export.Status.FAILED,
            error=_("Making the file stopped and did not resume; please try again."),
            finished_at=now,
        ):
            logger.warning("export %s stopped again (%s); failed", export.pk, export.status)
            counts["failed"] += 1
    return counts


@transaction.atomic
def certificate_issue(
    *, volunteer: Volunteer, first_day: datetime.date, last_day: datetime.date, issued_by
) -> Certificate:
    totals = volunteer_totals_between(volunteer, first_day, last_day)
    return Certificate.objects.create(
        volunteer=volunteer,
        first_day=first_day,
        last_day=last_day,
        shifts=totals["shifts"],
        minutes=totals["minutes"],
        citizen_turns=totals["citizens"],
        issued_by=issued_by,
    )
