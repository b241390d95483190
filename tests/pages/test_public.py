"""The public register and case page: filed cases only, and no personal data."""

from django.urls import reverse

from accounts.models import User
from audit.models import TransitionEntry


def test_register_lists_filed_cases_but_never_drafts(client, world):
    filed = world.case_in("submitted", title="Filed lighting request")
    draft = world.case_in("draft", title="Secret draft idea")
    response = client.get(reverse("public:register"))
    html = response.content.decode()
    assert filed.reference in html
    assert "Filed lighting request" in html
    assert draft.reference not in html
    assert "Secret draft idea" not in html


def test_register_filters_and_search(client, world):
    petition = world.case_in("submitted", "petition", title="Water for Douar Ait")
    proposal = world.case_in("in_committee", "proposal", title="A library")
    html = client.get(reverse("public:register"), {"kind": "petition"}).content.decode()
    assert petition.reference in html and proposal.reference not in html
    html = client.get(reverse("public:register"), {"state": "in_committee"}).content.decode()
    assert proposal.reference in html and petition.reference not in html
    html = client.get(reverse("public:register"), {"committee": world.committee.pk}).content.decode()
    assert proposal.reference in html and petition.reference not in html
    html = client.get(reverse("public:register"), {"q": "library"}).content.decode()
    assert proposal.reference in html and petition.reference not in html
    html = client.get(reverse("public:register"), {"year": petition.year}).content.decode()
    assert proposal.reference in html and petition.reference in html


def test_register_ignores_invalid_filters(client, world):
    case = world.case_in("submitted")
    response = client.get(
        reverse("public:register"), {"kind": "bogus", "committee": "x", "year": "abc", "page": "999"}
    )
    assert response.status_code == 200
    assert case.reference in response.content.decode()


def test_register_paginates_by_25(client, world):
    for _ in range(26):
        world.case_in("submitted")
    first = client.get(reverse("public:register"))
    assert len(first.context["page"].object_list) == 25
    second = client.get(reverse("public:register"), {"page": 2})
    assert len(second.context["page"].object_list) == 1


def test_public_case_page_of_a_draft_is_404(client, world):
    draft = world.case_in("draft")
    assert client.get(reverse("public:case", args=[draft.reference])).status_code == 404


def _give_identities(world):
    """Distinctive names for everyone, so a leak of any of them can be found in the HTML."""
    tokens = []
    for i, user in enumerate(User.objects.all()):
        user.username = f"zzuser{i}q"
        user.first_name = f"Firstname{i}x"
        user.last_name = f"Lastname{i}y"
        user.email = f"mail{i}@leak.example"
        user.save()
        tokens += [user.username, user.first_name, user.last_name, user.email]
        user.__dict__.pop("_group_names", None)
    for role, user in world.users.items():
        world.users[role] = User.objects.get(pk=user.pk)
    return tokens


def test_public_case_page_shows_no_personal_data(client, world):
    tokens = _give_identities(world)
    online = world.case_in("adopted", "proposal", actor=world["citizen"])
    desk = world.case_in(
        "adopted",
        "proposal",
        actor=world["intake"],
        submitter_name="Fatima Zahra Bennani",
        submitter_contact="0612345678",
    )
    world.case_in("awaiting_information", "proposal", actor=world["citizen"])
    assert TransitionEntry.objects.filter(case=online).count() == 6
    for case in (online, desk):
        response = client.get(reverse("public:case", args=[case.reference]))
        assert response.status_code == 200
        html = response.content.decode()
        for token in tokens + ["Fatima Zahra Bennani", "0612345678"]:
            assert token not in html, token
        # The decision and its justification are published.
        assert "The council explains this decision" in html
        assert "17/2027" in html


def test_public_case_page_hides_private_transition_notes(client, world):
    case = world.case_in("awaiting_information", "proposal")
    html = client.get(reverse("public:case", args=[case.reference])).content.decode()
    assert "Please add the statutes of the association." not in html


def test_public_case_page_shows_legal_deadline_for_petitions(client, world):
    case = world.case_in("submitted", "petition")
    response = client.get(reverse("public:case", args=[case.reference]))
    assert response.status_code == 200
    assert case.legal_deadline.isoformat() in response.content.decode()
    assert response.context["timeline"][0].transition == "submit"
