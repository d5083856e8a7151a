"""Periodic work of the sessions app."""

from celery import shared_task

from sessions.services import contacts_erase_expired


@shared_task
def erase_expired_contacts() -> int:
    """Daily: erase citizens' names and phones kept past their retention period (DESIGN.md)."""
    return contacts_erase_expired()
