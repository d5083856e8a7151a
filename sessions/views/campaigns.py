"""Campaigns with targets: a commune's own and those a province officer plans for the province."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from access.decorators import require, to_own_province
from access.rules import allows
from sessions.forms import (
    CampaignForm,
    TargetFormSet,
)
from sessions.models import Campaign
from sessions.selectors import (
    campaign_progress,
    campaigns_for_commune,
    session_list,
)


@require("commune.read_reports")
def campaign_list(request, commune):
    campaigns = campaigns_for_commune(commune)
    return render(
        request,
        "sessions/campaign_list.html",
        {
            "commune": commune,
            "campaigns": campaigns,
            "can_manage": allows(request.user, commune, "commune.manage"),
            "tab": "campaigns",
        },
    )


def _campaign_form(request, campaign, place):
    """Create or edit a campaign of `place`: a commune's goes on to its own page, a province's back
    to the province's list."""
    for_province = campaign.province_id is not None
    form = CampaignForm(request.POST or None, instance=campaign)
    targets = TargetFormSet(request.POST or None, instance=campaign, prefix="targets")
    if request.method == "POST" and form.is_valid() and targets.is_valid():
        with transaction.atomic():
            campaign = form.save(commit=False)
            if campaign.created_by_id is None:
                campaign.created_by = request.user
            campaign.save()
            targets.instance = campaign
            targets.save()
        messages.success(request, _("The campaign “%(name)s” was saved.") % {"name": campaign.name})
        if for_province:
            return redirect("sessions:province_campaigns", province_code=place.code)
        return redirect("sessions:campaign_detail", code=place.code, campaign_id=campaign.pk)
    place_context = {"province": place} if for_province else {"commune": place, "tab": "campaigns"}
    return render(
        request,
        "sessions/campaign_form.html",
        {"form": form, "targets": targets, "campaign": campaign, **place_context},
    )


@require("commune.manage")
def campaign_create(request, commune):
    return _campaign_form(request, Campaign(commune=commune), commune)


def _commune_campaign(commune, campaign_id):
    return get_object_or_404(campaigns_for_commune(commune), pk=campaign_id)


@require("commune.read_reports")
def campaign_detail(request, commune, campaign_id):
    campaign = _commune_campaign(commune, campaign_id)
    province_wide = campaign.province_id is not None
    context = {
        "commune": commune,
        "campaign": campaign,
        "progress": campaign_progress(campaign, commune if province_wide else None),
        "province_progress": campaign_progress(campaign) if province_wide else None,
        "can_edit": campaign.commune_id == commune.pk and allows(request.user, commune, "commune.manage"),
        "sessions": session_list(sessions=campaign.help_sessions.filter(commune=commune))[:200],
        "tab": "campaigns",
    }
    return render(request, "sessions/campaign_detail.html", context)


@require("commune.manage")
def campaign_edit(request, commune, campaign_id):
    return _campaign_form(request, get_object_or_404(Campaign, pk=campaign_id, commune=commune), commune)


@require("signed_in")
def my_province_campaigns(request):
    return to_own_province(
        request, "sessions:province_campaigns", _("Province campaigns are planned by province officers.")
    )


@require("province.manage_campaigns")
def province_campaigns(request, province):
    campaigns = Campaign.objects.filter(province=province)
    return render(request, "sessions/province_campaigns.html", {"province": province, "campaigns": campaigns})


@require("province.manage_campaigns")
def province_campaign_create(request, province):
    return _campaign_form(request, Campaign(province=province), province)


@require("province.manage_campaigns")
def province_campaign_edit(request, province, province_campaign_id):
    campaign = get_object_or_404(Campaign, pk=province_campaign_id, province=province)
    return _campaign_form(request, campaign, province)
