"""Thin Celery tasks of the cases app (the work is in the functions they call)."""

from celery import shared_task


@shared_task(name="cases.check_deadlines")
def check_deadlines_task():
    from .reminders import check_deadlines

    return str(check_deadlines())
