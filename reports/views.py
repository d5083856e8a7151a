"""Dashboards, the province overview, the records behind each figure, exports, my record and
certificates of volunteer hours."""

import datetime
import io

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from access.decorators import mark_public, require, to_own_province
from access.scope import scope_for
from reports import services, tasks
from reports.charts import bar_chart
from reports.documents import ReportTexts, monthly_report_docx
from reports.forms import CertificateForm, RecordFilterForm, ReportDocumentForm
from reports.headlines import HEADLINE_KEYS, HEADLINES
from reports.models import Certificate, Export
from reports.periods import Period
from reports.selectors import dashboard, province_overview, records_in, volunteer_record
from sessions.models import HelpRecord, Service
from volunteers.audit import audit_event
from volunteers.models import Commune, Hamlet, Team, in_vietnamese_order
from volunteers.selectors import communes_without_secretary
from volunteers.text import collation_key, strip_diacritics

SORTABLE = ["name", *HEADLINE_KEYS]
OVERVIEW_COLUMNS = [(figure.key, figure.label) for figure in HEADLINES]


def _period(request) -> Period:
    """The period asked for; a period that cannot be read is refused with a message on the page."""
    period, error = Period.read(request.GET.get("period"))
    request.period_error = error
    return period


def _period_context(request, period) -> dict:
    error = getattr(request, "period_error", "")
    return {
        "period": period,
        "period_error": error,
        "period_typed": (request.GET.get("period") or "")[:40] if error else period.label(),
        "period_next": None if period.is_current_or_later else period.following(),
    }


def _status(request) -> int:
    return 400 if getattr(request, "period_error", "") else 200


@require("commune.read_reports")
def commune_dashboard(request, commune):
    period = _period(request)
    board = dashboard(period, commune=commune)
    context = {
        "commune": commune,
        "board": board,
        **_period_context(request, period),
        "citizen_chart": bar_chart([(row["period"].label(), row["citizen_turns"]) for row in board.trend]),
        "volunteer_chart": bar_chart(
            [(row["period"].label(), row["volunteer_turns"]) for row in board.trend]
        ),
        "tab": "dashboard",
    }
    return render(request, "reports/dashboard.html", context, status=_status(request))


@require("commune.read_reports")
def record_list(request, commune):
    period = _period(request)
    form = RecordFilterForm(request.GET or None, commune=commune)
    filters = form.filters()
    records = (
        records_in(period, commune=commune)
        .filter(**filters)
        .select_related("service", "session__team", "hamlet", "volunteer")
        .order_by("-helped_at", "-id")
    )
    page = Paginator(records, 100).get_page(request.GET.get("page"))
    total = records.aggregate(total=Sum("citizen_count"))["total"] or 0
    context = {
        "commune": commune,
        **_period_context(request, period),
        "page": page,
        "total": total,
        "filters": filters,
        "described": [(label, value, _without(request, name)) for name, label, value in form.described()],
        "clear_url": f"?period={period.key()}",
        "choices": {
            "service": Service.objects.select_related("category"),
            "team": in_vietnamese_order(Team.objects.filter(commune=commune), "-is_active"),
            "hamlet": in_vietnamese_order(Hamlet.objects.filter(commune=commune)),
            "outcome": HelpRecord.Outcome.choices,
        },
        "tab": "dashboard",
    }
    return render(request, "reports/record_list.html", context, status=_status(request))


def _without(request, name: str) -> str:
    """This page's address without one filter (nor the page number)."""
    query = request.GET.copy()
    query.pop(name, None)
    query.pop("page", None)
    return "?" + query.urlencode()


def _export(request, kind, params):
    try:
        export = tasks.export_start(user=request.user, kind=kind, params=params)
    except tasks.QueueUnavailable:
        response = render(request, "reports/export_unavailable.html", status=503)
        response["Retry-After"] = "60"
        return response
    return redirect("reports:export_status", export_id=export.pk)


@require_http_methods(["GET", "POST"])
@require("commune.read_reports")
def commune_report_document(request, commune):
    """The monthly report as a document ready to sign: a few lines typed here, then the .docx."""
    period = _period(request)
    initial = {"signer": request.user.get_full_name()}
    form = ReportDocumentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        output = io.BytesIO()
        monthly_report_docx(
            commune=commune, period=period, texts=ReportTexts(**form.cleaned_data), output=output
        )
        output.seek(0)
        filename = f"bao-cao-{slugify(strip_diacritics(commune.name))}-{period.key()}.docx"
        return FileResponse(output, as_attachment=True, filename=filename)
    context = {"commune": commune, "period": period, "form": form, "tab": "dashboard"}
    return render(request, "reports/report_document.html", context)


@require_POST
@require("commune.read_reports")
def commune_report_export(request, commune):
    return _export(
        request, Export.Kind.COMMUNE_REPORT, {"commune": commune.pk, "period": _period_post(request).key()}
    )


@require_POST
@require("commune.read_reports")
def commune_records_export(request, commune):
    form = RecordFilterForm(request.POST, commune=commune)
    return _export(
        request,
        Export.Kind.RECORDS_CSV,
        {"commune": commune.pk, "period": _period_post(request).key(), "filters": form.filters()},
    )


def _period_post(request) -> Period:
    return Period.parse(request.POST.get("period"))


