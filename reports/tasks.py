"""Celery tasks of the reports app: thin wrappers around services."""

import datetime

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reports.services import export_run
from reports.tallies import tallies_close_month
from sessions.models import Attendance, HelpSession


@shared_task
def run_export(export_id: str) -> str:
    return export_run(export_id).status


@shared_task
def close_month() -> int:
    """On the 1st: sum the month that just ended into the monthly rollup (reports.tallies)."""
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    return tallies_close_month(last_month)


@shared_task
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
                "reports/email/shift_reminder.txt", {"attendance": attendance, "session": session}
            )
            subject = _("Shift reminder for %(date)s") % {"date": f"{session.date:%d/%m}"}
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [attendance.volunteer.email]))
    if messages:
        send_mass_mail(messages, fail_silently=False)
    return len(messages)
