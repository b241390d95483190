import pytest
from django.conf import settings
from django.urls import reverse

from accounts import services, tokens
from tests.accounts.conftest import link_in, path_of
from tests.factories import UserFactory


def profile_data(user, **overrides) -> dict:
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "language": user.language,
    }
    data.update(overrides)
    return data


@pytest.fixture
def verified(citizen):
    citizen.email_verified = True
    citizen.save()
    return citizen


def test_the_profile_needs_a_login(client, db):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_profile_shows_the_current_values(client, verified):
    client.force_login(verified)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["email"].value() == "karim@example.org"
    assert form["language"].value() == "ar"


def test_names_are_changed(client, verified, committed, mailoutbox):
    client.force_login(verified)
    with committed():
        response = client.post(
            reverse("accounts:profile"), profile_data(verified, first_name="كريم", last_name="Ouali")
        )
    assert response.status_code == 302
    verified.refresh_from_db()
    assert (verified.first_name, verified.last_name) == ("كريم", "Ouali")
    assert verified.email_verified  # the address did not change
    assert mailoutbox == []


def test_changing_the_email_resets_verification_and_sends_a_new_link(client, verified, committed, mailoutbox):
    old_token = tokens.make_token(user_id=verified.pk, email=verified.email)
    client.force_login(verified)
    with committed():
        response = client.post(
            reverse("accounts:profile"), profile_data(verified, email="Karim.New@Example.ORG")
        )
    assert response.status_code == 302
    verified.refresh_from_db()
    assert verified.email == "Karim.New@example.org"
    assert verified.email_verified is False
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["Karim.New@example.org"]
    # The link sent to the old address no longer works; the new one does.
    assert client.post(reverse("accounts:verify_email_confirm", args=[old_token])).status_code == 400
    client.get(path_of(link_in(mailoutbox[0])))
    verified.refresh_from_db()
    assert verified.email_verified


def test_a_change_of_case_only_keeps_the_verification(client, verified, committed, mailoutbox):
    client.force_login(verified)
    with committed():
        client.post(reverse("accounts:profile"), profile_data(verified, email="Karim@example.org"))
    verified.refresh_from_db()
    assert verified.email == "Karim@example.org" and verified.email_verified
    assert mailoutbox == []


def test_an_email_of_another_account_is_refused(client, verified, mailoutbox):
    UserFactory(username="other", email="taken@example.org")
    client.force_login(verified)
    response = client.post(reverse("accounts:profile"), profile_data(verified, email="TAKEN@example.org"))
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    verified.refresh_from_db()
    assert verified.email == "karim@example.org" and verified.email_verified
    with pytest.raises(services.EmailTaken):
        services.user_profile_update(
            user=verified, first_name="", last_name="", email="Taken@Example.org", language="ar"
        )


def test_the_email_cannot_be_emptied(client, verified):
    client.force_login(verified)
    response = client.post(reverse("accounts:profile"), profile_data(verified, email=""))
    assert "email" in response.context["form"].errors
    verified.refresh_from_db()
    assert verified.email == "karim@example.org"


def test_an_email_change_past_the_link_limit_is_saved_with_a_warning(client, verified, committed, mailoutbox):
    client.force_login(verified)
    for i in range(services.VERIFICATION_EMAIL_LIMIT):
        with committed():
            client.post(reverse("accounts:profile"), profile_data(verified, email=f"k{i}@example.org"))
    assert len(mailoutbox) == services.VERIFICATION_EMAIL_LIMIT
    with committed():
        response = client.post(
            reverse("accounts:profile"), profile_data(verified, email="last@example.org"), follow=True
        )
    verified.refresh_from_db()
    assert verified.email == "last@example.org" and not verified.email_verified
    assert len(mailoutbox) == services.VERIFICATION_EMAIL_LIMIT
    assert "warning" in [m.level_tag for m in response.context["messages"]]


def test_switching_to_french_turns_the_page_left_to_right_and_back(client, verified):
    client.force_login(verified)
    assert 'dir="rtl"' in client.get(reverse("accounts:profile")).content.decode()
    response = client.post(reverse("accounts:profile"), profile_data(verified, language="fr"))
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    verified.refresh_from_db()
    assert verified.language == "fr"
    html = client.get(reverse("accounts:profile")).content.decode()
    assert '<html lang="fr" dir="ltr">' in html
    assert "Votre profil a été enregistré." in html

    response = client.post(reverse("accounts:profile"), profile_data(verified, language="ar"), follow=True)
    assert '<html lang="ar" dir="rtl">' in response.content.decode()


def test_an_unknown_language_is_refused(client, verified):
    client.force_login(verified)
    response = client.post(reverse("accounts:profile"), profile_data(verified, language="en"))
    assert "language" in response.context["form"].errors
    verified.refresh_from_db()
    assert verified.language == "ar"


def test_login_switches_to_the_saved_language(db, client):
    from django.conf import settings

    from tests.factories import UserFactory

    user = UserFactory(username="karim", groups=["citizen"])
    user.language = "fr"
    user.save()
    response = client.post("/accounts/login/", {"username": "karim", "password": "pw"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    page = client.get("/register/")
    assert 'dir="ltr"' in page.content.decode()
