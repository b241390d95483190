"""The SMS channel (docs/domain.md §7): an interface with console, locmem and HTTP backends chosen by
MITHAQ_SMS_BACKEND; receipts and decisions by SMS for people without e-mail, through the outbox with its
retries; numbers masked in logs; recipients with no address get SKIPPED rows, nothing sent."""

import datetime
import io
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Case
from cases.views.public import FILED_SESSION_KEY
from core import roles
from notifications import services, sms
from notifications.models import Delivery, OutboxEvent

pytestmark = pytest.mark.django_db

PHONE = "+212612345678"
LATER = datetime.timedelta(days=2)


def transition(world, case, name):
    return case_services.case_transition(
        actor=world.actor_for(name, case), case=case, name=name, data=world.payload_for(name)
    )


def desk_file(client, world, django_capture_on_commit_callbacks, **extra):
    """The reception desk files a proposal for a person with no account and no e-mail."""
    client.force_login(world[roles.INTAKE])
    data = {
        "kind": "proposal",
        "title": "Réparer le trottoir de l'école",
        "description": "Le trottoir devant l'école est cassé.",
        "channel": "paper",
        "submitter_phone": "06 12 34 56 78",
        "submitter_language": "ar",
        **extra,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("public:file"), data)
    assert response.status_code == 302, response.content[:2000]
    code = client.session[FILED_SESSION_KEY]["tracking_code"]
    done = client.get(response.url).content.decode()
    # The desk sees where the SMS went, masked; the whole number is on no page.
    assert ("+212*******78" in done) == bool(data["submitter_phone"])
    assert "612345678" not in done
    return Case.objects.latest("id"), code


# The interface ---------------------------------------------------------------------------------


def test_the_backend_is_chosen_by_settings(settings):
    assert isinstance(sms.get_backend(), sms.LocmemSmsBackend)
    settings.MITHAQ_SMS_BACKEND = "notifications.sms.ConsoleSmsBackend"
    assert isinstance(sms.get_backend(), sms.ConsoleSmsBackend)
    settings.MITHAQ_SMS_BACKEND = "tests.notifications.backends.SmsDownBackend"
    with pytest.raises(sms.SmsError):
        sms.send(PHONE, "x")


def test_the_console_backend_masks_the_number(caplog):
    stream = io.StringIO()
    with caplog.at_level(logging.INFO):
        provider_id = sms.ConsoleSmsBackend(stream=stream).send(PHONE, "DMN-PRO-2026-0001: مقبول")
    out = stream.getvalue()
    assert "DMN-PRO-2026-0001: مقبول" in out and provider_id in out
    assert "+212*******78" in out
    assert PHONE not in out and "612345678" not in out
    assert "612345678" not in caplog.text and "+212*******78" in caplog.text


def test_segments_count_arabic_as_ucs2():
    assert sms.segments("a" * 160) == 1
    assert sms.segments("a" * 161) == 2
    assert sms.segments("م" * 70) == 1
    assert sms.segments("م" * 71) == 2
    assert sms.segments("م" * 134) == 2
    assert sms.segments("م" * 135) == 3


def test_a_long_text_is_shortened_to_two_segments_and_keeps_its_link():
    link = "https://example.org/track/"
    text = sms.fit("م" * 300, link)
    assert sms.segments(text) == 2
    assert text.endswith("… " + link)


