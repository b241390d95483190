"""Thin Celery tasks of the clocks (the work is in the functions they call)."""

from celery import shared_task

from clocks.reminders import check_deadlines


@shared_task(name="clocks.check_deadlines")
def check_deadlines_task():
    return str(check_deadlines())
