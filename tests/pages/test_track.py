"""The tracking page: reference + tracking code, one error for every wrong pair, a rate limit."""

from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from cases.views.public import TRACK_ATTEMPTS


def _error_text():
    with translation.override("ar"):
        from django.utils.translation import gettext

        return escape(gettext("No case matches this reference and tracking code. Check both and try again."))


def test_right_code_shows_the_case_and_what_the_submitter_must_know(client, world):
    case = world.case_in("awaiting_information", title="Lights for the souk")
    response = client.post(reverse("public:track"), {"reference": case.reference, "code": case.tracking_code})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lights for the souk" in html
    assert "Please add the statutes of the association." in html  # what the bureau asked for
    assert response.context["tracked"] is True
    assert _error_text() not in html


def test_code_is_forgiving_about_case_and_spaces(client, world):
    case = world.case_in("submitted")
    code = case.tracking_code.lower()
    spaced = f" {code[:4]} {code[4:8]} {code[8:]} "
    response = client.post(reverse("public:track"), {"reference": case.reference.lower(), "code": spaced})
    assert response.context.get("tracked") is True


def test_wrong_code_shows_the_error_and_no_case_data(client, world):
    case = world.case_in("awaiting_information", title="Lights for the souk")
    response = client.post(reverse("public:track"), {"reference": case.reference, "code": "WRONGCODE234"})
    assert response.status_code == 200
    html = response.content.decode()
    assert _error_text() in html
    assert "Lights for the souk" not in html
    assert "Please add the statutes" not in html
    assert not response.context.get("tracked")


def test_unknown_reference_gives_the_same_error(client, world):
    case = world.case_in("submitted")
    wrong_code = client.post(reverse("public:track"), {"reference": case.reference, "code": "WRONGCODE234"})
    unknown = client.post(reverse("public:track"), {"reference": "DMN-PRO-2099-9999", "code": "WRONGCODE234"})
    assert unknown.status_code == wrong_code.status_code == 200
    assert list(unknown.context["form"].non_field_errors()) == list(
        wrong_code.context["form"].non_field_errors()
    )
    assert _error_text() in unknown.content.decode()


def test_attempts_are_limited_per_address(client, world):
    case = world.case_in("submitted")
    for _ in range(TRACK_ATTEMPTS):
        response = client.post(reverse("public:track"), {"reference": case.reference, "code": "WRONGCODE234"})
        assert response.status_code == 200
    response = client.post(reverse("public:track"), {"reference": case.reference, "code": case.tracking_code})
    assert response.status_code == 429
    assert not response.context.get("tracked")
    # Another address is not affected.
    other = client.post(
        reverse("public:track"),
        {"reference": case.reference, "code": case.tracking_code},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.context.get("tracked") is True


def test_tracking_page_is_not_cached(client, db):
    response = client.get(reverse("public:track"))
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
