import time
from unittest import mock

import pytest
from django.core import signing
from django.urls import reverse

from accounts import services, tokens
from accounts.tokens import TokenExpired, TokenInvalid, TokenStale
from tests.accounts.conftest import link_in, path_of


def confirm_url(token: str) -> str:
    return reverse("accounts:verify_email_confirm", args=[token])


def token_for(user) -> str:
    return tokens.make_token(user_id=user.pk, email=user.email)


def test_the_status_page_needs_a_login(client, db):
    response = client.get(reverse("accounts:verify_email"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_status_page_says_whether_the_address_is_verified(client, citizen):
    client.force_login(citizen)
    html = client.get(reverse("accounts:verify_email")).content.decode()
    assert "karim@example.org" in html and 'method="post"' in html
    citizen.email_verified = True
    citizen.save()
    html = client.get(reverse("accounts:verify_email")).content.decode()
    assert "karim@example.org" in html and "alert--success" in html


def test_the_button_sends_a_link_in_the_users_language(client, citizen, committed, mailoutbox):
    citizen.language = "fr"
    citizen.save()
    client.force_login(citizen)
    with committed():
        response = client.post(reverse("accounts:verify_email"))
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["karim@example.org"]
    assert message.extra_headers["Content-Language"] == "fr"
    assert 'dir="ltr"' in message.alternatives[0][0]
    client.get(path_of(link_in(message)))
    citizen.refresh_from_db()
    assert citizen.email_verified


def test_resending_is_limited_per_user(client, citizen, committed, mailoutbox):
    client.force_login(citizen)
    for _ in range(services.VERIFICATION_EMAIL_LIMIT):
        with committed():
            client.post(reverse("accounts:verify_email"))
    assert len(mailoutbox) == services.VERIFICATION_EMAIL_LIMIT
    with committed():
        response = client.post(reverse("accounts:verify_email"), follow=True)
    assert len(mailoutbox) == services.VERIFICATION_EMAIL_LIMIT
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"
    with pytest.raises(services.RateLimited):
        services.user_email_verification_send(user=citizen)


def test_the_sign_up_link_counts_against_the_resend_limit(client, db, committed, mailoutbox):
    from tests.accounts.conftest import signup_data

    with committed():
        client.post(reverse("accounts:signup"), signup_data())
    from accounts.models import User

    client.force_login(User.objects.get(username="amina"))
    for _ in range(services.VERIFICATION_EMAIL_LIMIT):
        with committed():
            client.post(reverse("accounts:verify_email"))
    assert len(mailoutbox) == services.VERIFICATION_EMAIL_LIMIT


def test_no_link_is_sent_to_a_verified_address(client, citizen, committed, mailoutbox):
    citizen.email_verified = True
    citizen.save()
    client.force_login(citizen)
    with committed():
        client.post(reverse("accounts:verify_email"))
    assert mailoutbox == []


def test_no_link_without_an_address(client, citizen, committed, mailoutbox):
    citizen.email = ""
    citizen.save()
    client.force_login(citizen)
    with committed():
        response = client.post(reverse("accounts:verify_email"), follow=True)
    assert response.status_code == 200
    assert mailoutbox == []
    assert reverse("accounts:profile") in response.content.decode()


def test_an_anonymous_visit_asks_for_a_click_and_the_click_verifies(client, citizen):
    url = confirm_url(token_for(citizen))
    page = client.get(url)
    assert page.status_code == 200 and page.context["state"] == "confirm"
    citizen.refresh_from_db()
    assert not citizen.email_verified  # a mail scanner following the link changes nothing
    done = client.post(url)
    assert done.status_code == 200 and done.context["state"] == "done"
    citizen.refresh_from_db()
    assert citizen.email_verified
    again = client.get(url)
    assert again.status_code == 200 and again.context["already"] is True


def test_the_service_verifies_a_good_token(citizen):
    user = services.user_verify_email(token=token_for(citizen))
    assert user.pk == citizen.pk and user.email_verified
    citizen.refresh_from_db()
    assert citizen.email_verified


def test_an_expired_token_is_refused_by_the_service(citizen):
    with pytest.raises(TokenExpired):
        services.user_verify_email(token=token_for(citizen), max_age=-1)
    citizen.refresh_from_db()
    assert not citizen.email_verified


def test_a_link_older_than_three_days_is_refused_with_a_clear_message(client, citizen):
    four_days_ago = time.time() - 4 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=four_days_ago):
        token = token_for(citizen)
    client.force_login(citizen)
    response = client.get(confirm_url(token))
    assert response.status_code == 400
    assert response.context["error_code"] == "token_expired"
    assert str(TokenExpired.default_message) in response.content.decode()
    assert client.post(confirm_url(token)).status_code == 400
    citizen.refresh_from_db()
    assert not citizen.email_verified


def test_a_link_younger_than_three_days_still_works(client, citizen):
    two_days_ago = time.time() - 2 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=two_days_ago):
        token = token_for(citizen)
    client.post(confirm_url(token))
    citizen.refresh_from_db()
    assert citizen.email_verified


