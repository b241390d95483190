"""A phone number for notices by SMS (docs/domain.md §7): Moroccan numbers only, stored in E.164, edited
in the profile, with an empty e-mail allowed once a phone is given; never echoed in errors."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts import services
from accounts.forms import ProfileForm
from core.phone import phone_mask, phone_normalize
from tests.accounts.test_profile import profile_data

PHONE = "+212612345678"


@pytest.mark.parametrize(
    "raw, e164",
    [
        ("0612345678", "+212612345678"),
        ("06 12 34 56 78", "+212612345678"),
        ("06.12.34.56.78", "+212612345678"),
        ("07-12-34-56-78", "+212712345678"),
        ("0522123456", "+212522123456"),
        ("+212612345678", "+212612345678"),
        ("+212 6 12 34 56 78", "+212612345678"),
        ("+212 (0)6 12 34 56 78", "+212612345678"),
        ("00212612345678", "+212612345678"),
        ("212612345678", "+212612345678"),
        ("٠٦١٢٣٤٥٦٧٨", "+212612345678"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_moroccan_numbers_are_normalised_to_e164(raw, e164):
    assert phone_normalize(raw) == e164


@pytest.mark.parametrize(
    "raw",
    [
        "0812345678",
        "061234567",
        "06123456789",
        "+33612345678",
        "0033612345678",
        "612345678",
        "06abc45678",
        "+2126",
    ],
)
def test_other_numbers_are_refused_with_a_translated_message(raw):
    with pytest.raises(ValidationError) as info:
        phone_normalize(raw)
    assert info.value.code == "invalid_phone"
    assert raw not in str(info.value.messages)
    with translation.override("fr"):
        french = str(ValidationError(info.value.messages[0]).messages[0])
    assert french  # a gettext string: the integrator translates it (ar, fr)


def test_the_mask_keeps_the_country_code_and_two_digits():
    assert phone_mask(PHONE) == "+212*******78"
    assert "612345678" not in phone_mask(PHONE)
    assert phone_mask("") == ""


def test_the_profile_saves_a_phone_and_the_sms_choice(client, citizen):
    client.force_login(citizen)
    response = client.post(
        reverse("accounts:profile"), profile_data(citizen, phone="06 12 34 56 78", notify_by_sms="on")
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.phone == PHONE and citizen.notify_by_sms
    form = ProfileForm(user=citizen)
    assert form["phone"].value() == PHONE and form["notify_by_sms"].value() is True


def test_a_bad_phone_is_a_form_error_not_a_500(client, citizen):
    client.force_login(citizen)
    response = client.post(reverse("accounts:profile"), profile_data(citizen, phone="0812345678"))
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert "0812345678" not in response.content.decode().split("<form")[0]
    citizen.refresh_from_db()
    assert citizen.phone == ""


def test_sms_needs_a_phone(client, citizen):
    client.force_login(citizen)
    response = client.post(reverse("accounts:profile"), profile_data(citizen, notify_by_sms="on"))
    assert "phone" in response.context["form"].errors
    citizen.refresh_from_db()
    assert not citizen.notify_by_sms


def test_the_email_may_be_emptied_when_a_phone_is_given(client, citizen, mailoutbox):
    client.force_login(citizen)
    response = client.post(reverse("accounts:profile"), profile_data(citizen, email="", phone="0712345678"))
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.email == "" and citizen.phone == "+212712345678" and not citizen.email_verified
    assert mailoutbox == []  # no link to an empty address


def test_without_email_nor_phone_the_profile_is_refused(client, citizen):
    client.force_login(citizen)
    response = client.post(reverse("accounts:profile"), profile_data(citizen, email="", phone=""))
    assert "email" in response.context["form"].errors
    citizen.refresh_from_db()
    assert citizen.email


def test_the_service_checks_the_phone_too(citizen):
    with pytest.raises(services.AccountRefused) as info:
        services.user_profile_update(
            user=citizen, first_name="", last_name="", email="", language="ar", phone="+33612345678"
        )
    assert set(info.value.field_errors) == {"phone"}
    with pytest.raises(services.AccountRefused) as info:
        services.user_profile_update(
            user=citizen, first_name="", last_name="", email=citizen.email, language="ar", notify_by_sms=True
        )
    assert set(info.value.field_errors) == {"phone"}
