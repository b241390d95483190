"""OL 113-14 art. 38: an admissible petition goes on its mandatory session (the next ordinary session
after the bureau's decision); another session needs a published derogation. For every kind, a session
in the past or held before the case was filed is refused with a typed error, and nothing changes."""

import datetime

import pytest
from django.utils import timezone, translation

from audit.models import TransitionEntry
from cases import services
from cases import states as S
from core import errors
from organisation.models import CouncilSession
from tests.cases.conftest import counts

pytestmark = pytest.mark.django_db

KINDS = ["petition", "proposal", "advisory_opinion", "children_recommendation"]
DEROGATION = "The February session was cancelled by the governor; the next one takes the petition."


def _session(world, days: int, kind=CouncilSession.Kind.EXTRAORDINARY):
    return CouncilSession.objects.create(
        collectivity=world.collectivity, kind=kind, date=timezone.localdate() + datetime.timedelta(days=days)
    )


def _schedule(world, case, session, **extra):
    return services.case_transition(
        actor=world["secretariat"], case=case, name="schedule", data={"session": session.pk, **extra}
    )


def test_a_petition_goes_on_its_mandatory_session(stage):
    case = stage.case("petition", "reported")
    assert case.mandatory_session_id == stage.world.session.pk
    result = _schedule(stage.world, case, stage.world.session)
    assert result.state == S.ON_AGENDA and result.session_id == stage.world.session.pk
    assert result.schedule_derogation == ""


def test_another_session_without_a_derogation_is_refused(stage):
    case = stage.case("petition", "reported")
    other = _session(stage.world, 200)
    before = counts(case)
    with translation.override("en"), pytest.raises(errors.SessionRefused) as info:
        _schedule(stage.world, case, other)
    assert info.value.code == "session_refused"
    assert "mandatory session" in info.value.field_errors["derogation"][0]
    assert counts(case) == before


def test_a_short_derogation_is_refused(stage):
    case = stage.case("petition", "reported")
    before = counts(case)
    with pytest.raises(errors.GuardFailed) as info:
        _schedule(stage.world, case, _session(stage.world, 200), derogation="cancelled")
    assert set(info.value.field_errors) == {"derogation"}
    assert counts(case) == before


def test_another_session_with_a_derogation_is_recorded_and_published(stage, client):
    case = stage.case("petition", "reported")
    other = _session(stage.world, 200)
    result = _schedule(stage.world, case, other, derogation=DEROGATION)
    assert result.state == S.ON_AGENDA and result.session_id == other.pk
    assert result.schedule_derogation == DEROGATION
    entry = TransitionEntry.objects.filter(case=result, transition="schedule").get()
    assert entry.payload["public"]["derogation"] == DEROGATION
    assert entry.payload["public"]["mandatory_session"]["id"] == stage.world.session.pk
    page = client.get(f"/register/{result.reference}/")
    assert page.status_code == 200
    assert DEROGATION in page.content.decode()


@pytest.mark.parametrize("kind", ["proposal", "advisory_opinion", "children_recommendation"])
def test_other_kinds_have_no_mandatory_session(stage, kind):
    case = stage.case(kind, "reported")
    result = _schedule(stage.world, case, _session(stage.world, 200))
    assert result.state == S.ON_AGENDA and result.schedule_derogation == ""


@pytest.mark.parametrize("kind", KINDS)
def test_a_past_session_is_refused_for_every_kind(stage, kind):
    case = stage.case(kind, "reported")
    past = _session(stage.world, -3)
    before = counts(case)
    with translation.override("en"), pytest.raises(errors.SessionRefused) as info:
        _schedule(stage.world, case, past, derogation=DEROGATION)
    assert "already past" in info.value.field_errors["session"][0]
    assert counts(case) == before


@pytest.mark.parametrize("kind", KINDS)
def test_a_session_held_before_filing_is_refused_for_every_kind(stage, kind):
    """Seen from the day of a back-dated transition the session is not past, but the case was filed
    after it."""
    case = stage.case(kind, "reported")
    filed = timezone.localtime(case.submitted_at).date()
    held = CouncilSession.objects.create(
        collectivity=stage.world.collectivity, kind="extraordinary", date=filed - datetime.timedelta(days=400)
    )
    at = timezone.make_aware(datetime.datetime.combine(held.date, datetime.time(9)))
    before = counts(case)
    with translation.override("en"), pytest.raises(errors.SessionRefused) as info:
        services.case_transition(
            actor=stage.world["secretariat"],
            case=case,
            name="schedule",
            data={"session": held.pk, "derogation": DEROGATION},
            at=at,
        )
    assert "before the case was filed" in info.value.field_errors["session"][0]
    assert counts(case) == before


def test_the_api_refuses_a_past_session_with_the_error_shape(stage, client):
    from rest_framework.authtoken.models import Token

    case = stage.case("proposal", "reported")
    past = _session(stage.world, -1)
    token, _ = Token.objects.get_or_create(user=stage.world["secretariat"])
    response = client.post(
        f"/api/v1/cases/{case.reference}/transitions/schedule/",
        {"session": past.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "session_refused"
