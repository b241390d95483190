"""Indicators on the hand-dated commune of conftest.py, period [2026-09-01, 2026-10-01).

Cases: A adopted at 00:00 on 1 Sept (from: in) and implemented 20 Sept; B filed at 00:00 on 1 Sept
(in) and rejected 30 Sept 23:00 (in); C filed 10 Sept, adopted at 00:00 on 1 Oct (to: out);
D filed 5 July, adopted 20 Sept, abandoned; E filed at 00:00 on 1 Oct (out); F an Equality
Commission opinion taken into account 25 Sept, in implementation; G an association's proposal
declared inadmissible (no decision on the merits); H filed at the desk 2 Sept, waiting;
I a Children's Council recommendation rejected in July.
"""

import datetime

import pytest

from followup.indicators import compute_indicators
from tests.followup.conftest import FROM, TO

PERIOD = {
    "cases_filed": {
        "total": 5,  # B C F G H
        "by_kind": {"petition": 0, "proposal": 4, "advisory_opinion": 1, "children_recommendation": 0},
        "by_channel": {"online": 4, "desk": 1, "meeting": 0, "paper": 0},
        "by_submitter_type": {
            "citizen": 2,
            "association": 1,
            "equality_commission": 1,
            "children_council": 0,
            "desk": 1,
        },
    },
    "decided": 4,  # A B D F
    "adopted": 3,  # A D F
    "rejected": 1,
    "adoption_rate": 0.75,
    "awaiting_implementation": 0,
    "in_implementation": 1,  # F
    "implemented": 1,  # A
    "not_implemented": 1,  # D, counted against the rate
    "implementation_rate": 0.3333,
    "explained": 4,
    "explained_rate": 1.0,
    # A 11.5833, F 20, B 29.9583, D 77 days: (20 + 29.9583) / 2
    "median_days_to_decision": 24.98,
    "median_days_to_implementation": 31.0,  # A: 20 Aug 10:00 to 20 Sept 10:00
}
TODAY = {
    "cases_filed": {
        "total": 9,
        "by_kind": {"petition": 0, "proposal": 7, "advisory_opinion": 1, "children_recommendation": 1},
        "by_channel": {"online": 8, "desk": 1, "meeting": 0, "paper": 0},
        "by_submitter_type": {
            "citizen": 5,
            "association": 1,
            "equality_commission": 1,
            "children_council": 1,
            "desk": 1,
        },
    },
    "decided": 6,  # A B C D F I
    "adopted": 4,  # A C D F: every case adopted, in implementation, implemented or not implemented
    "rejected": 2,
    "adoption_rate": 0.6667,
    "awaiting_implementation": 1,
    "in_implementation": 1,
    "implemented": 1,
    "not_implemented": 1,
    "implementation_rate": 0.25,
    "explained": 6,
    "explained_rate": 1.0,
    "overdue_now": 3,  # C (adopted, 30 days), E (in committee, 30 days), H (submitted, 5 working days)
    # I 10, A 11.5833, F 20, C 20.5833, B 29.9583, D 77: (20 + 20.5833) / 2
    "median_days_to_decision": 20.29,
    "median_days_to_implementation": 31.0,
}


@pytest.fixture
def figures(commune, world):
    return compute_indicators(world.collectivity, FROM, TO)


def test_period_block(figures):
    assert figures["period"] == PERIOD


def test_today_block(figures):
    assert figures["today"] == TODAY


def test_on_time_per_stage(figures):
    on_time = figures["on_time_rate"]
    # Committee stays ending in the period: B, C, F (2 days) and D (57 days, limit 30); A's ended in August.
    assert on_time["in_committee"] == {"measured": 4, "on_time": 3, "rate": 0.75}
    # On the agenda (15 days): A 7 days (left at 00:00 on 1 Sept, in), B 24, D 17, F 16; C left on 1 Oct
    # (out).
    assert on_time["on_agenda"] == {"measured": 4, "on_time": 1, "rate": 0.25}
    assert on_time["awaiting_information"] == {"measured": 0, "on_time": 0, "rate": None}


def test_funnel(figures):
    funnel = figures["funnel"]
    assert {k: v for k, v in funnel["all"].items() if k != "rates"} == {
        "filed": 5,
        "admissible": 3,  # B C F were referred to a committee
        "decided": 3,  # B C F (C after the period: the cohort is followed to today)
        "adopted": 2,
        "implemented": 0,
        "median_days_to_decision": 20.58,  # F 20, C 20.5833, B 29.9583
        "median_days_to_implementation": None,
    }
    assert funnel["all"]["rates"] == {
        "admissible": 0.6,
        "decided": 1.0,
        "adopted": 0.6667,
        "implemented": 0.0,
    }
    by_kind = {row["key"]: row for row in funnel["kind"]}
    assert (
        by_kind["proposal"]["filed"],
        by_kind["proposal"]["admissible"],
        by_kind["proposal"]["adopted"],
    ) == (4, 2, 1)
    by_type = {row["key"]: row["filed"] for row in funnel["submitter_type"]}
    assert by_type == {"citizen": 2, "association": 1, "equality_commission": 1, "desk": 1}
    by_committee = {row["key"]: row["filed"] for row in funnel["committee"]}
    assert by_committee == {None: 2, figures["committees"][0]["id"]: 3}


