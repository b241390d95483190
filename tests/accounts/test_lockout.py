"""Login attempts are limited per account and per address (django-axes, AXES_FAILURE_LIMIT = 3 in
the test settings), with a translated message, and unlocked by time or by an administrator."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from tests.factories import UserFactory

LIMIT = settings.AXES_FAILURE_LIMIT
LOGIN = "/accounts/login/"


@pytest.fixture
def karim(db):
    return UserFactory(username="karim", groups=["citizen"], language="ar")


def _fail(client, username="karim", times=LIMIT, **extra):
    responses = [
        client.post(LOGIN, {"username": username, "password": f"wrong-{i}"}, **extra) for i in range(times)
    ]
    return responses[-1]


def _good(client, **extra):
    return client.post(LOGIN, {"username": "karim", "password": "pw"}, **extra)


def test_below_the_limit_the_right_password_still_works(client, karim):
    last = _fail(client, times=LIMIT - 1)
    assert last.status_code == 200
    assert _good(client).status_code == 302


def test_the_limit_locks_the_account_even_with_the_right_password(client, karim):
    locked = _fail(client, HTTP_ACCEPT_LANGUAGE="fr")
    assert locked.status_code == 429
    assert locked["Retry-After"] == str(settings.AXES_COOLOFF_MINUTES * 60)
    assert "15 minutes" in locked.content.decode()
    response = _good(client, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "language, expected",
    [
        ("fr", "bloquée pendant 15 minutes"),
        ("ar", "15 دقيقة"),
    ],
)
def test_the_lockout_message_is_translated(client, karim, language, expected):
    page = _fail(client, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert expected in page
    assert "Too many failed attempts" not in page


@pytest.mark.parametrize(
    "minutes, word", [(1, "دقيقة واحدة"), (2, "دقيقتين"), (3, "دقائق"), (11, "دقيقة"), (100, "دقيقة")]
)
def test_arabic_minutes_take_their_plural_form(settings, minutes, word):
    from django.utils import translation

    from accounts.lockout import lockout_message

    settings.AXES_COOLOFF_MINUTES = minutes
    with translation.override("ar"):
        assert word in lockout_message()


def test_another_address_is_still_refused_for_a_locked_account(client, karim):
    _fail(client)
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert _good(other).status_code == 429


def test_one_address_is_locked_after_failures_on_different_accounts(client, karim):
    for i in range(LIMIT):
        last = client.post(LOGIN, {"username": f"nobody-{i}", "password": "x"})
    assert last.status_code == 429
    assert _good(client).status_code == 429
    # The account itself is not locked: its owner elsewhere logs in.
    assert _good(Client(REMOTE_ADDR="203.0.113.9")).status_code == 302


def test_the_lock_ends_after_the_cool_off(client, karim):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _fail(client)
        traveller.shift(datetime.timedelta(minutes=settings.AXES_COOLOFF_MINUTES - 1))
        assert _good(client).status_code == 429
        # Attempts during the lock did not restart the clock.
        traveller.shift(datetime.timedelta(minutes=2))
        assert _good(client).status_code == 302


def test_an_administrator_unlocks_the_account_from_the_users_list(client, karim):
    _fail(client, HTTP_ACCEPT_LANGUAGE="fr")
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert _good(other).status_code == 429
    admin_user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    admin_client = Client(REMOTE_ADDR="198.51.100.7")
    admin_client.force_login(admin_user)
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_login", "_selected_action": [karim.pk]},
    )
    assert response.status_code == 302
    assert _good(other).status_code == 302


def test_the_axes_reset_username_command_unlocks(client, karim):
    _fail(client)
    call_command("axes_reset_username", "karim", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # The address stays locked until axes_reset_ip; from elsewhere the owner gets in.
    assert _good(Client(REMOTE_ADDR="203.0.113.9")).status_code == 302


def test_unlock_service_forgets_only_that_account(client, karim):
    UserFactory(username="amina", groups=["citizen"])
    _fail(client, username="amina")
    _fail(Client(REMOTE_ADDR="203.0.113.9"))
    services.user_login_unlock(username="karim")
    third = Client(REMOTE_ADDR="198.51.100.7")
    assert _good(third).status_code == 302
    fourth = Client(REMOTE_ADDR="198.51.100.8")
    assert fourth.post(LOGIN, {"username": "amina", "password": "pw"}).status_code == 429


def test_the_admin_login_is_locked_too(db, client):
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    for i in range(LIMIT):
        last = client.post("/admin/login/", {"username": "boss", "password": f"wrong-{i}"})
    assert last.status_code == 429
    response = client.post("/admin/login/", {"username": "boss", "password": "pw"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_forwarded_header_does_not_give_a_fresh_address(client, karim):
    for i in range(LIMIT):
        last = client.post(
            LOGIN, {"username": f"nobody-{i}", "password": "x"}, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}"
        )
    assert last.status_code == 429


def test_behind_the_proxy_the_last_forwarded_hop_is_the_address(settings, client, karim):
    settings.MITHAQ_BEHIND_PROXY = True
    for i in range(LIMIT):
        client.post(
            LOGIN, {"username": f"nobody-{i}", "password": "x"}, HTTP_X_FORWARDED_FOR="192.0.2.1, 192.0.2.50"
        )
    # Same proxy (REMOTE_ADDR), another client: not locked.
    assert _good(client, HTTP_X_FORWARDED_FOR="192.0.2.1, 192.0.2.51").status_code == 302