def _tampered(token: str) -> list[str]:
    payload, timestamp, signature = token.rsplit(":", 2)
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    return [
        f"{payload}:{timestamp}:{flipped}",
        f"{payload}x:{timestamp}:{signature}",
        f"{payload}:{timestamp[:-1]}{'1' if timestamp[-1] != '1' else '2'}:{signature}",
        signing.TimestampSigner(salt="another-salt").sign_object({"u": 1, "e": "x"}),
        signing.TimestampSigner(salt=tokens.SALT, key="not-our-secret-key-0123456789abcdef").sign_object(
            {"u": 1}
        ),
        token[:-3],
    ]


def test_tampered_tokens_are_refused(client, citizen):
    for bad in _tampered(token_for(citizen)):
        with pytest.raises(TokenInvalid):
            services.user_verify_email(token=bad)
        response = client.post(confirm_url(bad))
        assert response.status_code == 400, bad
        assert response.context["error_code"] == "token_invalid"
    citizen.refresh_from_db()
    assert not citizen.email_verified


def test_a_token_naming_another_user_id_cannot_be_forged(client, citizen):
    from tests.factories import UserFactory

    other = UserFactory(username="other", email="other@example.org")
    good = token_for(citizen)
    forged = tokens.make_token(user_id=other.pk, email=citizen.email)  # signed, but for the wrong address
    with pytest.raises(TokenStale):
        services.user_verify_email(token=forged)
    assert client.post(confirm_url(forged)).status_code == 400
    other.refresh_from_db()
    assert not other.email_verified
    services.user_verify_email(token=good)


def test_changing_the_address_invalidates_earlier_links(client, citizen):
    token = token_for(citizen)
    citizen.email = "karim.new@example.org"
    citizen.save()
    response = client.post(confirm_url(token))
    assert response.status_code == 400
    assert response.context["error_code"] == "token_stale"
    citizen.refresh_from_db()
    assert not citizen.email_verified


def test_a_link_of_a_deactivated_or_deleted_account_is_refused(client, citizen):
    token = token_for(citizen)
    citizen.is_active = False
    citizen.save()
    assert client.post(confirm_url(token)).status_code == 400
    citizen.delete()
    assert client.get(confirm_url(token)).status_code == 400


def test_the_logged_in_owner_is_verified_by_opening_the_link(client, citizen):
    client.force_login(citizen)
    response = client.get(confirm_url(token_for(citizen)))
    assert response.status_code == 200 and response.context["state"] == "done"
    citizen.refresh_from_db()
    assert citizen.email_verified


def test_another_logged_in_user_opening_the_link_only_sees_the_button(client, citizen, world):
    client.force_login(world["bureau"])
    response = client.get(confirm_url(token_for(citizen)))
    assert response.context["state"] == "confirm"
    citizen.refresh_from_db()
    assert not citizen.email_verified
