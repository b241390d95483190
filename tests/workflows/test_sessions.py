from django.urls import reverse

from organisation.models import CouncilSession


def test_session_pages(world, client):
    petition = world.case_in("reported", "petition")
    proposal = world.case_in("on_agenda", "proposal")
    client.force_login(world["secretariat"])
    listing = client.get(reverse("workflows:sessions"))
    assert listing.status_code == 200
    assert petition.reference in listing.content.decode()
    detail = client.get(reverse("workflows:session", args=[world.session.pk]))
    body = detail.content.decode()
    assert detail.status_code == 200
    assert proposal.reference in body
    # Item-by-item decisions: the adopt, reject and defer forms of the scheduled case.
    for name in ("adopt", "reject", "defer"):
        assert f"transition-{proposal.reference}-{name}" in body
    # The candidate petition can be scheduled on this session.
    assert f"transition-{petition.reference}-schedule" in body
    printable = client.get(reverse("workflows:session_print", args=[world.session.pk]))
    assert printable.status_code == 200
    assert 'dir="rtl"' in printable.content.decode()
    assert proposal.reference in printable.content.decode()


def test_sessions_forbidden_to_citizens(world, client):
    client.force_login(world["citizen"])
    assert client.get(reverse("workflows:sessions")).status_code == 403


def test_secretariat_records_an_extraordinary_session(world, client):
    client.force_login(world["secretariat"])
    response = client.post(reverse("workflows:sessions"), {"date": "2027-04-09", "kind": "extraordinary"})
    assert response.status_code == 302
    assert CouncilSession.objects.filter(date="2027-04-09", kind="extraordinary").exists()
    bad = client.post(reverse("workflows:sessions"), {"date": "not a date", "kind": "extraordinary"})
    assert bad.status_code == 400


def test_generate_calendar(world, client):
    client.force_login(world["secretariat"])
    client.post(reverse("workflows:sessions_generate"))
    assert CouncilSession.objects.filter(kind="ordinary").count() >= 6


def test_the_session_page_warns_about_mandatory_items_not_reported(world, client):
    """OL 113-14 art. 38: an admissible petition still with the committee is listed, with a link, on
    its mandatory session's page; once it is on the agenda the warning is gone."""
    petition = world.case_in("in_committee", "petition")
    assert petition.mandatory_session_id == world.session.pk
    client.force_login(world["secretariat"])
    body = client.get(reverse("workflows:session", args=[world.session.pk])).content.decode()
    assert 'id="mandatory-missing"' in body
    assert reverse("staff:case", args=[petition.reference]) in body
    on_agenda = world.case_in("on_agenda", "petition")
    body = client.get(reverse("workflows:session", args=[world.session.pk])).content.decode()
    warning = body.split('id="mandatory-missing"')[1].split("</section>")[0]
    assert petition.reference in warning and on_agenda.reference not in warning
