"""Celery queues (README: scaling out): each task lands on its queue; a plain worker takes all."""

import pytest

from config.celery import app


@pytest.mark.parametrize(
    "task, queue",
    [
        ("notifications.deliver_event", "notifications"),
        ("notifications.sweep_outbox", "notifications"),
        ("audit.digest", "reports"),
        ("followup.export_open_data", "exports"),
        ("clocks.check_deadlines", "celery"),
    ],
)
def test_each_task_has_its_queue(task, queue):
    assert app.amqp.router.route({}, task)["queue"].name == queue


def test_a_worker_without_q_consumes_every_queue():
    assert set(app.amqp.queues) == {"celery", "notifications", "reports", "exports"}


def test_every_scheduled_task_is_routed_to_a_known_queue():
    from django.conf import settings

    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert app.amqp.router.route({}, entry["task"])["queue"].name in app.amqp.queues
