"""Private calendar feeds: a secret address per person that calendar apps fetch without signing in."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from volunteers.models import Commune


def new_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A volunteer's own shifts, or (for a secretary) all of a commune's shifts, as iCalendar at a
    secret address. Revoking it makes the address answer 404 for good; a new one can be made."""

    class Kind(models.TextChoices):
        MY_SHIFTS = "my_shifts", _("my shifts")
        COMMUNE = "commune", _("the commune's shifts")

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="my_shifts", commune__isnull=True)
                | models.Q(kind="commune", commune__isnull=False),
                name="calendar_feed_commune_for_commune_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.user}"
