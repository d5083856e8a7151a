"""Reminders of tomorrow's shifts: who gets one, what it says, and that beat can find the task."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from sessions.tasks import send_shift_reminders

pytestmark = pytest.mark.django_db


def test_reminders_go_to_volunteers_with_a_shift_tomorrow(world, mailoutbox, monkeypatch):
    world["member"].email = "anh@example.vn"
    world["member"].save()
    today = world["session"].date - datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args: today)
    assert send_shift_reminders.apply().get() == 1
    assert mailoutbox[0].to == ["anh@example.vn"]
    assert "07:00–11:00" in mailoutbox[0].body
    assert mailoutbox[0].body.startswith("Chào Lê Thị Ánh,")
    assert mailoutbox[0].subject.startswith("Nhắc lịch ca trực")


def test_every_scheduled_task_is_registered():
    """A task that moves module changes its name; beat would then queue a name no worker knows."""
    from config.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= set(app.tasks), scheduled - set(app.tasks)
