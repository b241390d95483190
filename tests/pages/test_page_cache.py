"""Anonymous public pages come from the page cache (cases.page_cache) and stay exact, private and
in the visitor's language."""

import datetime
import re

import pytest
import time_machine
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cases import page_cache, services
from cases.views import public

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _get(client, url, **extra):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200, url
    return response.content.decode(), len(ctx.captured_queries)


def _badge(state: str, kind: str) -> str:
    with translation.override("ar"):
        return render_to_string("includes/state_badge.html", {"state": state, "kind": kind}).strip()


@pytest.fixture
def case(world):
    return world.case_in("submitted", "proposal", title="Lighting for Derb Jdid")


@pytest.mark.parametrize("name", ["home", "register", "case"])
def test_a_second_anonymous_visit_reads_no_database(client, case, name):
    url = {
        "home": reverse("public:home"),
        "register": reverse("public:register"),
        "case": reverse("public:case", args=[case.reference]),
    }[name]
    first, queries = _get(client, url)
    assert queries > 0
    again, queries = _get(Client(), url)
    assert queries == 0
    # The same page, but for its own CSRF token.
    assert TOKEN.sub("", again) == TOKEN.sub("", first)


def test_register_filters_and_pages_are_cached_apart(client, world, case):
    world.case_in("in_committee", "petition", title="Water for Douar Ait")
    html, _ = _get(client, reverse("public:register") + "?kind=petition")
    assert "Water for Douar Ait" in html and "Lighting for Derb Jdid" not in html
    html, queries = _get(client, reverse("public:register") + "?kind=proposal")
    assert queries > 0
    assert "Lighting for Derb Jdid" in html and "Water for Douar Ait" not in html


def test_unknown_query_parameters_are_never_stored(client, case):
    url = reverse("public:register") + "?utm_source=x"
    _get(client, url)
    _, queries = _get(client, url)
    assert queries > 0
    url = reverse("public:case", args=[case.reference]) + "?page=2"
    _get(client, url)
    _, queries = _get(client, url)
    assert queries > 0


def test_a_transition_through_the_services_shows_at_once(client, world, case):
    url = reverse("public:case", args=[case.reference])
    under_review = reverse("public:register") + "?state=under_review"
    html, _ = _get(client, url)
    assert _badge("submitted", "proposal") in html
    assert case.reference not in _get(client, under_review)[0]
    assert _get(client, url)[1] == 0

    services.case_transition(actor=world["bureau"], case=case, name="start_review", data={})

    html, queries = _get(client, url)
    assert queries > 0
    assert _badge("under_review", "proposal") in html
    assert _badge("submitted", "proposal") not in html
    assert case.reference in _get(client, under_review)[0]


def test_a_filing_makes_a_draft_page_public(client, world):
    draft = world.new_case("proposal")
    url = reverse("public:case", args=[draft.reference])
    assert client.get(url).status_code == 404
    assert draft.reference not in _get(client, reverse("public:register"))[0]
    services.case_transition(actor=draft.submitter, case=draft, name="submit", data={})
    assert client.get(url).status_code == 200
    assert draft.reference in _get(client, reverse("public:register"))[0]


def test_signatures_added_to_a_filed_petition_show_on_its_page(client, world):
    petition = world.case_in("awaiting_information", "petition")
    url = reverse("public:case", args=[petition.reference])
    count = petition.collectivity.petition_min_signatures

    def shown(html):
        return [int(n) for n in re.findall(r'<p class="panel">\D*(\d+)', html)]

    assert shown(_get(client, url)[0]) == [count]
    world.sign(petition, 3, start=5000, actor=petition.submitter)
    assert shown(_get(client, url)[0]) == [count + 3]


def test_the_next_day_renders_again(client, case):
    url = reverse("public:case", args=[case.reference])
    _get(client, url)
    assert _get(client, url)[1] == 0
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with time_machine.travel(tomorrow):
        assert _get(client, url)[1] > 0


def test_logged_in_users_never_get_or_leave_a_cached_page(client, world, case):
    user = world["citizen"]
    user.first_name, user.last_name = "Zineb", "Qasimi"
    user.save()
    url = reverse("public:register")
    anonymous_html, _ = _get(client, url)

    logged_in = Client()
    logged_in.force_login(user)
    html, queries = _get(logged_in, url)
    assert queries > 0
    assert "Zineb Qasimi" in html
    assert html != anonymous_html

    # Now the other way round: a user's page is never stored for the next visitor.
    page_url = reverse("public:case", args=[case.reference])
    _get(logged_in, page_url)
    html, queries = _get(Client(), page_url)
    assert queries > 0
    assert "Zineb Qasimi" not in html
    assert reverse("logout") not in html


def test_arabic_and_french_are_never_mixed(client, case):
    url = reverse("public:case", args=[case.reference])
    ar, _ = _get(client, url, HTTP_ACCEPT_LANGUAGE="ar")
    fr, _ = _get(Client(), url, HTTP_ACCEPT_LANGUAGE="fr")
    assert '<html lang="ar" dir="rtl">' in ar
    assert '<html lang="fr" dir="ltr">' in fr
    # From the cache now, each in its own language; the language cookie counts as well.
    again_fr, queries = _get(Client(), url, HTTP_ACCEPT_LANGUAGE="fr")
    assert queries == 0 and '<html lang="fr" dir="ltr">' in again_fr
    chooser = Client(HTTP_ACCEPT_LANGUAGE="fr")
    chooser.cookies["django_language"] = "ar"
    again_ar, queries = _get(chooser, url)
    assert queries == 0 and '<html lang="ar" dir="rtl">' in again_ar


def test_each_visitor_gets_their_own_csrf_token(case):
    url = reverse("public:register")
    first = Client(enforce_csrf_checks=True)
    second = Client(enforce_csrf_checks=True)
    html_1, _ = _get(first, url)
    html_2, queries = _get(second, url)
    assert queries == 0
    token_1, token_2 = TOKEN.findall(html_1)[0], TOKEN.findall(html_2)[0]
    assert token_1 != token_2
    assert page_cache.placeholder() not in html_1 + html_2
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value

    # The language switch of the cached page works with the visitor's own token...
    switch = reverse("set_language")
    answer = second.post(switch, {"language": "fr", "next": url, "csrfmiddlewaretoken": token_2})
    assert answer.status_code == 302
    # ...and another visitor's token is refused.
    answer = first.post(switch, {"language": "fr", "next": url, "csrfmiddlewaretoken": token_2})
    assert answer.status_code == 403


def test_pending_messages_are_never_cached_nor_replayed(client, case):
    url = reverse("public:register")
    _get(client, url)  # the page is cached now
    request = RequestFactory().get(url)
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    messages.info(request, "A note only for this visitor")
    response = public.register(request)
    assert "A note only for this visitor" in response.content.decode()
    assert "A note only for this visitor" not in _get(Client(), url)[0]


@override_settings(MITHAQ_PAGE_CACHE_SECONDS=0)
def test_the_page_cache_can_be_turned_off(client, case):
    url = reverse("public:register")
    _get(client, url)
    assert _get(client, url)[1] > 0
