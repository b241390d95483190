"""Response times count each committee's work: the lead reports and the opinions asked of further
committees (docs/domain.md §3.6)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from cases import services
from followup.response_times import committee_work

TZ = timezone.get_default_timezone()
OPINION = "The finance committee sees no objection: the budget line exists."


def at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


D = datetime.date(2026, 6, 1)  # far from the Ramadan clock change


def _in_committee(world, referred_on):
    case = world.new_case("proposal")
    case = services.case_transition(actor=world["citizen"], case=case, name="submit", at=at(referred_on))
    case = services.case_transition(actor=world["bureau"], case=case, name="start_review", at=at(referred_on))
    return services.case_transition(
        actor=world["bureau"],
        case=case,
        name="refer_to_committee",
        data={"committee": world.committee.pk},
        at=at(referred_on),
    )


def test_committee_work_counts_lead_reports_and_opinions(world, client):
    lead = world.committee.pk
    other = world.other_committee.pk
    # Opinions: one filed after 10 days (on time), one after 40 days (late), one still open and overdue.
    for days in (10, 40, None):
        case = _in_committee(world, D)
        services.case_request_committee_opinion(
            actor=world["bureau"], case=case.reference, committee=other, at=at(D)
        )
        if days is not None:
            services.case_file_committee_opinion(
                actor=world.outsider_committee_member,
                case=case.reference,
                committee=other,
                report=OPINION,
                at=at(D + datetime.timedelta(days=days)),
            )
    # The lead's report on one case after 4 days.
    reported = _in_committee(world, D)
    services.case_transition(
        actor=world["committee"],
        case=reported,
        name="report",
        data=world.payload_for("report"),
        at=at(D + datetime.timedelta(days=4)),
    )

    rows = {
        w.committee_id: w
        for w in committee_work(start=at(datetime.date(2026, 1, 1), 0), end=at(datetime.date(2027, 1, 1), 0))
    }
    assert rows[other].opinion.count == 2
    assert rows[other].opinion.median_days == 25.0  # (10 + 40) / 2
    assert rows[other].opinion.max_days == 40.0
    assert (rows[other].opinion.on_time, rows[other].opinion.measured) == (1, 2)
    assert rows[other].opinion.open_now == 1 and rows[other].opinion.overdue_now == 1
    assert rows[other].lead.count == 0
    assert rows[lead].lead.count == 1 and rows[lead].lead.median_days == 4.0
    # Three cases still with the lead committee (the three asked for an opinion).
    assert rows[lead].lead.open_now == 3
    assert rows[lead].opinion.count == 0
    assert rows[other].label

    # A period that holds none of the filings counts none of them.
    empty = committee_work(start=at(datetime.date(2025, 1, 1), 0), end=at(datetime.date(2025, 6, 1), 0))
    assert all(w.opinion.count == 0 and w.lead.count == 0 for w in empty)

    # The audit page and the API show the same figures.
    client.force_login(world["followup"])
    page = client.get(reverse("followup:response_times"), {"from": "2026-01-01", "to": "2027-01-01"})
    assert page.status_code == 200
    assert 'id="committee-work"' in page.content.decode()
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world["followup"])
    body = api.get("/api/v1/audit/response-times/", {"from": "2026-01-01", "to": "2027-01-01"}).json()
    work = {w["committee"]: w for w in body["committee_work"]}
    assert work[other]["opinion"]["count"] == 2 and work[other]["opinion"]["on_time_share"] == 0.5
    assert work[lead]["lead"]["count"] == 1
