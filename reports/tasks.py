"""Celery tasks of the reports app: thin wrappers around services.

Tasks serve users like views do, so they sit above the access layer: the export task asks it
whether the file may still be made.
"""

import datetime
import logging

from celery import current_app, shared_task
from django.conf import settings
from django.utils import timezone
from kombu.exceptions import KombuError

from access.rules import export_may_be_made
from reports.models import Export
from reports.services import export_request, export_run, exports_sweep
from reports.tallies import tallies_close_month, tallies_refresh_stale

logger = logging.getLogger(__name__)


class QueueUnavailable(Exception):
    """The broker could not be reached: the export was not queued, and its row is gone."""


def export_start(*, user, kind: str, params: dict) -> Export:
    """Ask for an export: the row, then the task that builds the file, both before answering.

    Publishing inside the request (rather than after commit) lets a broker that cannot be reached
    be told to the user at once, without leaving a row that would wait forever. The row is
    committed first (requests run in autocommit), so the worker always finds it."""
    export = export_request(user=user, kind=kind, params=params)
    try:
        _queue(export)
    except (KombuError, OSError) as error:
        logger.error("export %s not queued, broker unreachable: %s", export.pk, error)
        export.delete()
        raise QueueUnavailable from error
    return export


def _queue(export: Export) -> None:
    if current_app.conf.task_always_eager:
        run_export.apply((str(export.pk),), throw=True)
        return
    # A connection of its own that tries once: the pooled one retries for the whole connect timeout.
    with current_app.connection_for_write(transport_options={"max_retries": 0}) as connection:
        run_export.apply_async((str(export.pk),), connection=connection, retry=False)


@shared_task(
    ignore_result=True,  # the Export row is the result; and publishing then needs no result backend
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.EXPORT_SOFT_TIME_LIMIT,
    time_limit=settings.EXPORT_TIME_LIMIT,
)
def run_export(export_id: str) -> str | None:
    export = export_run(export_id, still_allowed=export_may_be_made)
    return export.status if export else None


@shared_task(ignore_result=True)
def sweep_exports() -> dict[str, int]:
    """Every minute: re-queue once, then fail, exports that stopped (reports.services)."""
    return exports_sweep(
        stalled_after=datetime.timedelta(seconds=settings.EXPORT_STALLED_AFTER),
        pending_after=datetime.timedelta(seconds=settings.EXPORT_PENDING_AFTER),
        requeues=settings.EXPORT_REQUEUES,
        requeue=_queue,
    )


@shared_task
def close_month() -> int:
    """On the 1st: sum the month that just ended into the monthly rollup (reports.tallies)."""
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    return tallies_close_month(last_month)


@shared_task
def refresh_stale_tallies() -> int:
    """Every few minutes: bring commune-months changed since they were tallied back to their sums,
    so that reports read them from the rollup again (they are exact meanwhile, from the rows)."""
    return tallies_refresh_stale()
