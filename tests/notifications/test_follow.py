"""Following a case by e-mail: double opt-in, one-click unsubscribe (RFC 8058), no enumeration."""

import re

import pytest
from django.urls import reverse

from cases import services as case_services
from notifications.models import Delivery, Follower, OutboxEvent

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.notifications.urls_for_tests")]

FOLLOWER = "reader@example.net"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture
def case(world, delivered):
    return delivered(world.case_in, "submitted", "proposal")


def follow(client, case, email=FOLLOWER, **extra):
    return client.post(reverse("notifications:follow", args=[case.reference]), {"email": email}, **extra)


def link_in(message, name):
    match = re.search(r"https?://\S+?/notifications/" + name + r"/([\w-]+)/", message.body)
    assert match, message.body
    return match.group(0), match.group(1)


def start_review(world, case, capture):
    with capture(execute=True):
        return case_services.case_transition(actor=world["bureau"], case=case, name="start_review")


def follower_messages(mailoutbox):
    return [m for m in mailoutbox if m.to == [FOLLOWER]]


def test_the_follow_page_shows_the_case_and_a_form(client, case):
    response = client.get(reverse("notifications:follow", args=[case.reference]))
    assert response.status_code == 200
    assert case.reference in response.text and 'type="email"' in response.text


def test_unknown_reference_and_drafts_cannot_be_followed(client, world):
    assert client.get(reverse("notifications:follow", args=["DMN-PRO-1999-0001"])).status_code == 404
    draft = world.case_in("draft", "proposal")
    assert client.get(reverse("notifications:follow", args=[draft.reference])).status_code == 404
    assert (
        client.post(reverse("notifications:follow", args=[draft.reference]), {"email": FOLLOWER}).status_code
        == 404
    )
    assert not Follower.objects.exists()


def test_a_bad_address_is_a_form_error(client, case):
    response = follow(client, case, email="not-an-address")
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not Follower.objects.exists()


def test_double_opt_in_then_state_changes_then_one_click_unsubscribe(
    client, world, case, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = follow(client, case, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    follower = Follower.objects.get()
    assert follower.confirmed_at is None and follower.email == FOLLOWER

    # One confirmation e-mail; the address gets nothing else until it confirms.
    [confirmation] = mailoutbox
    assert confirmation.to == [FOLLOWER] and case.reference in confirmation.body
    confirm_url, token = link_in(confirmation, "follow/confirm")
    assert "List-Unsubscribe" not in confirmation.extra_headers
    mailoutbox.clear()
    case = start_review(world, case, django_capture_on_commit_callbacks)
    assert follower_messages(mailoutbox) == []

    # Opening the link does not confirm (mail scanners open links); the button does.
    path = reverse("notifications:follow_confirm", args=[token])
    assert confirm_url.endswith(path)
    assert client.get(path).status_code == 200
    follower.refresh_from_db()
    assert follower.confirmed_at is None
    assert client.post(path).status_code == 200
    follower.refresh_from_db()
    assert follower.confirmed_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        case = case_services.case_transition(
            actor=world["bureau"],
            case=case,
            name="refer_to_committee",
            data=world.payload_for("refer_to_committee"),
        )
    [news] = follower_messages(mailoutbox)
    assert case.reference in news.subject
    assert news.extra_headers["Content-Language"] == "fr"
    unsubscribe_url, unsubscribe_token = link_in(news, "unsubscribe")
    assert news.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_url}>"
    assert news.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_url in news.alternatives[0][0]

    # RFC 8058: the mail client POSTs with no session and no CSRF token.
    one_click = client.__class__(enforce_csrf_checks=True)
    path = reverse("notifications:unsubscribe", args=[unsubscribe_token])
    response = one_click.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    follower.refresh_from_db()
    assert follower.unsubscribed_at is not None

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_transition(
            actor=world["committee"], case=case, name="report", data=world.payload_for("report")
        )
    assert follower_messages(mailoutbox) == []
    assert mailoutbox, "the submitter is still told"


def test_unsubscribe_page_asks_before_acting(client, case):
    follower = Follower.objects.create(
        subject_type="case",
        subject_id=case.pk,
        email=FOLLOWER,
        token="tok-123",
        confirmed_at=case.submitted_at,
    )
    path = reverse("notifications:unsubscribe", args=[follower.token])
    response = client.get(path)
    assert response.status_code == 200 and "<form" in response.text
    follower.refresh_from_db()
    assert follower.unsubscribed_at is None
    assert client.get(reverse("notifications:unsubscribe", args=["nope"])).status_code == 404
    assert client.post(reverse("notifications:follow_confirm", args=["nope"])).status_code == 404


def test_the_answer_is_the_same_for_new_pending_and_following_addresses(
    client, world, case, django_capture_on_commit_callbacks, mailoutbox
):
    Follower.objects.create(
        subject_type="case",
        subject_id=case.pk,
        email="old@example.net",
        token="t-old",
        confirmed_at=case.submitted_at,
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = follow(client, case, email="new@example.net")
        again = follow(client, case, email="new@example.net")
        known = follow(client, case, email="old@example.net")
    assert first.status_code == again.status_code == known.status_code == 200
    texts = {CSRF.sub("", r.text) for r in (first, again, known)}
    assert len(texts) == 1
    assert "old@example.net" not in known.text
    # One confirmation for the new address (the second request is within the resend delay), none for
    # the address that already follows.
    assert [m.to for m in mailoutbox] == [["new@example.net"]]


def test_other_followers_never_see_each_other(
    client, world, case, django_capture_on_commit_callbacks, mailoutbox
):
    for email, token in (("a@example.net", "tok-a"), ("b@example.net", "tok-b")):
        Follower.objects.create(
            subject_type="case", subject_id=case.pk, email=email, token=token, confirmed_at=case.submitted_at
        )
    start_review(world, case, django_capture_on_commit_callbacks)
    to_a = next(m for m in mailoutbox if m.to == ["a@example.net"])
    to_b = next(m for m in mailoutbox if m.to == ["b@example.net"])
    assert "b@example.net" not in to_a.body + to_a.alternatives[0][0] and not to_a.cc and not to_a.bcc
    assert "tok-b" not in to_a.body and "tok-a" not in to_b.body
    assert "tok-a" in to_a.extra_headers["List-Unsubscribe"]


def test_a_follower_who_is_also_the_submitter_gets_one_email(
    world, case, django_capture_on_commit_callbacks, mailoutbox
):
    Follower.objects.create(
        subject_type="case",
        subject_id=case.pk,
        email=world["citizen"].email,
        token="tok-self",
        confirmed_at=case.submitted_at,
    )
    start_review(world, case, django_capture_on_commit_callbacks)
    assert [m.to for m in mailoutbox] == [[world["citizen"].email]]
    event = OutboxEvent.objects.get(subject_id=case.pk, payload__transition="start_review")
    assert event.deliveries.filter(channel=Delivery.Channel.EMAIL).count() == 1


def test_follow_requests_are_rate_limited_per_address(client, case, mailoutbox):
    from notifications.views import FOLLOW_RATE_LIMIT

    for n in range(FOLLOW_RATE_LIMIT):
        assert follow(client, case, email=f"p{n}@example.net").status_code == 200
    response = follow(client, case, email="one-more@example.net")
    assert response.status_code == 429
    assert not Follower.objects.filter(email="one-more@example.net").exists()
    # Another address is not limited.
    assert follow(client, case, email="x@example.net", REMOTE_ADDR="10.0.0.9").status_code == 200
