"""Law 09-08 and docs/domain.md §12: no signatory's name or CNIE number on any public page or API answer;
the agent sees masked numbers; each bureau view of the list is logged; numbers are encrypted at
rest."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from cases import services
from cases.models import Case
from core import roles
from core.errors import TransitionNotAllowed
from petitions import signatures
from petitions.models import Signature, SignatureAccessLog
from tests.cases.conftest import few_signatures
from tests.factories import UserFactory

ONLINE = {
    "full_name": "Naima Secretname",
    "cnie": "ON998877",
    "address": "Hay Essalam 12, Demnate",
    "link": "resident",
}


@pytest.fixture
def seeded(world):
    """Petitions in several states, each with the signatures world.sign adds, and one draft
    collecting online with a signature from a verified account."""
    filed = [
        world.case_in(state, "petition") for state in ("submitted", "in_committee", "inadmissible", "adopted")
    ]
    draft = world.new_case("petition", title="Shade trees on the avenue")
    world.sign(draft, 40)
    signatures.petition_signing_set(actor=world[roles.CITIZEN], case=draft, open_=True)
    signer = UserFactory(username="online_signer", groups=[roles.CITIZEN])
    signer.email_verified = True
    signer.save()
    signatures.signature_sign_online(user=signer, case=draft, confirm_link=True, **ONLINE)
    names = set(Signature.objects.values_list("full_name", flat=True))
    numbers = {f"JK{100000 + i}" for i in range(100)} | {ONLINE["cnie"]}
    assert len(names) == 101
    return {"filed": filed, "draft": draft, "names": names, "numbers": numbers, "signer": signer}


def _forbidden_strings(seeded) -> set[str]:
    numbers = seeded["numbers"]
    digits = {n[2:] for n in numbers}
    spaced = {f"{n[:2]} {n[2:]}" for n in numbers}
    return (
        seeded["names"]
        | numbers
        | digits
        | spaced
        | {n.lower() for n in numbers}
        | {ONLINE["address"], "Signataire"}
    )


def _assert_clean(text: str, forbidden: set[str], where: str) -> None:
    leaked = sorted(s for s in forbidden if s in text)
    assert not leaked, f"{where} shows personal data: {leaked[:5]}"


def test_no_public_page_nor_api_answer_shows_a_signatory(client, world, seeded):
    forbidden = _forbidden_strings(seeded)
    urls = [
        reverse("public:home"),
        reverse("public:register"),
        reverse("public:register") + "?kind=petition",
        reverse("public:track"),
        reverse("petitions:list"),
        reverse("petitions:sign", args=[seeded["draft"].reference]),
        "/api/v1/cases/",
        "/api/v1/cases/?kind=petition",
        "/api/v1/rules/",
    ]
    for case in seeded["filed"]:
        urls += [reverse("public:case", args=[case.reference]), f"/api/v1/cases/{case.reference}/"]
    pages = 0
    for who in (None, seeded["signer"], world[roles.CITIZEN]):
        client.logout()
        if who is not None:
            client.force_login(who)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            _assert_clean(response.content.decode(), forbidden, url)
            pages += 1
    # The tracking result of every petition, and the receipt it opens.
    client.logout()
    for case in seeded["filed"]:
        response = client.post(
            reverse("public:track"), {"reference": case.reference, "code": case.tracking_code}
        )
        assert response.context["tracked"] is True
        _assert_clean(response.content.decode(), forbidden, f"tracking {case.reference}")
        receipt = client.get(reverse("cases:receipt", args=[case.reference]))
        assert receipt.status_code == 200
        _assert_clean(receipt.content.decode(), forbidden, f"receipt {case.reference}")
    assert pages == 3 * len(urls)
    # The detail does carry the count.
    detail = client.get(f"/api/v1/cases/{seeded['filed'][0].reference}/").json()
    assert detail["signature_count"] == 100


def test_the_agent_sees_masked_numbers_only(client, world, seeded):
    draft = seeded["draft"]
    client.force_login(world[roles.CITIZEN])
    response = client.get(reverse("petitions:my_signatures", args=[draft.reference]))
    assert response.status_code == 200
    html = response.content.decode()
    _assert_clean(html, _forbidden_strings(seeded), "the agent's signatures page")
    assert html.count("•••••") == 41
    assert "•••••877" in html  # the online signer's last three characters
    my_cases = client.get(reverse("public:my_cases")).content.decode()
    _assert_clean(my_cases, _forbidden_strings(seeded), "My cases")


def test_someone_else_cannot_open_the_agent_page(client, world, seeded):
    url = reverse("petitions:my_signatures", args=[seeded["draft"].reference])
    client.force_login(seeded["signer"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_every_bureau_view_is_logged(client, world, seeded):
    case = seeded["filed"][0]
    bureau = world[roles.BUREAU]
    url = reverse("staff:signatures", args=[case.reference])
    client.force_login(bureau)
    before = SignatureAccessLog.objects.count()
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Signataire 7" in html and "JK100007" in html and "Derb 7, Demnate" in html
    logs = list(SignatureAccessLog.objects.order_by("id")[before:])
    assert len(logs) == 2
    assert {(log.user, log.case_id, log.count) for log in logs} == {(bureau, case.pk, 100)}
    assert all(log.at is not None for log in logs)
    # The desk sees masked numbers, and is not shown (nor logged as seeing) personal data.
    client.force_login(world[roles.INTAKE])
    html = client.get(url).content.decode()
    _assert_clean(html, _forbidden_strings(seeded), "the desk's view")
    assert SignatureAccessLog.objects.count() == before + 2


@pytest.mark.parametrize(
    "role",
    [roles.CITIZEN, roles.COMMITTEE, roles.SECRETARIAT, roles.SERVICE, roles.FOLLOWUP, roles.PRESIDENT],
)
def test_others_may_not_see_the_signatures(client, world, role):
    case = world.case_in("submitted", "petition")
    client.force_login(world[role])
    assert client.get(reverse("staff:signatures", args=[case.reference])).status_code == 403
    assert not SignatureAccessLog.objects.exists()


def test_cnie_numbers_are_not_stored_in_clear(world, seeded):
    """Scan every table of the database, raw: no whole card number anywhere."""
    numbers = seeded["numbers"]
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (table names from introspection)
            for row in cursor.fetchall():
                text = " ".join(str(value) for value in row)
                found += [(table, n) for n in numbers if n in text]
    assert not found, found[:5]
    # ... while the bureau can still read them.
    rows = signatures.signatures_for_bureau(user=world[roles.BUREAU], case=seeded["filed"][0])
    assert {row.cnie for row in rows} == {f"JK{100000 + i}" for i in range(100)}
    assert Case.objects.filter(pk=seeded["filed"][0].pk).exists()


# A draft's signatures are the agent's working data ------------------------------------------------


def test_the_bureau_cannot_open_the_signatures_of_a_draft(client, world, seeded):
    draft = seeded["draft"]
    client.force_login(world[roles.BUREAU])
    response = client.get(reverse("staff:signatures", args=[draft.reference]), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 403
    html = response.content.decode()
    assert "still a draft" in html or "encore un brouillon" in html
    _assert_clean(html, _forbidden_strings(seeded), "the bureau's view of a draft")
    assert not SignatureAccessLog.objects.exists()

    with pytest.raises(TransitionNotAllowed):
        signatures.signatures_for_bureau(user=world[roles.BUREAU], case=draft)
    assert not SignatureAccessLog.objects.exists()


def test_the_bureau_cannot_invalidate_signatures_of_a_draft(client, world, seeded):
    draft = seeded["draft"]
    ids = list(Signature.objects.filter(case=draft).values_list("pk", flat=True)[:2])
    client.force_login(world[roles.BUREAU])
    response = client.post(
        reverse("staff:signatures_invalidate", args=[draft.reference]),
        {"signatures": ids, "reason": "Signatures en double sur la liste"},
    )
    assert response.status_code == 403
    with pytest.raises(TransitionNotAllowed):
        signatures.signatures_invalidate(
            actor=world[roles.BUREAU],
            case=draft,
            signature_ids=ids,
            reason="Signatures en double sur la liste",
        )
    assert Signature.objects.filter(case=draft, valid=True).count() == 41


def test_the_signatures_api_refuses_the_bureau_on_a_draft(world, seeded, client_as):
    draft = seeded["draft"]
    response = client_as(world[roles.BUREAU]).get(f"/api/v1/cases/{draft.reference}/signatures/")
    assert response.status_code == 405
    response = client_as(world[roles.BUREAU]).post(
        f"/api/v1/cases/{draft.reference}/signatures/",
        [{"full_name": "X Y", "cnie": "AB123456", "address": "Derb 1", "link": "resident"}],
        format="json",
    )
    assert response.status_code == 403
    _assert_clean(response.content.decode(), _forbidden_strings(seeded), "the API answer")


def test_once_filed_the_bureau_sees_the_signatories(client, world, seeded):
    draft = seeded["draft"]
    few_signatures(world)
    services.case_transition(actor=world[roles.CITIZEN], case=draft, name="submit", data={})
    client.force_login(world[roles.BUREAU])
    response = client.get(reverse("staff:signatures", args=[draft.reference]))
    assert response.status_code == 200
    assert "Signataire 7" in response.content.decode()
