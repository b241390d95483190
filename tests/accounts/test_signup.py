import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts import services
from accounts.services import EmailTaken
from tests.accounts.conftest import STRONG_PASSWORD, link_in, path_of, signup_data
from tests.factories import UserFactory

User = get_user_model()


def test_signup_page_offers_the_fields_the_consent_and_a_hidden_trap(client, db, signup_url):
    response = client.get(signup_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'dir="rtl"' in html
    for name in (
        "username",
        "email",
        "first_name",
        "last_name",
        "password1",
        "password2",
        "language",
        "consent",
    ):
        assert f'name="{name}"' in html
    assert "09-08" in html
    assert 'name="website"' in html and 'tabindex="-1"' in html
    # The preferred language defaults to the active one.
    assert response.context["form"]["language"].value() == "ar"
    assert client.get(signup_url, HTTP_ACCEPT_LANGUAGE="fr").context["form"]["language"].value() == "fr"


def test_signup_creates_a_citizen_and_sends_a_link_that_verifies(
    client, world, committed, mailoutbox, signup_url
):
    with committed():
        response = client.post(signup_url, signup_data())
    assert response.status_code == 200
    assert "accounts/signup_sent.html" in [t.name for t in response.templates]

    user = User.objects.get(username="amina")
    assert user.group_names() == frozenset({"citizen"})
    assert user.collectivity == world.collectivity
    assert user.email == "amina@example.org"
    assert (user.first_name, user.last_name, user.language) == ("Amina", "Ait Ali", "ar")
    assert user.email_verified is False
    assert user.check_password(STRONG_PASSWORD)
    # Not logged in by the sign-up: the answer is the same as for an address already in use.
    assert "_auth_user_id" not in client.session

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["amina@example.org"]
    assert message.extra_headers["Content-Language"] == "ar"
    assert message.subject.startswith("تحقق من بريدك الإلكتروني")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    link = link_in(message)
    assert link.startswith(settings.MITHAQ_SITE_URL.rstrip("/") + "/accounts/verify-email/")
    assert link in html
    assert "amina@example.org" not in link  # the address stays out of URLs and logs

    page = client.get(path_of(link))
    assert page.status_code == 200 and page.context["state"] == "confirm"
    assert client.post(path_of(link)).context["state"] == "done"
    user.refresh_from_db()
    assert user.email_verified is True
    assert (
        client.post(reverse("login"), {"username": "amina", "password": STRONG_PASSWORD}).status_code == 302
    )


def test_signup_in_french_writes_the_email_left_to_right(client, db, committed, mailoutbox, signup_url):
    with committed():
        response = client.post(signup_url, signup_data(language="fr"))
    assert response.status_code == 200
    html = mailoutbox[0].alternatives[0][0]
    assert 'dir="ltr"' in html and 'lang="fr"' in html
    assert mailoutbox[0].extra_headers["Content-Language"] == "fr"
    assert mailoutbox[0].subject.startswith("Vérifiez votre adresse électronique")
    assert "Bonjour Amina Ait Ali," in mailoutbox[0].body
    assert User.objects.get(username="amina").language == "fr"


@pytest.mark.parametrize(
    ("site_url", "expected"),
    [
        ("https://mithaq.demnate.ma/", "https://mithaq.demnate.ma/accounts/verify-email/"),
        ("", "http://testserver/accounts/verify-email/"),
    ],
)
def test_the_link_is_built_on_the_configured_site_else_on_the_request(
    client, db, committed, mailoutbox, signup_url, settings, site_url, expected
):
    settings.MITHAQ_SITE_URL = site_url
    with committed():
        client.post(signup_url, signup_data())
    assert link_in(mailoutbox[0]).startswith(expected)


def test_signup_without_any_collectivity_leaves_it_empty(client, db, committed, mailoutbox, signup_url):
    with committed():
        assert client.post(signup_url, signup_data()).status_code == 200
    assert User.objects.get(username="amina").collectivity is None
    assert len(mailoutbox) == 1


def test_signup_keeps_a_safe_next_for_the_login_and_drops_an_unsafe_one(client, db, signup_url):
    response = client.post(signup_url, signup_data(next="/file/"))
    assert response.context["next"] == "/file/"
    assert reverse("login") + "?next=/file/" in response.content.decode()
    response = client.post(
        signup_url, signup_data(username="other", email="other@example.org", next="https://evil.example/")
    )
    assert response.context["next"] == ""
    assert "evil.example" not in response.content.decode()


def test_a_logged_in_user_is_sent_to_the_profile(client, citizen, signup_url):
    client.force_login(citizen)
    response = client.get(signup_url)
    assert response.status_code == 302 and response.url == reverse("accounts:profile")


@pytest.mark.parametrize("taken", ["AMINA@example.org", "amina@EXAMPLE.ORG", " Amina@Example.Org "])
def test_an_email_already_used_in_another_case_creates_nothing_and_tells_its_owner(
    client, db, committed, mailoutbox, signup_url, taken
):
    UserFactory(username="first", email="amina@example.org", language="fr")
    with committed():
        response = client.post(signup_url, signup_data(email=taken))
    assert response.status_code == 200
    assert "accounts/signup_sent.html" in [t.name for t in response.templates]
    assert not User.objects.filter(username="amina").exists()
    assert len(mailoutbox) == 1
    notice = mailoutbox[0]
    assert notice.to == ["amina@example.org"]
    assert notice.extra_headers["Content-Language"] == "fr"
    assert "/accounts/password-reset/" in notice.body
    assert "verify-email" not in notice.body


def test_the_service_refuses_a_duplicate_email_too(db):
    UserFactory(username="first", email="Amina@Example.org")
    with pytest.raises(EmailTaken):
        services.user_signup(
            username="amina", email="amina@example.ORG", password=STRONG_PASSWORD, language="ar"
        )
    assert not User.objects.filter(username="amina").exists()


def test_a_username_differing_only_in_case_creates_nothing_and_tells_the_new_address(
    client, db, committed, mailoutbox, signup_url
):
    UserFactory(username="Amina", email="someone@example.org")
    with committed():
        response = client.post(signup_url, signup_data(username="amina"))
    assert response.status_code == 200
    assert "accounts/signup_sent.html" in [t.name for t in response.templates]
    assert User.objects.count() == 1
    assert [m.to for m in mailoutbox] == [["amina@example.org"]]
    assert "/accounts/signup/" in mailoutbox[0].body
    assert "someone@example.org" not in mailoutbox[0].body


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("12345678", "numeric and common"),
        ("password", "common"),
        ("Ab1!", "too short"),
        ("amina2026", "like the username"),
    ],
)
def test_a_weak_password_is_refused(client, db, mailoutbox, signup_url, password, why):
    response = client.post(signup_url, signup_data(password1=password, password2=password))
    assert response.status_code == 200, why
    assert "password2" in response.context["form"].errors, why
    assert not User.objects.filter(username="amina").exists()
    assert mailoutbox == []