class _Provider(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Provider.received.append((self.headers.get("Authorization"), body))
        status = 500 if body["text"] == "fail" else 200
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"id": "prov-42", "to": body["to"]}).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def provider():
    server = HTTPServer(("127.0.0.1", 0), _Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Provider.received = []
    yield f"http://127.0.0.1:{server.server_port}/send"
    server.shutdown()
    server.server_close()


def test_the_http_backend_posts_to_the_configured_provider(settings, provider):
    settings.MITHAQ_SMS_BACKEND = "notifications.sms.HttpSmsBackend"
    settings.MITHAQ_SMS_HTTP_URL = provider
    settings.MITHAQ_SMS_HTTP_TOKEN = "t0ken"
    settings.MITHAQ_SMS_SENDER = "Demnate"
    assert sms.send(PHONE, "hello") == "prov-42"
    assert _Provider.received == [("Bearer t0ken", {"to": PHONE, "text": "hello", "sender": "Demnate"})]
    with pytest.raises(sms.SmsError) as info:
        sms.send(PHONE, "fail")
    # The error names the status only: the provider's answer quotes the number.
    assert str(info.value) == "http 500" and PHONE not in str(info.value)


# Desk filing without e-mail, end to end ---------------------------------------------------------


def test_a_desk_filer_without_email_gets_the_receipt_by_sms_in_arabic(
    client, world, django_capture_on_commit_callbacks, smsoutbox
):
    case, code = desk_file(client, world, django_capture_on_commit_callbacks)
    assert case.submitter is None and case.submitter_phone == PHONE and case.submitter_language == "ar"
    assert len(smsoutbox) == 1
    message = smsoutbox[0]
    assert message.to == PHONE
    assert case.reference in message.text and code in message.text
    assert reverse("public:track") in message.text
    assert sms.segments(message.text) <= 2
    delivery = Delivery.objects.get(channel=Delivery.Channel.SMS)
    assert delivery.language == "ar" and delivery.status == Delivery.Status.SENT
    assert delivery.provider_id == message.provider_id
    # The tracking code is stored hashed only: once sent, neither the event nor the row keeps it.
    assert code not in delivery.body and services.SECRET_MASK in delivery.body
    event = delivery.outbox_event
    assert event.status == OutboxEvent.Status.SENT and "receipt_code" not in event.payload
    assert delivery.recipient_key == f"desk-filer:{case.pk}"  # no number in the key


def test_every_decision_reaches_the_desk_filer_by_sms(
    client, world, django_capture_on_commit_callbacks, smsoutbox
):
    case, _code = desk_file(client, world, django_capture_on_commit_callbacks, submitter_language="fr")
    smsoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = transition(world, case, "start_review")
    with django_capture_on_commit_callbacks(execute=True):
        case = transition(world, case, "declare_inadmissible")
    assert [m.to for m in smsoutbox] == [PHONE, PHONE]
    assert all(case.reference in m.text for m in smsoutbox)
    assert reverse("public:case", args=[case.reference]) in smsoutbox[-1].text
    assert set(Delivery.objects.filter(channel="sms").values_list("language", flat=True)) == {"fr"}


def test_nothing_but_the_paper_receipt_sends_nothing(
    client, world, django_capture_on_commit_callbacks, smsoutbox
):
    case, _code = desk_file(client, world, django_capture_on_commit_callbacks, submitter_phone="")
    assert case.submitter_phone == "" and smsoutbox == []
    assert not Delivery.objects.filter(channel=Delivery.Channel.SMS).exists()


def test_a_bad_phone_at_the_desk_is_a_clear_error(client, world):
    client.force_login(world[roles.INTAKE])
    before = Case.objects.count()
    response = client.post(
        reverse("public:file"),
        {
            "kind": "proposal",
            "title": "Réparer le trottoir",
            "description": "Le trottoir est cassé.",
            "channel": "desk",
            "submitter_phone": "0812345",
        },
    )
    assert response.status_code == 400
    assert "submitter_phone" in response.context["form"].errors
    assert "0812345" not in str(response.context["form"].errors)
    assert Case.objects.count() == before


def test_the_service_refuses_a_bad_phone(world):
    from core.errors import InvalidInput

    with pytest.raises(InvalidInput) as info:
        case_services.case_create(
            actor=world[roles.INTAKE],
            kind="proposal",
            title="Réparer le trottoir",
            description="Le trottoir est cassé.",
            submitter_phone="+33612345678",
        )
    assert set(info.value.field_errors) == {"submitter_phone"}


def test_the_phone_is_never_on_the_public_page(client, world, django_capture_on_commit_callbacks):
    case, _code = desk_file(client, world, django_capture_on_commit_callbacks)
    client.logout()
    page = client.get(reverse("public:case", args=[case.reference])).content.decode()
    assert case.reference in page
    assert "612345678" not in page and "12 34 56 78" not in page


# Users: preferences, no address, retries --------------------------------------------------------


def test_a_user_who_chose_sms_gets_email_and_sms(world, delivered, smsoutbox):
    citizen = world[roles.CITIZEN]
    citizen.phone, citizen.notify_by_sms = PHONE, True
    citizen.save()
    case = delivered(world.case_in, "submitted", "proposal")
    channels = set(Delivery.objects.filter(user=citizen).values_list("channel", flat=True))
    assert channels == {"inapp", "email", "sms"}
    # A draft filed later: its code was shown when the draft was saved, the receipt says where to use it.
    assert [m.to for m in smsoutbox] == [PHONE]
    assert case.reference in smsoutbox[0].text and case.tracking_code not in smsoutbox[0].text


def test_a_user_with_a_phone_but_no_sms_choice_gets_email_only(
    world, delivered, django_capture_on_commit_callbacks
):
    citizen = world[roles.CITIZEN]
    citizen.phone = PHONE
    citizen.save()
    delivered(world.case_in, "submitted", "proposal")
    assert not Delivery.objects.filter(user=citizen, channel="sms").exists()
    assert Delivery.objects.filter(user=citizen, channel="email").exists()


def test_a_user_without_email_gets_sms_anyway(world, django_capture_on_commit_callbacks, smsoutbox):
    citizen = world[roles.CITIZEN]
    citizen.email, citizen.phone = "", PHONE
    citizen.save()
    with django_capture_on_commit_callbacks(execute=True):
        case, code = case_services.case_create(
            actor=citizen, kind="proposal", title="Réparer le trottoir", description="Le trottoir est cassé."
        )
    assert [m.to for m in smsoutbox] == [PHONE]
    assert code in smsoutbox[0].text and case.reference in smsoutbox[0].text
    assert not Delivery.objects.filter(user=citizen, channel="email").exists()


def test_a_user_with_neither_email_nor_phone_gets_skipped_deliveries(
    world, django_capture_on_commit_callbacks, mailoutbox, smsoutbox
):
    citizen = world[roles.CITIZEN]
    citizen.email = ""
    citizen.save()
    with django_capture_on_commit_callbacks(execute=True):
        case, _code = case_services.case_create(
            actor=citizen, kind="proposal", title="Réparer le trottoir", description="Le trottoir est cassé."
        )
    rows = {d.channel: d for d in Delivery.objects.filter(user=citizen)}
    assert rows["inapp"].status == Delivery.Status.SENT
    assert rows["email"].status == Delivery.Status.SKIPPED and rows["email"].email == ""
    assert rows["email"].attempts == 0
    assert mailoutbox == [] and smsoutbox == []
    assert OutboxEvent.objects.get(subject_id=case.pk).status == OutboxEvent.Status.SENT


def test_a_failing_sms_backend_is_retried(
    settings, client, world, django_capture_on_commit_callbacks, smsoutbox, caplog
):
    settings.MITHAQ_SMS_BACKEND = "tests.notifications.backends.SmsDownBackend"
    with caplog.at_level(logging.WARNING):
        case, code = desk_file(client, world, django_capture_on_commit_callbacks)
    event = OutboxEvent.objects.get(subject_id=case.pk)
    assert event.status == OutboxEvent.Status.PENDING and event.attempts == 1
    delivery = Delivery.objects.get(channel="sms")
    assert delivery.status == Delivery.Status.PENDING and delivery.last_error == "SmsError http 503"
    # Neither the number nor the code leaks into the logs or the recorded error.
    assert "612345678" not in caplog.text and code not in caplog.text
    assert "receipt_code" in event.payload  # kept while the message may still be sent

    settings.MITHAQ_SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
    services.outbox_sweep(now=timezone.now() + LATER, inline=True)
    event.refresh_from_db()
    delivery.refresh_from_db()
    assert event.status == OutboxEvent.Status.SENT
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 2
    assert len(smsoutbox) == 1 and code in smsoutbox[0].text
    assert code not in delivery.body and "receipt_code" not in event.payload


def test_an_sms_that_fails_for_good_forgets_the_code(
    settings, client, world, django_capture_on_commit_callbacks
):
    settings.MITHAQ_SMS_BACKEND = "tests.notifications.backends.SmsDownBackend"
    case, code = desk_file(client, world, django_capture_on_commit_callbacks)
    for _ in range(services.MAX_ATTEMPTS):
        services.outbox_sweep(now=timezone.now() + datetime.timedelta(days=400), inline=True)
    event = OutboxEvent.objects.get(subject_id=case.pk)
    assert event.status == OutboxEvent.Status.FAILED
    assert "receipt_code" not in event.payload
    assert code not in Delivery.objects.get(channel="sms").body


def test_a_tamazight_desk_filer_gets_the_sms_in_tamazight(
    client, world, django_capture_on_commit_callbacks, smsoutbox
):
    # Delivery.language holds "zgh" (three letters) on PostgreSQL too.
    case, _code = desk_file(client, world, django_capture_on_commit_callbacks, submitter_language="zgh")
    assert Delivery.objects.get(channel="sms").language == "zgh"
    assert [m.to for m in smsoutbox] == [PHONE]


def test_the_staff_case_page_shows_the_phone_masked(client, world, django_capture_on_commit_callbacks):
    case, _code = desk_file(client, world, django_capture_on_commit_callbacks)
    client.force_login(world[roles.BUREAU])
    page = client.get(reverse("staff:case", args=[case.reference])).content.decode()
    assert "+212*******78" in page
    assert "612345678" not in page
