"""Writes of the reports app: asking for an export, building it, issuing certificates."""

import datetime
import logging

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports import exports
from reports.models import Certificate, Export
from reports.periods import Period
from reports.selectors import volunteer_totals_between
from volunteers.models import Commune, Province, Volunteer

logger = logging.getLogger(__name__)


def export_request(*, user, kind: str, params: dict) -> Export:
    """Record the request and queue the task once the row is committed."""
    from reports.tasks import run_export

    export = Export.objects.create(user=user, kind=kind, params=params)
    transaction.on_commit(lambda: run_export.delay(str(export.pk)))
    return export


def _filename(export: Export, period: Period) -> str:
    place = export.params.get("commune") or export.params.get("province")
    if export.kind == Export.Kind.COMMUNE_REPORT:
        return f"bao-cao-{place}-{period.key()}.xlsx"
    if export.kind == Export.Kind.PROVINCE_OVERVIEW:
        return f"tong-hop-tinh-{place}-{period.key()}.xlsx"
    extension = "xlsx" if export.kind == Export.Kind.RECORDS_XLSX else "csv"
    return f"luot-ho-tro-{place}-{period.key()}.{extension}"


def export_run(export_id) -> Export:
    """Build the file of an export. Access is checked again here, as the user's scope may have
    changed since the request."""
    export = Export.objects.select_related("user").get(pk=export_id)
    if export.status == Export.Status.DONE:
        return export
    export.status = Export.Status.RUNNING
    export.save(update_fields=["status"])

    def progress(percent: int) -> None:
        Export.objects.filter(pk=export.pk).update(progress=min(100, max(0, percent)))

    period = Period.parse(export.params.get("period"))
    record_scope = {
        "user": export.user,
        "commune": Commune.objects.filter(pk=export.params.get("commune")).first(),
        "province": Province.objects.filter(pk=export.params.get("province")).first(),
        "period": period,
        "filters": export.params.get("filters") or {},
        "progress": progress,
    }
    builders = {
        Export.Kind.COMMUNE_REPORT: lambda output: exports.commune_report_xlsx(
            user=export.user,
            commune=Commune.objects.get(pk=export.params["commune"]),
            period=period,
            output=output,
            progress=progress,
        ),
        Export.Kind.PROVINCE_OVERVIEW: lambda output: exports.province_overview_xlsx(
            user=export.user,
            province=Province.objects.get(pk=export.params["province"]),
            period=period,
            output=output,
            progress=progress,
        ),
        Export.Kind.RECORDS_XLSX: lambda output: exports.records_xlsx(output=output, **record_scope),
        Export.Kind.RECORDS_CSV: lambda output: exports.records_csv(output=output, **record_scope),
    }
    try:
        with exports.spooled_file() as output:
            export.rows = builders[export.kind](output)
            output.seek(0)
            export.filename = _filename(export, period)
            export.file.save(export.filename, File(output), save=False)
    except PermissionDenied:
        export.status, export.error = Export.Status.FAILED, _("Your account may no longer read this place.")
    except Exception:
        logger.exception("export %s failed", export.pk)
        export.status, export.error = Export.Status.FAILED, _("The file could not be made; please try again.")
    else:
        export.status, export.progress = Export.Status.DONE, 100
    export.finished_at = timezone.now()
    export.save()
    return export


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
