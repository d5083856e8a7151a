"""A real Celery worker process completes a task sent through Redis."""

from tests.celery_worker import celery_worker


def test_a_worker_completes_a_task_through_redis(redis_services, postgresql):
    from config.tasks import ping

    with celery_worker() as worker:
        result = ping.delay()
        assert result.get(timeout=60) == "pong"
        assert worker.poll() is None, "the worker stopped"
