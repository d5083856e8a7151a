"""The secretary's screens: roster, volunteers, teams, hamlets, invitations, import and export."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.decorators import require
from access.rules import allows, communes_for
from volunteers import services
from volunteers.forms import (
    HamletForm,
    MembershipForm,
    RosterFilterForm,
    RosterImportForm,
    TeamForm,
    VolunteerForm,
)
from volunteers.models import Hamlet, Team, Volunteer, vietnamese_order
from volunteers.roster_io import (
    COLUMNS,
    RosterFileError,
    roster_export_xlsx,
    roster_import,
    roster_template_csv,
    roster_template_xlsx,
)
from volunteers.selectors import audit_entries, roster_list, team_members

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _commune_context(request, commune, **extra):
    return {
        "commune": commune,
        "can_manage": allows(request.user, commune, "commune.manage"),
        **extra,
    }


def _form_page(request, form, template, context, *, saved_message, next_url):
    """A page with one form: once it is valid, save it, say `saved_message(saved)` and go on to
    `next_url(saved)`."""
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, saved_message(saved))
        return redirect(next_url(saved))
    return render(request, template, {**context, "form": form})


def _volunteer_url(volunteer) -> str:
    return reverse(
        "volunteers:volunteer_detail", kwargs={"code": volunteer.commune_id, "volunteer_id": volunteer.pk}
    )


def _team_url(team) -> str:
    return reverse("volunteers:team_detail", kwargs={"code": team.commune_id, "team_id": team.pk})


def _hamlets_url(hamlet) -> str:
    return reverse("volunteers:hamlet_list", kwargs={"code": hamlet.commune_id})


def _commune_home(user, commune) -> str:
    return reverse("reports:dashboard", kwargs={"code": commune.code})


@require("signed_in")
def unit_list(request):
    communes = list(
        communes_for(request.user, "commune.read_reports").annotate(
            volunteer_count=Count("volunteers", filter=Q(volunteers__is_active=True), distinct=True),
            team_count=Count("teams", filter=Q(teams__is_active=True), distinct=True),
        )
    )
    if len(communes) == 1:
        return redirect(_commune_home(request.user, communes[0]))
    for commune in communes:
        commune.home_url = _commune_home(request.user, commune)
    return render(request, "volunteers/unit_list.html", {"communes": communes})


# Roster ---------------------------------------------------------------------------------------------


def _roster_filters(request, commune):
    form = RosterFilterForm(request.GET or None, commune=commune)
    filters = {"search": "", "team_id": None, "hamlet_id": None, "active": True}
    if form.is_valid():
        data = form.cleaned_data
        filters["search"] = data["q"]
        filters["team_id"] = data["team"].pk if data["team"] else None
        filters["hamlet_id"] = data["hamlet"].pk if data["hamlet"] else None
        filters["active"] = {"active": True, "retired": False, "all": None}.get(data["status"] or "active")
    return form, filters


@require("commune.read_roster")
def roster(request, commune):
    form, filters = _roster_filters(request, commune)
    volunteers = roster_list(commune=commune, **filters)
    page = Paginator(volunteers, 50).get_page(request.GET.get("page"))
    context = _commune_context(request, commune, form=form, page=page, tab="roster")
    if request.htmx:
        return render(request, "volunteers/_roster_table.html", context)
    return render(request, "volunteers/roster.html", context)


@require("commune.read_roster")
def roster_export(request, commune):
    _form, filters = _roster_filters(request, commune)
    volunteers = roster_list(commune=commune, **filters)
    return _download(roster_export_xlsx(volunteers), f"danh-sach-tnv-{commune.code}.xlsx", XLSX)


@require("commune.manage")
def roster_template(request, commune, file_format):
    if file_format not in {"xlsx", "csv"}:
        raise Http404(_("The template exists as .xlsx and .csv only."))
    if file_format == "csv":
        return _download(roster_template_csv(), "mau-danh-sach-tnv.csv", "text/csv; charset=utf-8")
    return _download(roster_template_xlsx(), "mau-danh-sach-tnv.xlsx", XLSX)


@require("commune.manage")
def roster_upload(request, commune):
    report = None
    file_error = None
    if request.method == "POST":
        form = RosterImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = roster_import(commune=commune, upload=form.cleaned_data["file"])
            except RosterFileError as error:
                file_error = str(error)
            if report is not None and not report.bad_rows:
                messages.success(
                    request,
                    _("Roster imported: %(created)s new volunteers, %(updated)s updated.")
                    % {"created": report.created, "updated": report.updated},
                )
                return redirect("volunteers:roster", code=commune.code)
    else:
        form = RosterImportForm()
    context = _commune_context(
        request, commune, form=form, report=report, file_error=file_error, columns=COLUMNS, tab="import"
    )
    status = 400 if (report and report.bad_rows) or file_error or form.errors else 200
    return render(request, "volunteers/roster_import.html", context, status=status)


# Volunteers -----------------------------------------------------------------------------------------


@require("commune.manage")
def volunteer_create(request, commune):
    return _form_page(
        request,
        VolunteerForm(request.POST or None, commune=commune),
        "volunteers/volunteer_form.html",
        _commune_context(request, commune),
        saved_message=lambda volunteer: (
            _("%(name)s was added to the roster.") % {"name": volunteer.full_name}
        ),
        next_url=_volunteer_url,
    )


@require("commune.read_roster")
def volunteer_detail(request, commune, volunteer_id):
    volunteer = get_object_or_404(
        Volunteer.objects.select_related("hamlet", "user"), pk=volunteer_id, commune=commune
    )
    memberships = volunteer.memberships.select_related("team").order_by("left_on", "-joined_on")
    invite_link = request.session.pop(f"invite-{volunteer.pk}", None)
    context = _commune_context(
        request,
        commune,
        volunteer=volunteer,
        memberships=memberships,
        invite_link=request.build_absolute_uri(invite_link) if invite_link else None,
    )
    return render(request, "volunteers/volunteer_detail.html", context)


@require("commune.manage")
def volunteer_edit(request, commune, volunteer_id):
    volunteer = get_object_or_404(Volunteer, pk=volunteer_id, commune=commune)
    return _form_page(
        request,
        VolunteerForm(request.POST or None, instance=volunteer, commune=commune),
        "volunteers/volunteer_form.html",
        _commune_context(request, commune, volunteer=volunteer),
        saved_message=lambda saved: _("Changes to %(name)s were saved.") % {"name": saved.full_name},
        next_url=_volunteer_url,
    )


@require_POST
@require("commune.manage")
def volunteer_retire(request, commune, volunteer_id):
    volunteer = get_object_or_404(Volunteer, pk=volunteer_id, commune=commune)
    if volunteer.is_active:
        services.volunteer_retire(volunteer=volunteer)
        messages.success(
            request, _("%(name)s is now marked as no longer active.") % {"name": volunteer.full_name}
        )
    else:
        services.volunteer_reactivate(volunteer=volunteer)
        messages.success(request, _("%(name)s is active again.") % {"name": volunteer.full_name})
    return redirect("volunteers:volunteer_detail", code=commune.code, volunteer_id=volunteer.pk)


@require_POST
@require("commune.manage")
def volunteer_invite(request, commune, volunteer_id):
    volunteer = get_object_or_404(Volunteer, pk=volunteer_id, commune=commune)
    if not volunteer.is_active:
        messages.error(request, _("Reactivate the volunteer before inviting them to sign in."))
    else:
        try:
            request.session[f"invite-{volunteer.pk}"] = services.volunteer_invite(volunteer=volunteer)
        except services.InviteRefused:
            messages.error(
                request,
                _(
                    "This volunteer already has a password or another role; they change their password "
                    "themselves, and a forgotten one is reset by the administrator."
                ),
            )
    return redirect("volunteers:volunteer_detail", code=commune.code, volunteer_id=volunteer.pk)


# Teams ----------------------------------------------------------------------------------------------


@require("commune.read_roster")
def team_list(request, commune):
    teams = (
        Team.objects.filter(commune=commune)
        .select_related("hamlet")
        .annotate(member_count=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
        .order_by("-is_active", *vietnamese_order(), "pk")
    )
    return render(
        request, "volunteers/team_list.html", _commune_context(request, commune, teams=teams, tab="teams")
    )


@require("commune.manage")
def team_create(request, commune):
    return _form_page(
        request,
        TeamForm(request.POST or None, commune=commune),
        "volunteers/team_form.html",
        _commune_context(request, commune, tab="teams"),
        saved_message=lambda team: _("The team %(name)s was created.") % {"name": team.name},
        next_url=_team_url,
    )


@require("team.view", also=["team.manage"])
def team_detail(request, team):
    context = _commune_context(
        request,
        team.commune,
        team=team,
        members=team_members(team=team),
        past_members=team.memberships.filter(left_on__isnull=False).select_related("volunteer"),
        can_manage_team=team.allowed["team.manage"],
        membership_form=MembershipForm(team=team),
        tab="teams",
    )
    return render(request, "volunteers/team_detail.html", context)


@require("team.manage")
def team_edit(request, team):
    return _form_page(
        request,
        TeamForm(request.POST or None, instance=team, commune=team.commune),
        "volunteers/team_form.html",
        _commune_context(request, team.commune, team=team, tab="teams"),
        saved_message=lambda saved: _("Changes to the team were saved."),
        next_url=_team_url,
    )


@require_POST
@require("team.manage")
def team_retire(request, team):
    if team.is_active:
        services.team_retire(team=team)
        messages.success(
            request, _("The team %(name)s was retired; its history is kept.") % {"name": team.name}
        )
    return redirect("volunteers:team_detail", code=team.commune_id, team_id=team.pk)


@require_POST
@require("team.manage")
def membership_add(request, team):
    form = MembershipForm(request.POST, team=team)
    if not team.is_active:
        messages.error(request, _("This team is retired; members can no longer be added."))
    elif form.is_valid():
        data = form.cleaned_data
        services.membership_add(
            team=team, volunteer=data["volunteer"], position=data["position"], joined_on=data["joined_on"]
        )
        messages.success(request, _("%(name)s is now in the team.") % {"name": data["volunteer"].full_name})
    else:
        messages.error(
            request,
            _("The member was not added: %(errors)s")
            % {"errors": "; ".join(message for errors in form.errors.values() for message in errors)},
        )
    return redirect("volunteers:team_detail", code=team.commune_id, team_id=team.pk)


@require_POST
@require("team.manage")
def membership_end(request, team, membership_id):
    membership = get_object_or_404(team.memberships, pk=membership_id, left_on__isnull=True)
    services.membership_end(membership=membership)
    messages.success(request, _("%(name)s has left the team.") % {"name": membership.volunteer.full_name})
    return redirect("volunteers:team_detail", code=team.commune_id, team_id=team.pk)


# Hamlets --------------------------------------------------------------------------------------------


@require("commune.read_roster")
def hamlet_list(request, commune):
    hamlets = (
        Hamlet.objects.filter(commune=commune)
        .annotate(volunteer_count=Count("volunteers", filter=Q(volunteers__is_active=True)))
        .order_by("-is_active", *vietnamese_order(), "pk")
    )
    context = _commune_context(
        request, commune, hamlets=hamlets, form=HamletForm(commune=commune), tab="hamlets"
    )
    return render(request, "volunteers/hamlet_list.html", context)


@require("commune.manage")
def hamlet_create(request, commune):
    return _form_page(
        request,
        HamletForm(request.POST or None, commune=commune),
        "volunteers/hamlet_form.html",
        _commune_context(request, commune, tab="hamlets"),
        saved_message=lambda hamlet: _("%(name)s was added.") % {"name": hamlet.name},
        next_url=_hamlets_url,
    )


@require("commune.manage")
def hamlet_edit(request, commune, hamlet_id):
    hamlet = get_object_or_404(Hamlet, pk=hamlet_id, commune=commune)
    return _form_page(
        request,
        HamletForm(request.POST or None, instance=hamlet, commune=commune),
        "volunteers/hamlet_form.html",
        _commune_context(request, commune, hamlet=hamlet, tab="hamlets"),
        saved_message=lambda saved: _("Changes to %(name)s were saved.") % {"name": saved.name},
        next_url=_hamlets_url,
    )


@require_POST
@require("commune.manage")
def hamlet_retire(request, commune, hamlet_id):
    hamlet = get_object_or_404(Hamlet, pk=hamlet_id, commune=commune)
    hamlet.is_active = not hamlet.is_active
    hamlet.save(update_fields=["is_active"])
    if hamlet.is_active:
        messages.success(request, _("%(name)s is in use again.") % {"name": hamlet.name})
    else:
        messages.success(request, _("%(name)s is retired; its history is kept.") % {"name": hamlet.name})
    return redirect("volunteers:hamlet_list", code=commune.code)


# The audit log ---------------------------------------------------------------------------------------


def _audit_page(request, entries, **context):
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "volunteers/audit_log.html", {"page": page, **context})


@require("commune.manage")
def commune_audit(request, commune):
    return _audit_page(request, audit_entries(commune_id=commune.pk), commune=commune, place=commune)


@require("province.read_reports")
def province_audit(request, province):
    return _audit_page(request, audit_entries(province_id=province.pk), province=province, place=province)
