"""Meetings through the services: who may record them, what is refused, what is kept."""

import pytest

from core import roles
from core.errors import InvalidInput, TransitionNotAllowed
from participation import services
from participation.models import Meeting
from tests.participation.conftest import at, meeting_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [roles.BUREAU, roles.FOLLOWUP])
def test_bureau_and_followup_record_any_meeting(world, role):
    meeting = services.meeting_create(actor=world[role], collectivity=world.collectivity, data=meeting_data())
    assert Meeting.objects.get().pk == meeting.pk
    assert meeting.created_by == world[role]
    assert len(meeting.evaluation_token) >= 20


def test_committee_member_records_own_committee_meeting_only(world):
    member = world[roles.COMMITTEE]
    own = services.meeting_create(
        actor=member,
        collectivity=world.collectivity,
        data=meeting_data(
            organiser=Meeting.Organiser.COMMITTEE, committee=world.committee, kind="committee_hearing"
        ),
    )
    assert own.organiser_label == world.committee.name
    with pytest.raises(TransitionNotAllowed):
        services.meeting_create(
            actor=member,
            collectivity=world.collectivity,
            data=meeting_data(organiser=Meeting.Organiser.COMMITTEE, committee=world.other_committee),
        )
    with pytest.raises(TransitionNotAllowed):
        services.meeting_create(actor=member, collectivity=world.collectivity, data=meeting_data())
    assert Meeting.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "organiser"),
    [(roles.EQUALITY_COMMISSION, "equality_commission"), (roles.CHILDREN_COUNCIL, "children_council")],
)
def test_bodies_record_their_own_meetings(world, role, organiser):
    meeting = services.meeting_create(
        actor=world[role], collectivity=world.collectivity, data=meeting_data(organiser=organiser)
    )
    assert meeting.organiser == organiser
    with pytest.raises(TransitionNotAllowed):
        services.meeting_create(actor=world[role], collectivity=world.collectivity, data=meeting_data())


@pytest.mark.parametrize("role", [roles.CITIZEN, roles.ASSOCIATION, roles.INTAKE, roles.SECRETARIAT])
def test_other_roles_cannot_record(world, role):
    with pytest.raises(TransitionNotAllowed):
        services.meeting_create(actor=world[role], collectivity=world.collectivity, data=meeting_data())
    assert not Meeting.objects.exists()


def test_service_member_edits_own_service_meeting_not_others(world, make_meeting):
    meeting = make_meeting(organiser=Meeting.Organiser.SERVICE, service=world.service, kind="workshop")
    services.meeting_update(actor=world[roles.SERVICE], meeting=meeting, data={"place": "Youth centre"})
    meeting.refresh_from_db()
    assert meeting.place == "Youth centre"
    with pytest.raises(TransitionNotAllowed):
        services.meeting_update(
            actor=world.outsider_service_member, meeting=meeting, data={"place": "Elsewhere"}
        )
    # Handing the meeting to a body the member does not belong to is refused too.
    with pytest.raises(TransitionNotAllowed):
        services.meeting_update(
            actor=world[roles.SERVICE], meeting=meeting, data={"organiser": "bureau", "service": None}
        )
    meeting.refresh_from_db()
    assert (meeting.place, meeting.organiser) == ("Youth centre", "service")


def test_invalid_meeting_is_refused_and_nothing_written(world):
    with pytest.raises(InvalidInput) as exc:
        services.meeting_create(
            actor=world[roles.BUREAU],
            collectivity=world.collectivity,
            data=meeting_data(starts_at=at(2, 12), ends_at=at(2, 9), organiser="committee"),
        )
    assert set(exc.value.field_errors) == {"ends_at", "committee"}
    assert not Meeting.objects.exists()


def test_history_is_kept(world, meeting):
    services.meeting_update(
        actor=world[roles.FOLLOWUP], meeting=meeting, data={"topic": "Lighting, second round"}
    )
    assert [h.topic for h in meeting.history.order_by("history_id")] == [
        "Lighting of the old medina",
        "Lighting, second round",
    ]


def test_attendance_set_replaces_counts(world, meeting):
    services.attendance_set(
        actor=world[roles.BUREAU],
        meeting=meeting,
        cells={("female", "15_34", "no", "resident"): 4, ("male", "35_59", "yes", "official"): 2},
    )
    services.attendance_set(
        actor=world[roles.BUREAU], meeting=meeting, cells={("female", "60_plus", "no", "resident"): 3}
    )
    rows = list(
        meeting.attendance.values_list("gender", "age_band", "disability", "participant_type", "count")
    )
    assert rows == [("female", "60_plus", "no", "resident", 3)]
    meeting.refresh_from_db()
    assert meeting.attendance_source == "hand"


@pytest.mark.parametrize(
    "cells", [{("female", "15_34", "no", "resident"): -1}, {("x", "15_34", "no", "resident"): 2}]
)
def test_attendance_set_refuses_bad_counts(world, meeting, cells):
    services.attendance_set(
        actor=world[roles.BUREAU], meeting=meeting, cells={("male", "15_34", "no", "resident"): 5}
    )
    with pytest.raises(InvalidInput):
        services.attendance_set(actor=world[roles.BUREAU], meeting=meeting, cells=cells)
    assert list(meeting.attendance.values_list("count", flat=True)) == [5]


def test_case_link_and_unlink(world, meeting):
    case = world.case_in("submitted")
    services.meeting_case_link(actor=world[roles.BUREAU], meeting=meeting, reference=case.reference.lower())
    assert list(case.meetings.all()) == [meeting]
    with pytest.raises(TransitionNotAllowed):
        services.meeting_case_link(actor=world[roles.CITIZEN], meeting=meeting, reference=case.reference)
    with pytest.raises(InvalidInput):
        services.meeting_case_link(actor=world[roles.BUREAU], meeting=meeting, reference="DMN-PRO-1999-0001")
    services.meeting_case_unlink(actor=world[roles.BUREAU], meeting=meeting, case_id=case.pk)
    assert not case.meetings.exists()


def test_draft_case_cannot_be_linked(world, meeting):
    draft = world.case_in("draft")
    with pytest.raises(InvalidInput):
        services.meeting_case_link(actor=world[roles.BUREAU], meeting=meeting, reference=draft.reference)
    assert not meeting.cases.exists()
