"""Online signing (docs/domain.md §3.3): a logged-in citizen with a verified e-mail signs once per petition,
after confirming the link to the territory; closed petitions and abuse are refused."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from accounts.models import User
from core import roles
from core.errors import GuardFailed, InvalidTransition, TransitionNotAllowed
from petitions import signatures
from petitions.models import Signature
from tests.factories import UserFactory

FORM = {
    "full_name": "Fatima Ait Ali",
    "cnie": "EE123456",
    "address": "Derb Jdid 4, Demnate",
    "link": "resident",
    "confirm_link": "on",
}


@pytest.fixture
def open_petition(world):
    case = world.new_case("petition")
    signatures.petition_signing_set(actor=world[roles.CITIZEN], case=case, open_=True)
    case.refresh_from_db()
    return case


def _ar(message: str) -> str:
    """A message as the Arabic page shows it."""
    with translation.override("ar"):
        return escape(translation.gettext(message))


def _sign_url(case) -> str:
    return reverse("petitions:sign", args=[case.reference])


def _signer(name="signer", verified=True) -> User:
    user = UserFactory(username=name, groups=[roles.CITIZEN])
    user.email_verified = verified
    user.save()
    return user


def test_a_verified_citizen_signs_once(client, world, open_petition):
    user = _signer()
    client.force_login(user)
    response = client.post(_sign_url(open_petition), FORM)
    assert response.status_code == 302
    signature = Signature.objects.get(case=open_petition)
    assert (signature.user, signature.channel, signature.valid) == (user, "online", True)
    page = client.get(_sign_url(open_petition)).content.decode()
    assert "1" in page and 'name="cnie"' not in page  # signed: no form any more
    # Again, with another number: one signature per account.
    second = client.post(_sign_url(open_petition), {**FORM, "cnie": "EE654321"})
    assert second.status_code == 400
    assert Signature.objects.filter(case=open_petition).count() == 1
    # Another account with the same card number: one signature per CNIE.
    client.force_login(_signer("other"))
    third = client.post(_sign_url(open_petition), {**FORM, "cnie": "ee 123456"})
    assert third.status_code == 400
    assert _ar("You have already signed this petition.") in third.content.decode()
    assert Signature.objects.filter(case=open_petition).count() == 1


def test_an_unverified_account_is_refused(client, world, open_petition):
    client.force_login(_signer(verified=False))
    page = client.get(_sign_url(open_petition)).content.decode()
    assert 'href="/accounts/verify-email/"' in page
    response = client.post(_sign_url(open_petition), FORM)
    assert response.status_code == 403
    assert 'href="/accounts/verify-email/"' in response.content.decode()
    assert not Signature.objects.exists()


def test_the_link_to_the_territory_must_be_confirmed(client, world, open_petition):
    client.force_login(_signer())
    response = client.post(_sign_url(open_petition), {**FORM, "confirm_link": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["confirm_link"]
    assert not Signature.objects.exists()


def test_service_errors_show_on_the_form(client, world, open_petition):
    client.force_login(_signer())
    response = client.post(_sign_url(open_petition), {**FORM, "cnie": "12345"})
    assert response.status_code == 400
    assert "AB123456" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_closed_petition_is_refused(client, world, open_petition):
    signatures.petition_signing_set(actor=world[roles.CITIZEN], case=open_petition, open_=False)
    user = _signer()
    client.force_login(user)
    assert client.get(_sign_url(open_petition)).status_code == 404
    assert client.post(_sign_url(open_petition), FORM).status_code == 404
    with pytest.raises(InvalidTransition):
        signatures.signature_sign_online(
            user=user,
            case=open_petition.reference,
            confirm_link=True,
            **{k: v for k, v in FORM.items() if k != "confirm_link"},
        )
    assert not Signature.objects.exists()


def test_a_filed_petition_takes_no_online_signature(client, world):
    case = world.case_in("submitted", "petition")
    client.force_login(_signer())
    assert client.post(_sign_url(case), FORM).status_code == 404


def test_anonymous_is_sent_to_log_in(client, world, open_petition):
    page = client.get(_sign_url(open_petition))
    assert page.status_code == 200
    assert reverse("login") in page.content.decode()
    response = client.post(_sign_url(open_petition), FORM)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Signature.objects.exists()


def test_rate_limit_per_account(client, world, open_petition):
    user = _signer()
    cache.set(f"sign:user:{user.pk}", 20, 3600)
    client.force_login(user)
    response = client.post(_sign_url(open_petition), FORM)
    assert response.status_code == 403
    assert _ar("Too many signatures in a short time: try again in an hour.") in response.content.decode()
    assert not Signature.objects.exists()


def test_service_refusals(world, open_petition):
    kwargs = {k: v for k, v in FORM.items() if k != "confirm_link"}
    with pytest.raises(TransitionNotAllowed):
        signatures.signature_sign_online(
            user=_signer(verified=False), case=open_petition, confirm_link=True, **kwargs
        )
    with pytest.raises(GuardFailed):
        signatures.signature_sign_online(user=_signer("v2"), case=open_petition, confirm_link=False, **kwargs)
    assert not Signature.objects.exists()


def test_only_the_agent_opens_signing_and_only_a_citizens_draft(world):
    case = world.new_case("petition")
    with pytest.raises(TransitionNotAllowed):
        signatures.petition_signing_set(actor=world[roles.INTAKE], case=case, open_=True)
    association_case = world.new_case("petition", actor=world[roles.ASSOCIATION])
    with pytest.raises(InvalidTransition):
        signatures.petition_signing_set(actor=world[roles.ASSOCIATION], case=association_case, open_=True)


def test_the_list_shows_open_petitions_with_their_count(client, world, open_petition):
    world.new_case("petition", title="A private draft")
    world.sign(open_petition, 7)
    response = client.get(reverse("petitions:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert open_petition.reference in html and "A private draft" not in html
    assert [c.valid_signatures for c in response.context["page"].object_list] == [7]
    assert _sign_url(open_petition) in html