def test_the_service_refuses_a_weak_password(db):
    with pytest.raises(services.AccountRefused):
        services.user_signup(username="amina", email="amina@example.org", password="12345678", language="ar")
    assert not User.objects.exists()


def test_passwords_that_differ_are_refused(client, db, signup_url):
    response = client.post(signup_url, signup_data(password2=STRONG_PASSWORD + "x"))
    assert "password2" in response.context["form"].errors
    assert not User.objects.exists()


def test_the_data_protection_consent_is_required(client, db, signup_url):
    data = signup_data()
    del data["consent"]
    response = client.post(signup_url, data)
    assert "consent" in response.context["form"].errors
    assert not User.objects.exists()


@pytest.mark.parametrize("field", ["email", "username"])
def test_email_and_username_are_required(client, db, signup_url, field):
    response = client.post(signup_url, signup_data(**{field: ""}))
    assert field in response.context["form"].errors
    assert not User.objects.exists()


def test_a_filled_honeypot_is_refused_silently(client, db, committed, mailoutbox, signup_url):
    with committed():
        response = client.post(signup_url, signup_data(website="http://spam.example"))
    assert response.status_code == 200
    assert "accounts/signup_sent.html" in [t.name for t in response.templates]
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session
    assert mailoutbox == []


def test_sign_ups_are_limited_per_address(client, db, committed, mailoutbox, signup_url):
    for i in range(settings.MITHAQ_SIGNUP_PER_HOUR):
        with committed():
            response = client.post(signup_url, signup_data(username=f"user{i}", email=f"u{i}@example.org"))
        assert response.status_code == 200
    response = client.post(signup_url, signup_data(username="one_more", email="more@example.org"))
    assert response.status_code == 429
    assert response.context["form"].non_field_errors()
    assert not User.objects.filter(username="one_more").exists()
    assert len(mailoutbox) == settings.MITHAQ_SIGNUP_PER_HOUR
    # Another address is not affected.
    response = client.post(
        signup_url, signup_data(username="one_more", email="more@example.org"), REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 200
    assert User.objects.filter(username="one_more").exists()


def test_honeypot_hits_count_against_the_address(client, db, signup_url):
    for _ in range(settings.MITHAQ_SIGNUP_PER_HOUR):
        client.post(signup_url, signup_data(website="x"))
    assert client.post(signup_url, signup_data()).status_code == 429
    assert not User.objects.exists()
