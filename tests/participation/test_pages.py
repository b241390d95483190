"""The meeting pages: who may open and change them, the online evaluation link, the documents."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import roles
from participation import services
from participation.models import EvaluationTally, Meeting, MeetingDocument
from tests.participation.conftest import at

pytestmark = pytest.mark.django_db

CARD = {"satisfaction": "4", "clarity": "5", "come_again": "yes"}


def staff_urls(meeting) -> list[tuple[str, str]]:
    return [
        ("get", reverse("participation:staff_meetings")),
        ("get", reverse("participation:staff_meeting_new")),
        ("get", reverse("participation:staff_meeting", args=[meeting.pk])),
        ("get", reverse("participation:staff_meeting_edit", args=[meeting.pk])),
        ("get", reverse("participation:staff_attendance", args=[meeting.pk])),
        ("post", reverse("participation:staff_evaluation_paper", args=[meeting.pk])),
        ("post", reverse("participation:staff_case_link", args=[meeting.pk])),
    ]


def test_anonymous_is_sent_to_log_in(client, meeting):
    for method, url in staff_urls(meeting):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("role", [roles.CITIZEN, roles.ASSOCIATION])
def test_citizen_and_association_are_refused(client, world, meeting, role):
    client.force_login(world[role])
    for method, url in staff_urls(meeting):
        assert getattr(client, method)(url).status_code == 403, url


def test_staff_outside_the_organiser_read_but_cannot_change(client, world, meeting):
    client.force_login(world[roles.SECRETARIAT])
    assert client.get(reverse("participation:staff_meeting", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("participation:staff_meeting_edit", args=[meeting.pk])).status_code == 403
    response = client.post(
        reverse("participation:staff_evaluation_paper", args=[meeting.pk]), {"satisfaction_5": "3"}
    )
    assert response.status_code == 403
    assert not EvaluationTally.objects.exists()


def test_bureau_records_a_meeting_through_the_form(client, world):
    client.force_login(world[roles.BUREAU])
    response = client.post(
        reverse("participation:staff_meeting_new"),
        {
            "kind": "charter_information",
            "topic": "What the charter changes",
            "starts_at": "2027-03-04T17:30",
            "place": "Dar Chabab",
            "organiser": "bureau",
            "public": "on",
            "evaluation_open": "on",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("participation:staff_meeting", args=[meeting.pk])
    assert (meeting.kind, meeting.place, meeting.public) == ("charter_information", "Dar Chabab", True)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert meeting.evaluation_token in page.content.decode()


def test_bad_form_is_a_400_and_writes_nothing(client, world):
    client.force_login(world[roles.BUREAU])
    response = client.post(
        reverse("participation:staff_meeting_new"),
        {
            "kind": "workshop",
            "topic": "x",
            "starts_at": "2027-03-04T17:30",
            "place": "x",
            "organiser": "committee",
        },
    )
    assert response.status_code == 400
    assert not Meeting.objects.exists()


def test_hand_entry_of_attendance(client, world, meeting):
    client.force_login(world[roles.FOLLOWUP])
    url = reverse("participation:staff_attendance", args=[meeting.pk])
    assert client.get(url).status_code == 200
    data = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0"}
    for i, (gender, band, count) in enumerate([("female", "15_34", "7"), ("male", "60_plus", "3")]):
        data.update(
            {
                f"form-{i}-gender": gender,
                f"form-{i}-age_band": band,
                f"form-{i}-disability": "no",
                f"form-{i}-participant_type": "resident",
                f"form-{i}-count": count,
            }
        )
    assert client.post(url, data).status_code == 302
    assert sorted(meeting.attendance.values_list("gender", "count")) == [("female", 7), ("male", 3)]


def test_online_evaluation_link_works_once(client, meeting):
    url = reverse("participation:evaluate", args=[meeting.evaluation_token])
    assert client.get(url).status_code == 200
    response = client.post(url, CARD)
    assert response.status_code == 200
    assert EvaluationTally.objects.filter(question="satisfaction", answer="4").get().count == 1
    again = client.post(url, CARD)
    assert again.status_code == 409
    assert EvaluationTally.objects.filter(question="satisfaction", answer="4").get().count == 1


def test_evaluation_link_unknown_token_and_closed_form(client, make_meeting):
    assert client.get(reverse("participation:evaluate", args=["not-a-token"])).status_code == 404
    future = make_meeting(starts_at=at(4))
    response = client.post(reverse("participation:evaluate", args=[future.evaluation_token]), CARD)
    assert response.status_code == 409
    assert not EvaluationTally.objects.exists()


def test_evaluation_link_is_rate_limited(client, meeting, settings):
    settings.MITHAQ_EVALUATION_PER_HOUR = 2
    url = reverse("participation:evaluate", args=[meeting.evaluation_token])
    for _ in range(2):
        client.cookies.clear()
        assert client.post(url, CARD).status_code == 200
    client.cookies.clear()
    assert client.post(url, CARD).status_code == 429
    assert EvaluationTally.objects.get(question="clarity", answer="5").count == 2


def test_bad_card_is_a_400(client, meeting):
    url = reverse("participation:evaluate", args=[meeting.evaluation_token])
    assert client.post(url, {"satisfaction": "9"}).status_code == 400
    assert not EvaluationTally.objects.exists()


def _upload(world, meeting, purpose, public, name):
    return services.document_add(
        actor=world[roles.BUREAU],
        meeting=meeting,
        uploaded=SimpleUploadedFile(name, b"%PDF-1.4 minutes", content_type="application/pdf"),
        purpose=purpose,
        public=public,
    )


def test_documents_are_served_by_their_rules(client, world, meeting):
    minutes = _upload(world, meeting, "minutes", True, "minutes.pdf")
    draft = _upload(world, meeting, "minutes", False, "draft-minutes.pdf")
    scan = _upload(world, meeting, "attendance_sheet", False, "sheet.pdf")
    url = lambda d: reverse("participation:document", args=[d.pk])  # noqa: E731
    assert client.get(url(minutes)).status_code == 200
    assert client.get(url(draft)).status_code == 404
    assert client.get(url(scan)).status_code == 404
    client.force_login(world[roles.SECRETARIAT])  # staff, not managing the meeting
    assert client.get(url(draft)).status_code == 200
    assert client.get(url(scan)).status_code == 404
    client.force_login(world[roles.FOLLOWUP])
    response = client.get(url(scan))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private") or "no-store" in response["Cache-Control"]


def test_attendance_sheet_scan_can_never_be_public(world, meeting):
    from core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        _upload(world, meeting, "attendance_sheet", True, "sheet.pdf")
    assert not MeetingDocument.objects.exists()


def test_document_upload_refuses_unknown_types(client, world, meeting):
    client.force_login(world[roles.BUREAU])
    response = client.post(
        reverse("participation:staff_document_upload", args=[meeting.pk]),
        {"purpose": "minutes", "file": SimpleUploadedFile("x.html", b"<script>", content_type="text/html")},
    )
    assert response.status_code == 400
    assert not MeetingDocument.objects.exists()
