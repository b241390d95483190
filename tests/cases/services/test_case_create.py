"""services.case_create: who may file what, what a filing needs, and that a refused filing leaves
nothing behind (no case, no reference number used)."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Sum

from audit.models import TransitionEntry
from cases import services
from cases.models import Case, ReferenceCounter
from core import errors, roles
from notifications.models import OutboxEvent
from tests.cases.conftest import HistoricalCase, verify_audit
from tests.cases.contract import KINDS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TITLE = "Street lighting in Derb Jdid"
DESCRIPTION = "The street has no lights and residents feel unsafe at night."
PETITION_TEXTS = {"reasons": "Residents feel unsafe at night.", "objectives": "Install ten street lights."}

# docs/domain.md §1 and 10: which group files which kind.
MAY_FILE = {
    "citizen": {"petition", "proposal"},
    "association": {"petition", "proposal"},
    "intake": {"petition", "proposal"},
    "equality_commission": {"advisory_opinion"},
    "children_council": {"children_recommendation"},
}
NON_FILERS = (
    "bureau",
    "committee",
    "secretariat",
    "president",
    "service",
    "followup",
    "anonymous",
    "superuser",
)


def _footprint():
    """Everything a refused filing must leave untouched."""
    return (
        Case.objects.count(),
        HistoricalCase.objects.count(),
        ReferenceCounter.objects.count(),
        ReferenceCounter.objects.aggregate(n=Sum("last"))["n"],
        TransitionEntry.objects.count(),
        OutboxEvent.objects.count(),
    )


def _actor(world, who):
    if who == "anonymous":
        return AnonymousUser()
    if who == "superuser":
        return UserFactory(username="root", is_superuser=True, is_staff=True)
    return world[who]


def _texts(kind):
    return PETITION_TEXTS if kind == "petition" else {}


def test_a_proposal_needs_only_kind_title_and_description(world):
    case, code = services.case_create(
        actor=world["citizen"], kind="proposal", title=TITLE, description=DESCRIPTION
    )
    case = Case.objects.get(pk=case.pk)
    assert case.state == "submitted"
    assert case.submitted_at is not None
    assert case.submitter == world["citizen"]
    assert case.channel == "online"
    assert case.audit_count == 1
    assert re.fullmatch(r"DMN-PRO-\d{4}-0001", case.reference)
    assert len(code) >= 10
    assert list(TransitionEntry.objects.filter(case=case).values_list("transition", flat=True)) == ["submit"]
    assert OutboxEvent.objects.filter(subject_id=case.pk).count() == 1
    verify_audit()


def test_a_draft_is_not_filed(world):
    case, _code = services.case_create(
        actor=world["citizen"], kind="petition", title=TITLE, description=DESCRIPTION, draft=True
    )
    assert case.state == "draft"
    assert case.submitted_at is None
    assert case.audit_count == 0
    assert not TransitionEntry.objects.filter(case=case).exists()
    assert not OutboxEvent.objects.filter(subject_id=case.pk).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "    "),
        ("title", "..."),
        ("title", None),
        ("description", ""),
        ("description", "\n\t"),
    ],
)
def test_blank_title_or_description_is_refused(world, field, value):
    before = _footprint()
    kwargs = {"title": TITLE, "description": DESCRIPTION, field: value}
    with pytest.raises(errors.InvalidInput) as info:
        services.case_create(actor=world["citizen"], kind="proposal", **kwargs)
    assert info.value.code == "invalid"
    assert info.value.http_status == 400
    assert field in info.value.field_errors
    assert _footprint() == before


@pytest.mark.parametrize(("field", "limit"), [("title", 250), ("subject", 120)])
def test_overlong_text_is_refused(world, field, limit):
    before = _footprint()
    kwargs = {"title": TITLE, "description": DESCRIPTION, field: "x" * (limit + 1)}
    with pytest.raises(errors.InvalidInput) as info:
        services.case_create(actor=world["citizen"], kind="proposal", **kwargs)
    assert field in info.value.field_errors
    assert _footprint() == before


def test_unknown_kind_is_refused(world):
    before = _footprint()
    with pytest.raises(errors.InvalidInput) as info:
        services.case_create(actor=world["citizen"], kind="complaint", title=TITLE, description=DESCRIPTION)
    assert "kind" in info.value.field_errors
    assert _footprint() == before


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("who", NON_FILERS)
def test_roles_that_may_not_file(world, who, kind):
    actor = _actor(world, who)
    before = _footprint()
    with pytest.raises(errors.TransitionNotAllowed) as info:
        services.case_create(actor=actor, kind=kind, title=TITLE, description=DESCRIPTION, **_texts(kind))
    assert info.value.code == "forbidden"
    assert _footprint() == before


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("who", sorted(MAY_FILE))
def test_filing_groups_file_only_their_kinds(world, who, kind):
    """Who may create which kind (as a draft: filing conditions are tested on their own)."""
    before = _footprint()

    def call():
        return services.case_create(
            actor=world[who], kind=kind, title=TITLE, description=DESCRIPTION, draft=True, **_texts(kind)
        )

    if kind not in MAY_FILE[who]:
        with pytest.raises(errors.TransitionNotAllowed):
            call()
        assert _footprint() == before
        return
    case, _code = call()
    assert (case.state, case.kind) == ("draft", kind)
    if who == "intake":
        # The desk registers on a person's behalf: a desk filing with no submitter account.
        assert (case.channel, case.submitter, case.filed_by) == ("desk", None, world["intake"])
    else:
        assert case.submitter == world[who]
    if who == "association":
        assert case.association == world.association


@pytest.mark.parametrize(
    ("who", "kind"),
    [
        ("citizen", "proposal"),
        ("association", "proposal"),
        ("intake", "proposal"),
        ("equality_commission", "advisory_opinion"),
        ("children_council", "children_recommendation"),
    ],
)
def test_filing_at_once(world, who, kind):
    case, _code = services.case_create(actor=world[who], kind=kind, title=TITLE, description=DESCRIPTION)
    assert case.state == "submitted"
    assert case.audit_count == 1
    verify_audit()


def test_only_the_desk_registers_paper_filings(world):
    before = _footprint()
    with pytest.raises(errors.InvalidInput) as info:
        services.case_create(
            actor=world["citizen"], kind="proposal", title=TITLE, description=DESCRIPTION, channel="paper"
        )
    assert "channel" in info.value.field_errors
    assert _footprint() == before


def test_association_member_files_only_for_their_association(world):
    from tests.factories import AssociationFactory

    stranger = AssociationFactory(collectivity=world.collectivity)
    before = _footprint()
    with pytest.raises(errors.InvalidInput) as info:
        services.case_create(
            actor=world["association"],
            kind="proposal",
            title=TITLE,
            description=DESCRIPTION,
            association=stranger.pk,
        )
    assert "association" in info.value.field_errors
    assert _footprint() == before


# Linked opinions -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["petition", "proposal"])
def test_related_case_only_for_opinion_kinds(world, kind):
    target = world.case_in("submitted", "petition")
    before = _footprint()
    with pytest.raises(errors.InvalidInput) as info:
        services.case_create(
            actor=world["citizen"],
            kind=kind,
            title=TITLE,
            description=DESCRIPTION,
            related_case=target.reference,
            **_texts(kind),
        )
    assert "related_case" in info.value.field_errors
    assert _footprint() == before


@pytest.mark.parametrize("kind", ["advisory_opinion", "children_recommendation"])
def test_opinion_linked_to_a_filed_case(world, kind):
    target = world.case_in("under_review", "petition")
    case, _code = services.case_create(
        actor=world.filer_for(kind),
        kind=kind,
        title=TITLE,
        description=DESCRIPTION,
        related_case=target.reference,
    )
    assert case.related_case == target
    assert list(target.linked_opinions.all()) == [case]


@pytest.mark.parametrize("which", ["draft", "unknown", "not a reference"])
def test_opinion_link_must_name_a_filed_case(world, which):
    ref = {
        "draft": world.new_case("proposal").reference,
        "unknown": "DMN-PET-2001-0001",
        "not a reference": 12,
    }[which]
    before = _footprint()
    with pytest.raises(errors.InvalidInput) as info:
        services.case_create(
            actor=world["equality_commission"],
            kind="advisory_opinion",
            title=TITLE,
            description=DESCRIPTION,
            related_case=ref,
        )
    assert "related_case" in info.value.field_errors
    assert _footprint() == before


# Petition guard ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "missing"),
    [
        ({}, {"reasons", "objectives"}),
        ({"reasons": "Residents feel unsafe."}, {"objectives"}),
        ({"objectives": "Ten lights.", "reasons": " ... "}, {"reasons"}),
    ],
)
def test_petition_needs_reasons_and_objectives(world, texts, missing):
    before = _footprint()
    with pytest.raises(errors.GuardFailed) as info:
        services.case_create(
            actor=world["citizen"], kind="petition", title=TITLE, description=DESCRIPTION, **texts
        )
    assert info.value.code == "guard_failed"
    assert missing <= set(info.value.field_errors)
    assert not ({"reasons", "objectives"} - missing) & set(info.value.field_errors)
    assert _footprint() == before


def test_petition_draft_cannot_be_submitted_without_reasons(world):
    case, _code = services.case_create(
        actor=world["citizen"], kind="petition", title=TITLE, description=DESCRIPTION, draft=True
    )
    before = _footprint()
    with pytest.raises(errors.GuardFailed) as info:
        services.case_transition(actor=world["citizen"], case=case, name="submit", data={})
    assert {"reasons", "objectives"} <= set(info.value.field_errors)
    assert _footprint() == before
    assert Case.objects.get(pk=case.pk).state == "draft"


@pytest.mark.parametrize("kind", ["proposal", "advisory_opinion", "children_recommendation"])
def test_other_kinds_need_no_reasons(world, kind):
    case, _code = services.case_create(
        actor=world.filer_for(kind), kind=kind, title=TITLE, description=DESCRIPTION
    )
    assert case.state == "submitted"


def test_a_user_in_two_filing_groups_may_file_both_families(world):
    user = UserFactory(username="both", groups=[roles.CITIZEN, roles.EQUALITY_COMMISSION])
    for kind in ("proposal", "advisory_opinion"):
        case, _code = services.case_create(actor=user, kind=kind, title=TITLE, description=DESCRIPTION)
        assert case.kind == kind


def test_lone_surrogate_in_title_is_refused(world):
    before = _footprint()
    with pytest.raises(errors.InvalidInput):
        services.case_create(
            actor=world["citizen"], kind="proposal", title="Lights \ud800", description=DESCRIPTION
        )
    assert _footprint() == before


def test_nul_character_in_title_is_refused(world):
    before = _footprint()
    with pytest.raises(errors.InvalidInput):
        services.case_create(
            actor=world["citizen"], kind="proposal", title="Lights\x00", description=DESCRIPTION
        )
    assert _footprint() == before
