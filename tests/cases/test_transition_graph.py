"""The transition graph is declared twice (django-fsm on the state field, the table of
cases.lifecycle for permissions and payloads): the app refuses to load when they differ."""

import dataclasses

from cases import lifecycle
from cases import states as S
from cases.models import Case, transition_graph_mismatches


def test_the_decorators_and_the_table_agree():
    assert transition_graph_mismatches() == []


def test_a_source_the_decorator_does_not_have_is_reported():
    table = dict(lifecycle.TRANSITIONS)
    spec = table["start_review"]
    edge = dataclasses.replace(spec.edges[0], sources=(S.SUBMITTED, S.AWAITING_INFORMATION))
    table["start_review"] = dataclasses.replace(spec, edges=(edge,))
    problems = transition_graph_mismatches(Case, table)
    assert len(problems) == 1 and problems[0].startswith(
        "start_review: fsm ['submitted'] -> ['under_review']"
    )


def test_a_different_target_and_a_missing_entry_are_reported():
    table = dict(lifecycle.TRANSITIONS)
    table["defer"] = dataclasses.replace(table["defer"], target=S.REPORTED)
    del table["withdraw"]
    problems = transition_graph_mismatches(Case, table)
    assert any(
        p.startswith("defer: fsm ['on_agenda'] -> ['in_committee'], table ['on_agenda'] -> reported")
        for p in problems
    )
    assert "withdraw(): a django-fsm transition the table does not know" in problems
    assert len(problems) == 2
