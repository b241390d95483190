import pytest
from django.core.cache import cache

from cases.notify import register as register_case_notifications


@pytest.fixture(autouse=True)
def _case_resolver():
    # Idempotent: the same registration CasesConfig.ready() makes once the lead wires it.
    register_case_notifications()


@pytest.fixture(autouse=True)
def _filers_only(settings):
    # These tests are about the filers' and followers' messages; the acting group's new-task
    # messages have their own test (test_new_task_messages.py), which turns this back on.
    settings.MITHAQ_NOTIFY_NEW_TASKS = False


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The follow page counts requests per address in the cache; tests must not share counts.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def celery_includes():
    # The test app of celery.contrib.pytest only knows the tasks of the modules it imports.
    return ["notifications.tasks"]


@pytest.fixture
def delivered(django_capture_on_commit_callbacks, mailoutbox):
    """Run `fn` with its on-commit callbacks executed (as a real commit would), then forget the
    messages it sent, so a test sees only what its own step sends."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            result = fn(*args, **kwargs)
        mailoutbox.clear()
        return result

    return run
