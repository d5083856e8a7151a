"""Periodic work of the sessions app: reminders of tomorrow's shifts, erasing expired contacts."""

import datetime

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sessions.models import Attendance, HelpSession
from sessions.services import contacts_erase_expired


# At most once, unlike the other tasks (config/settings.py): a worker lost while sending would
# otherwise send every reminder again.
@shared_task(acks_late=False)
def send_shift_reminders() -> int:
    """Daily: e-mail each volunteer signed up for a shift tomorrow (volunteers with an address)."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    attendances = (
        Attendance.objects.filter(
            session__date=tomorrow,
            withdrawn_at__isnull=True,
            volunteer__is_active=True,
            session__closed_at__isnull=True,
        )
        .exclude(session__status=HelpSession.Status.CANCELLED)
        .exclude(volunteer__email="")
        .select_related("volunteer", "session__commune")
    )
    messages = []
    # Volunteers read Vietnamese; the wording lives in the translation catalogue.
    with translation.override(settings.LANGUAGE_CODE):
        for attendance in attendances:
            session = attendance.session
            body = render_to_string(
                "sessions/email/shift_reminder.txt", {"attendance": attendance, "session": session}
            )
            subject = _("Shift reminder for %(date)s") % {"date": f"{session.date:%d/%m}"}
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [attendance.volunteer.email]))
    if messages:
        send_mass_mail(messages, fail_silently=False)
    return len(messages)


@shared_task
def erase_expired_contacts() -> int:
    """Daily: erase citizens' names and phones kept past their retention period
    (docs/product.md, citizens' personal data)."""
    return contacts_erase_expired()