def test_committee_league(figures, world):
    first, second = figures["committees"]
    assert first["id"] == world.committee.pk
    assert (first["cases"], first["stays"], first["on_time_rate"], first["median_days"]) == (3, 4, 0.75, 2.0)
    assert (second["cases"], second["stays"], second["on_time_rate"], second["median_days"]) == (
        0,
        0,
        None,
        None,
    )


def test_other_figures(figures):
    assert figures["adherence"] == {
        "associations_registered": 2,
        "associations_signed": 1,
        "associations_signed_in_period": 1,
        "adherence_rate": 0.5,
        "adherence_target": 0.3,
        "promoters": 1,
        "promoter_rate": 1.0,
        "promoter_target": 0.2,
    }
    assert figures["equality_commission"]["opinions"] == {
        "filed_in_period": 1,
        "filed_total": 1,
        "taken_into_account": 1,
        "not_taken_into_account": 0,
        "implemented": 0,
    }
    assert figures["children_council"]["recommendations"] == {
        "filed_in_period": 0,
        "filed_total": 1,
        "taken_into_account": 0,
        "not_taken_into_account": 1,
        "implemented": 0,
    }
    assert figures["digital"] == {
        "online_signatures_in_period": 0,
        "online_signatures_total": 0,
        "case_followers": 1,
    }
    # No meeting recorded: none held, shares unknown (null), never zero.
    assert figures["participation"]["recorded"] is False and figures["participation"]["participants"] == 0
    assert figures["participation"]["women_share"] is None


def test_filters(commune, world):
    opinions = compute_indicators(world.collectivity, FROM, TO, kind="advisory_opinion")
    assert opinions["period"]["cases_filed"]["total"] == 1
    assert (opinions["period"]["adopted"], opinions["period"]["implementation_rate"]) == (1, 0.0)
    other = compute_indicators(world.collectivity, FROM, TO, committee=world.other_committee)
    assert other["today"]["cases_filed"]["total"] == 0 and other["today"]["adoption_rate"] is None


def test_boundaries_move_cases(commune, world):
    """One day later: A's decision (1 Sept 00:00) leaves the period, C's (1 Oct 00:00) enters."""
    import datetime

    later = compute_indicators(
        world.collectivity, FROM + datetime.timedelta(days=1), TO + datetime.timedelta(days=1)
    )
    assert later["period"]["decided"] == 4  # B C D F
    assert later["period"]["cases_filed"]["total"] == 4 + 1  # C F G H and E; B (1 Sept 00:00) left
    assert later["period"]["awaiting_implementation"] == 1  # C


def test_adherence_has_one_definition(commune, world):
    """Charter 7.3: the share of the registry's (validated) associations that signed the charter,
    as of the period's end. The indicators and the bodies' figures agree: an association awaiting
    the bureau's validation is not counted, nor a signature after the period."""
    from organisation.models import Association
    from participation.selectors import adherence_figures
    from tests.factories import AssociationFactory

    AssociationFactory(
        collectivity=world.collectivity,
        charter_signed_on=datetime.date(2026, 9, 5),
        status=Association.Status.PENDING,
    )
    AssociationFactory(collectivity=world.collectivity, charter_signed_on=datetime.date(2026, 10, 3))
    adherence = compute_indicators(world.collectivity, FROM, TO)["adherence"]
    bodies = adherence_figures(world.collectivity, TO, FROM)
    # The fixture's two registered associations, one signed on 10 Sept; the late signatory is
    # registered but signed after the period; the pending one is left out.
    assert adherence["associations_registered"] == bodies["associations_registered"] == 3
    assert adherence["associations_signed"] == bodies["associations_signed"] == 1
    assert adherence["associations_signed_in_period"] == bodies["associations_signed_in_period"] == 1
    assert adherence["adherence_rate"] == bodies["adherence_share"] == round(1 / 3, 4)
    assert adherence["promoter_rate"] == bodies["promoter_share"] == 1.0


def test_headline_of_the_previous_period_equals_the_full_indicators(commune, world):
    """The charter report computes only the compared figures of the previous period: they must
    equal compute_indicators' own, for a period with decisions and one before it."""
    from followup.charter_report import CHANGE_KEYS, _get
    from followup.indicators import headline_indicators

    for date_from, date_to in ((FROM, TO), (datetime.date(2026, 7, 1), FROM)):
        full = compute_indicators(world.collectivity, date_from, date_to)
        light = headline_indicators(world.collectivity, date_from, date_to)
        for _key, path, _rate in CHANGE_KEYS:
            assert _get(light, path) == _get(full, path), path
        assert light["period"] == {k: v for k, v in full["period"].items() if k in light["period"]} | {
            "cases_filed": {"total": full["period"]["cases_filed"]["total"]}
        }
