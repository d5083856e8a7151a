"""Celery tasks of the reports app: thin wrappers around services."""

import datetime

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import timezone

from reports.services import export_run
from sessions.models import Attendance, HelpSession


@shared_task
def run_export(export_id: str) -> str:
    return export_run(export_id).status


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
    for attendance in attendances:
        session = attendance.session
        body = (
            f"Chào {attendance.volunteer.full_name},\n\n"
            f"Bạn có ca trực ngày mai {session.date:%d/%m/%Y}, {session.time_range}, "
            f"tại {session.get_place_kind_display()}"
            f"{' (' + session.address + ')' if session.address else ''}, {session.commune.name}.\n"
            "Nếu không đến được, hãy rút tên trên ứng dụng Xung Kích Số để Bí thư kịp bố trí.\n\n"
            "Đoàn Thanh niên — Xung Kích Số"
        )
        messages.append(
            (
                f"Nhắc lịch ca trực {session.date:%d/%m}",
                body,
                settings.DEFAULT_FROM_EMAIL,
                [attendance.volunteer.email],
            )
        )
    if messages:
        send_mass_mail(messages, fail_silently=False)
    return len(messages)
