"""Writes of the volunteers app that touch several rows: retiring, memberships, invitations."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from volunteers.audit import audit_event
from volunteers.models import Team, TeamMembership, Volunteer
from volunteers.text import strip_diacritics
from volunteers.tokens import invitation_tokens


@transaction.atomic
def team_retire(*, team: Team) -> Team:
    """Retire a team: it stays in history; its current memberships end today."""
    today = timezone.localdate()
    team.is_active = False
    team.retired_on = today
    team.save(update_fields=["is_active", "retired_on"])  # also makes cached access scopes stale
    team.memberships.filter(left_on__isnull=True).update(left_on=today)
    return team


class InviteRefused(Exception):
    """The account may not be handed a new password link by a commune secretary."""


def _is_privileged(user) -> bool:
    """Accounts a commune secretary must not control: staff, or holding a role somewhere."""
    return user.is_staff or user.is_superuser or user.role_assignments.exists()


@transaction.atomic
def volunteer_retire(*, volunteer: Volunteer) -> Volunteer:
    """A volunteer who stops: inactive, out of current teams, account unable to sign in."""
    today = timezone.localdate()
    volunteer.is_active = False
    volunteer.save(update_fields=["is_active", "updated_at"])  # also makes cached access scopes stale
    volunteer.memberships.filter(left_on__isnull=True).update(left_on=today)
    if volunteer.user_id and not _is_privileged(volunteer.user):
        volunteer.user.is_active = False
        volunteer.user.save(update_fields=["is_active"])
    return volunteer


@transaction.atomic
def volunteer_reactivate(*, volunteer: Volunteer) -> Volunteer:
    volunteer.is_active = True
    volunteer.save(update_fields=["is_active", "updated_at"])
    if volunteer.user_id and not _is_privileged(volunteer.user):
        volunteer.user.is_active = True
        volunteer.user.save(update_fields=["is_active"])
    return volunteer


@transaction.atomic
def membership_add(*, team: Team, volunteer: Volunteer, position: str, joined_on=None) -> TeamMembership:
    """Add a volunteer to a team, or change the position of a current member."""
    current = team.memberships.select_for_update().filter(volunteer=volunteer, left_on__isnull=True).first()
    if current is not None:
        current.position = position
        current.save(update_fields=["position"])
        return current
    return TeamMembership.objects.create(
        team=team, volunteer=volunteer, position=position, joined_on=joined_on or timezone.localdate()
    )


def membership_end(*, membership: TeamMembership, left_on=None) -> TeamMembership:
    membership.left_on = max(left_on or timezone.localdate(), membership.joined_on)
    membership.save(update_fields=["left_on"])
    return membership


def _free_username(base: str) -> str:
    User = get_user_model()
    candidate = base
    suffix = 1
    while User.objects.filter(username=candidate).exists():
        suffix += 1
        candidate = f"{base}{suffix}"
    return candidate


@transaction.atomic
def volunteer_invite(*, volunteer: Volunteer) -> str:
    """Give a volunteer a sign-in account (if none) and return the path of a one-time link to set
    its password. The link stops working once the password is set. An account that already has a
    password, or that holds a role, is refused: the link would let the secretary take it over."""
    User = get_user_model()
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    user = volunteer.user
    if user is None:
        if volunteer.phone:
            base = "0" + volunteer.phone[3:]
        else:
            base = slugify(strip_diacritics(volunteer.full_name)).replace("-", ".") or "tnv"
        user = User.objects.create_user(
            username=_free_username(base),
            email=volunteer.email,
            first_name=volunteer.full_name,
        )
        user.set_unusable_password()
        user.save()
        volunteer.user = user
        volunteer.save(update_fields=["user", "updated_at"])
    elif _is_privileged(user) or user.has_usable_password():
        raise InviteRefused
    audit_event(
        volunteer,
        "invitation issued",
        commune_id=volunteer.commune_id,
        province_id=volunteer.commune.province_id,
        username=user.username,
    )
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_tokens.make_token(user)
    return reverse("set_password", kwargs={"uidb64": uid, "token": token})