def _activity(row) -> tuple:
    headline = row["headline"]
    return (headline.citizen_turns or 0, headline.volunteer_turns or 0, headline.sessions_held or 0)


@require("province.read_reports")
def province_overview_view(request, province):
    period = _period(request)
    rows, totals = province_overview(period, province=province)
    # By activity unless asked otherwise: the busiest first, the idle ones together at the end.
    sort = request.GET.get("sort", "activity")
    sort = sort if sort in SORTABLE or sort == "activity" else "activity"
    descending = request.GET.get("dir", "desc" if sort != "name" else "asc") == "desc"
    if sort == "name":
        rows.sort(key=lambda row: collation_key(row["commune"].name), reverse=descending)
    elif sort == "activity":
        rows.sort(key=lambda row: collation_key(row["commune"].name))
        rows.sort(key=_activity, reverse=descending)
    else:
        rows.sort(
            key=lambda row: (row["headline"].get(sort) is None, row["headline"].get(sort) or 0),
            reverse=descending,
        )
        if descending:
            rows.sort(key=lambda row: row["headline"].get(sort) is None)
    idle = sum(1 for row in rows if not row["headline"].has_activity)
    show = request.GET.get("show", "")
    show = show if show in {"idle", "active"} else ""
    if show:
        rows = [row for row in rows if row["headline"].has_activity == (show == "active")]
    context = {
        "province": province,
        **_period_context(request, period),
        "rows": rows,
        "totals": totals,
        "sort": sort,
        "descending": descending,
        "show": show,
        "idle": idle,
        "without_secretary": communes_without_secretary(province),
        "columns": [("name", _("Commune / ward")), *OVERVIEW_COLUMNS],
    }
    return render(request, "reports/province_overview.html", context, status=_status(request))


@require_POST
@require("province.read_reports")
def province_overview_export(request, province):
    return _export(
        request,
        Export.Kind.PROVINCE_OVERVIEW,
        {"province": province.pk, "period": _period_post(request).key()},
    )


@require_POST
@require("province.read_reports")
def province_records_export(request, province):
    kind = Export.Kind.RECORDS_XLSX if request.POST.get("format") == "xlsx" else Export.Kind.RECORDS_CSV
    return _export(request, kind, {"province": province.pk, "period": _period_post(request).key()})


@require("signed_in")
def my_province_overview(request):
    return to_own_province(
        request, "reports:province_overview", _("The province overview is for province officers.")
    )


@require("export.own")
def export_status(request, export):
    template = "reports/_export_status.html" if request.htmx else "reports/export_status.html"
    # The page waits while the export shows signs of life; then it says so and offers to try again.
    quiet_for = datetime.timedelta(seconds=settings.EXPORT_POLL_QUIET)
    context = {"export": export, "stopped": export.seems_stopped(quiet_for=quiet_for)}
    return render(request, template, context)


@require_POST
@require("export.own")
def export_again(request, export):
    """Try again: a new export of the same kind and place, if the user may still read it."""
    return _export(request, export.kind, export.params)


@require("export.own")
def export_download(request, export):
    if export.status != Export.Status.DONE or not export.file:
        messages.info(request, _("The file is not ready yet."))
        return redirect("reports:export_status", export_id=export.pk)
    try:
        file = export.file.open("rb")
    except FileNotFoundError:
        # Made once, gone since (a cleanup, a server restored without its media folder).
        return render(request, "reports/export_gone.html", {"export": export}, status=410)
    place = export.place
    if place is not None:
        commune = place.pk if isinstance(place, Commune) else None
        province = place.province_id if isinstance(place, Commune) else place.pk
        audit_event(
            export, "export downloaded", commune_id=commune, province_id=province, file=export.filename
        )
    return FileResponse(file, as_attachment=True, filename=export.filename)


# A volunteer's own record and certificates -----------------------------------------------------------


@require("signed_in")
def my_record(request):
    volunteer = scope_for(request.user).volunteer
    if volunteer is None:
        return render(request, "reports/my_record.html", {"volunteer": None})
    form = CertificateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        certificate = services.certificate_issue(
            volunteer=volunteer,
            first_day=form.cleaned_data["first_day"],
            last_day=form.cleaned_data["last_day"],
            issued_by=request.user,
        )
        return redirect("reports:certificate", certificate_code=certificate.code)
    context = {
        "volunteer": volunteer,
        "record": volunteer_record(volunteer),
        "form": form,
        "certificates": volunteer.certificates.all()[:20],
    }
    return render(request, "reports/my_record.html", context, status=400 if form.errors else 200)


@mark_public
def certificate(request, certificate_code):
    """The printable confirmation; public, so that anyone holding the code can check it."""
    found = (
        Certificate.objects.select_related("volunteer__commune__province")
        .filter(code=certificate_code.strip().upper())
        .first()
    )
    if found is None:
        return render(request, "reports/certificate_unknown.html", {"code": certificate_code}, status=404)
    verify_url = request.build_absolute_uri(
        reverse("reports:certificate", kwargs={"certificate_code": found.code})
    )
    return render(request, "reports/certificate.html", {"certificate": found, "verify_url": verify_url})


@mark_public
def certificate_lookup(request):
    code = "".join(ch for ch in (request.GET.get("code") or "").upper() if ch.isascii() and ch.isalnum())
    if code:
        return redirect("reports:certificate", certificate_code=code[:12])
    return render(request, "reports/certificate_lookup.html")
