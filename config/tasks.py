"""Project-wide tasks."""

from celery import shared_task


@shared_task
def ping() -> str:
    """Answer "pong": lets operators and CI see a worker take a task off the broker."""
    return "pong"
