"""Staff pages: access, scoping, the transition forms this user may use, and posting them."""

from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from audit.models import TransitionEntry
from core.errors import ConcurrentUpdate
from tests.factories import JUSTIFICATION


def _translated(message) -> str:
    with translation.override("ar"):
        return escape(str(message))


def test_staff_list_requires_login(client, db):
    response = client.get(reverse("staff:cases"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_staff_list_refuses_non_staff_with_403(client, world):
    client.force_login(world["citizen"])
    response = client.get(reverse("staff:cases"))
    assert response.status_code == 403
    assert response.templates[0].name == "errors/error.html"


def test_staff_home_redirects(client, world):
    # Staff land on the staff home (issue 13 item 5, tests/pages/test_staff_home.py); filers go
    # to their cases.
    client.force_login(world["bureau"])
    response = client.get(reverse("staff:home"))
    assert response.status_code == 200
    assert reverse("workflows:inbox") in response.content.decode()
    client.force_login(world["citizen"])
    assert client.get(reverse("staff:home"))["Location"] == reverse("public:my_cases")


def test_login_page_logs_in_and_lands_on_the_staff_list(client, world):
    user = world["bureau"]
    user.set_password("a-long-password-1")
    user.save()
    response = client.post(reverse("login"), {"username": "bureau", "password": "a-long-password-1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:home")
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("public:home")


def test_staff_list_filters_and_shows_days_in_state(client, world):
    in_committee = world.case_in("in_committee")
    submitted = world.case_in("submitted", "petition")
    client.force_login(world["bureau"])
    response = client.get(reverse("staff:cases"))
    html = response.content.decode()
    assert in_committee.reference in html and submitted.reference in html
    html = client.get(reverse("staff:cases"), {"state": "in_committee"}).content.decode()
    assert in_committee.reference in html and submitted.reference not in html
    html = client.get(reverse("staff:cases"), {"kind": "petition", "q": submitted.reference}).content.decode()
    assert submitted.reference in html and in_committee.reference not in html


def test_committee_member_sees_only_their_committees_cases(client, world):
    case = world.case_in("in_committee")
    client.force_login(world.outsider_committee_member)
    assert case.reference not in client.get(reverse("staff:cases")).content.decode()
    assert client.get(reverse("staff:case", args=[case.reference])).status_code == 404
    client.force_login(world["committee"])
    assert client.get(reverse("staff:case", args=[case.reference])).status_code == 200


def test_staff_case_page_shows_private_fields_and_full_timeline(client, world):
    case = world.case_in("adopted")
    client.force_login(world["followup"])
    response = client.get(reverse("staff:case", args=[case.reference]))
    html = response.content.decode()
    assert "citizen" in html  # the submitter
    assert "The committee studied the file and recommends it." in html
    assert "secretariat" in html  # the actor of the decision
    assert len([i for i in response.context["timeline"] if i.kind == "transition"]) == 6
    assert response.context["panels"] == []  # follow-up is read-only


def test_bureau_sees_only_the_transitions_it_may_use(client, world):
    case = world.case_in("submitted", "proposal")
    client.force_login(world["bureau"])
    response = client.get(reverse("staff:case", args=[case.reference]))
    names = [p.spec.name for p in response.context["panels"]]
    assert names == ["start_review", "declare_inadmissible"]
    html = response.content.decode()
    assert reverse("staff:transition", args=[case.reference, "start_review"]) in html
    assert reverse("staff:transition", args=[case.reference, "declare_inadmissible"]) in html
    assert reverse("staff:transition", args=[case.reference, "adopt"]) not in html
    assert 'name="expected_state" value="submitted"' in html


def test_transition_forms_ask_for_what_the_transition_carries(client, world):
    case = world.case_in("on_agenda")
    client.force_login(world["secretariat"])
    panels = {
        p.spec.name: p for p in client.get(reverse("staff:case", args=[case.reference])).context["panels"]
    }
    assert set(panels) == {"adopt", "reject", "defer"}
    adopt = panels["adopt"].form
    assert {
        "deliberation_number",
        "votes_for",
        "votes_against",
        "votes_abstain",
        "justification",
        "service",
    } <= set(adopt.fields)
    assert adopt.fields["votes_for"].required and not adopt.fields["service"].required
    assert list(adopt.fields["service"].queryset) == [world.service, world.other_service]


def test_posting_a_transition_changes_the_state_and_redirects(client, world):
    case = world.case_in("submitted", "proposal")
    client.force_login(world["bureau"])
    response = client.post(
        reverse("staff:transition", args=[case.reference, "start_review"]), {"expected_state": "submitted"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:case", args=[case.reference])
    case.refresh_from_db()
    assert case.state == "under_review"
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]]


def test_posting_a_transition_with_a_model_and_a_date(client, world):
    case = world.case_in("under_review", "proposal")
    client.force_login(world["bureau"])
    response = client.post(
        reverse("staff:transition", args=[case.reference, "refer_to_committee"]),
        {"expected_state": "under_review", "committee": world.committee.pk},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.committee == world.committee
    adopted = world.case_in("adopted")
    client.force_login(world["service"])
    response = client.post(
        reverse("staff:transition", args=[adopted.reference, "plan_implementation"]),
        {"expected_state": "adopted", "planned_end": "2099-06-30", "budget_line": "B-7"},
    )
    assert response.status_code == 302
    adopted.refresh_from_db()
    assert (adopted.state, adopted.planned_end.isoformat()) == ("in_implementation", "2099-06-30")


def test_a_too_short_justification_rerenders_with_the_error_and_changes_nothing(client, world):
    case = world.case_in("submitted", "proposal")
    entries = TransitionEntry.objects.count()
    client.force_login(world["bureau"])
    response = client.post(
        reverse("staff:transition", args=[case.reference, "declare_inadmissible"]),
        {"expected_state": "submitted", "reason_code": ["competence"], "justification": "Too short."},
    )
    assert response.status_code == 400
    assert response.templates[0].name == "staff/case.html"
    form = response.context["panels"][1].form
    assert form.is_bound and "justification" in form.errors
    assert "30" in " ".join(form.errors["justification"])
    assert "Too short." in response.content.decode()  # what was typed is kept
    case.refresh_from_db()
    assert case.state == "submitted"
    assert TransitionEntry.objects.count() == entries


def test_a_missing_required_field_is_a_400(client, world):
    case = world.case_in("submitted", "proposal")
    client.force_login(world["bureau"])
    response = client.post(
        reverse("staff:transition", args=[case.reference, "declare_inadmissible"]),
        {"expected_state": "submitted", "justification": JUSTIFICATION},
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.state == "submitted"


def test_a_stale_page_gives_the_conflict_message_and_409(client, world):
    case = world.case_in("under_review", "proposal")
    entries = TransitionEntry.objects.count()
    client.force_login(world["bureau"])
    response = client.post(
        reverse("staff:transition", args=[case.reference, "declare_inadmissible"]),
        {"expected_state": "submitted", "reason_code": ["competence"], "justification": JUSTIFICATION},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert _translated(ConcurrentUpdate.default_message) in html
    case.refresh_from_db()
    assert case.state == "under_review"
    assert TransitionEntry.objects.count() == entries
    # The form shown again carries the state as it is now.
    failed = [p for p in response.context["panels"] if p.failed][0]
    assert failed.form.data["expected_state"] == "under_review"


def test_a_stale_page_whose_transition_is_gone_still_says_conflict(client, world):
    case = world.case_in("under_review", "proposal")
    client.force_login(world["bureau"])
    response = client.post(
        reverse("staff:transition", args=[case.reference, "start_review"]), {"expected_state": "submitted"}
    )
    assert response.status_code == 409
    assert _translated(ConcurrentUpdate.default_message) in response.content.decode()


def test_a_role_that_may_not_act_gets_403_and_nothing_changes(client, world):
    case = world.case_in("submitted", "proposal")
    client.force_login(world["secretariat"])
    response = client.post(
        reverse("staff:transition", args=[case.reference, "start_review"]), {"expected_state": "submitted"}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == "submitted"


def test_unknown_transition_or_case_is_404_and_get_is_405(client, world):
    case = world.case_in("submitted", "proposal")
    client.force_login(world["bureau"])
    assert client.post(reverse("staff:transition", args=[case.reference, "nope"]), {}).status_code == 404
    assert client.post(reverse("staff:transition", args=["NOPE-1", "start_review"]), {}).status_code == 404
    assert client.get(reverse("staff:transition", args=[case.reference, "start_review"])).status_code == 405


def test_every_problem_of_a_transition_form_shows_at_once(client, world):
    case = world.case_in("submitted", "proposal")
    client.force_login(world["bureau"])
    response = client.post(
        reverse("staff:transition", args=[case.reference, "declare_inadmissible"]),
        {"expected_state": "submitted", "justification": "short"},
    )
    assert response.status_code == 400
    failed = [p for p in response.context["panels"] if p.failed][0]
    assert {"reason_code", "justification"} <= set(failed.form.errors)


def test_the_desk_cannot_file_a_draft_it_does_not_see_from_the_pages(client, world):
    """An Equality Commission draft does not exist for the desk: 404, nothing changed; a draft the
    desk registered is filed from its page."""
    from cases.models import Case

    opinion = world.new_case("advisory_opinion")
    client.force_login(world["intake"])
    url = reverse("staff:transition", args=[opinion.reference, "submit"])
    response = client.post(url, {"expected_state": "draft"})
    assert response.status_code == 404
    assert Case.objects.get(pk=opinion.pk).state == "draft"

    mine = world.new_case("proposal", actor=world["intake"], submitter_name="Fatima Zahra")
    response = client.post(
        reverse("staff:transition", args=[mine.reference, "submit"]), {"expected_state": "draft"}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=mine.pk).state == "submitted"
