"""The in-app notification centre: my notifications only, newest first, mark read, unread count."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from cases import services as case_services
from notifications.context_processors import unread
from notifications.models import Delivery
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.notifications.urls_for_tests")]


@pytest.fixture
def citizen_case(world, django_capture_on_commit_callbacks):
    """A proposal filed and reviewed: the citizen has two in-app notifications."""
    with django_capture_on_commit_callbacks(execute=True):
        case = world.case_in("under_review", "proposal")
    return case


def inbox(user):
    return Delivery.objects.filter(user=user, channel=Delivery.Channel.INAPP).order_by("-created_at", "-id")


def test_the_list_shows_only_my_notifications_newest_first(
    client, world, citizen_case, django_capture_on_commit_callbacks
):
    someone_else = UserFactory(username="other", groups=["citizen"])
    with django_capture_on_commit_callbacks(execute=True):
        other_case, _code = case_services.case_create(
            actor=someone_else,
            kind="proposal",
            title="Another request",
            description="Something else entirely.",
        )
    assert inbox(someone_else).count() == 1
    client.force_login(world["citizen"])
    response = client.get(reverse("notifications:list"))

    assert response.status_code == 200
    shown = [n.pk for n in response.context["notifications"]]
    assert shown == list(inbox(world["citizen"]).values_list("pk", flat=True))
    assert len(shown) == 2
    assert citizen_case.reference in response.text
    assert other_case.reference not in response.text
    assert "notification-unread" in response.text


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and reverse("login") in response.url


def test_mark_one_read_and_all_read(client, world, citizen_case):
    user = world["citizen"]
    client.force_login(user)
    first, second = inbox(user)

    response = client.post(reverse("notifications:mark_read", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None

    response = client.post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    assert not inbox(user).filter(read_at__isnull=True).exists()


def test_open_marks_read_and_follows_the_link(client, world, citizen_case):
    client.force_login(world["citizen"])
    notification = inbox(world["citizen"]).first()
    response = client.post(
        reverse("notifications:mark_read", args=[notification.pk]), {"next": notification.url}
    )
    assert (
        response.status_code == 302
        and response.url == notification.url == f"/register/{citizen_case.reference}/"
    )
    # An open redirect is refused: back to the list.
    response = client.post(
        reverse("notifications:mark_read", args=[notification.pk]), {"next": "https://evil.example/"}
    )
    assert response.url == reverse("notifications:list")


def test_someone_elses_notification_is_not_found(client, world, citizen_case):
    intruder = UserFactory(username="intruder", groups=["citizen"])
    client.force_login(intruder)
    notification = inbox(world["citizen"]).first()
    assert client.post(reverse("notifications:mark_read", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None
    assert client.get(reverse("notifications:mark_read", args=[notification.pk])).status_code == 405


def test_unread_count_context_processor(world, citizen_case, django_assert_num_queries):
    factory = RequestFactory()
    request = factory.get("/")
    request.user = world["citizen"]
    with django_assert_num_queries(1):
        assert unread(request) == {"unread_notifications": 2}

    Delivery.objects.filter(pk=inbox(world["citizen"]).first().pk).update(read_at=citizen_case.submitted_at)
    assert unread(request) == {"unread_notifications": 1}

    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert unread(request) == {"unread_notifications": 0}


def test_the_list_paginates(client, world, citizen_case):
    from notifications.views import PAGE_SIZE

    user = world["citizen"]
    template = inbox(user).first()
    event = template.outbox_event
    Delivery.objects.bulk_create(
        [
            Delivery(
                outbox_event=event,
                channel=Delivery.Channel.INAPP,
                recipient_key=f"user:{user.pk}:{n}",
                user=user,
                status=Delivery.Status.SENT,
                subject=f"Extra {n}",
                body="",
            )
            for n in range(PAGE_SIZE)
        ]
    )
    client.force_login(user)
    first = client.get(reverse("notifications:list"))
    second = client.get(reverse("notifications:list"), {"page": 2})
    assert len(first.context["notifications"]) == PAGE_SIZE
    assert len(second.context["notifications"]) == 2
    assert 'rel="next"' in first.text
