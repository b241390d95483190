"""Neither the e-mail nor the username has a case-insensitive unique index: concurrent sign-ups
claiming the same one must still end with a single account. PostgreSQL only (real concurrency)."""

import threading

import pytest
from django.db import connection

from accounts import services
from accounts.models import User
from tests.accounts.conftest import STRONG_PASSWORD

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*calls, timeout=30):
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait(timeout=timeout)
            results[i] = call()
        except BaseException as exc:  # handed to the test, which asserts on it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not any(t.is_alive() for t in threads), "a thread is stuck (deadlock?)"
    return results


def signup(username, email):
    return lambda: services.user_signup(
        username=username, email=email, password=STRONG_PASSWORD, language="ar"
    )


def test_concurrent_sign_ups_with_one_email_in_different_cases_make_one_account():
    results = run_together(
        *(
            signup(f"user{i}", e)
            for i, e in enumerate(["a@example.org", "A@example.org", "a@EXAMPLE.org", "A@Example.Org"])
        )
    )
    made = [r for r in results if isinstance(r, User)]
    assert len(made) == 1, results
    assert all(isinstance(r, services.EmailTaken) for r in results if r not in made), results
    assert User.objects.filter(email__iexact="a@example.org").count() == 1


def test_concurrent_sign_ups_with_one_username_in_different_cases_make_one_account():
    results = run_together(
        *(signup(name, f"{i}@example.org") for i, name in enumerate(["amina", "Amina", "AMINA", "aMina"]))
    )
    made = [r for r in results if isinstance(r, User)]
    assert len(made) == 1, results
    assert all(isinstance(r, services.UsernameTaken) for r in results if r not in made), results
    assert User.objects.filter(username__iexact="amina").count() == 1
