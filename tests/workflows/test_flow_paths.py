"""Each path through the flow, for each kind: the state, the group that owns the task at each step,
and the invariant at the end (issue: the desk)."""

import pytest
from django.core.management import CommandError, call_command

from cases import services
from workflows.desk import active_tasks
from workflows.invariant import violations

KINDS = ["petition", "proposal", "advisory_opinion", "children_recommendation"]
OPINIONS = {"advisory_opinion", "children_recommendation"}

# After each transition: (state, the task node that must be open, its owner permission).
OWNER = {
    "submitted": ("review", "workflows.desk_bureau"),
    "under_review": ("review", "workflows.desk_bureau"),
    "awaiting_information": ("complete_file", "workflows.desk_submitter"),
    "in_committee": ("study", "workflows.desk_committee"),
    "reported": ("agenda", "workflows.desk_secretariat"),
    "on_agenda": ("council", "workflows.desk_secretariat"),
    "adopted": ("plan", "workflows.desk_service"),
    "in_implementation": ("implement", "workflows.desk_service"),
}
OPINION_OWNER = {**OWNER, "submitted": ("referral", "workflows.desk_bureau")}

PATHS = {
    "implemented": [
        "submit",
        "start_review",
        "refer_to_committee",
        "report",
        "schedule",
        "adopt",
        "plan_implementation",
        "complete",
    ],
    "rejected": ["submit", "start_review", "refer_to_committee", "report", "schedule", "reject"],
    "inadmissible": ["submit", "start_review", "declare_inadmissible"],
    "withdrawn": ["submit", "start_review", "request_information", "provide_information", "withdraw"],
    "deferred": [
        "submit",
        "start_review",
        "refer_to_committee",
        "report",
        "schedule",
        "defer",
        "report",
        "schedule",
        "adopt",
    ],
    "abandoned": ["submit", "start_review", "refer_to_committee", "report", "schedule", "adopt", "abandon"],
}


def _path(kind, name):
    steps = PATHS[name]
    if kind in OPINIONS:
        if name == "inadmissible":
            return None
        steps = [s for s in steps if s not in ("start_review", "request_information", "provide_information")]
    return steps


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("path_name", list(PATHS))
def test_path_through_the_flow(world, kind, path_name):
    steps = _path(kind, path_name)
    if steps is None:
        pytest.skip("opinions skip admissibility")
    owners = OPINION_OWNER if kind in OPINIONS else OWNER
    case = world.new_case(kind)
    if kind == "petition":
        # OL 113-14 art. 123: a citizens' petition is filed with its minimum of signatures.
        world.sign(case, case.collectivity.petition_min_signatures)
    for name in steps:
        if name == "refer_to_committee" and kind == "petition":
            world.check_admissible(case)  # OL 113-14 art. 125: the checklist before the referral
        case = services.case_transition(
            actor=world.actor_for(name, case), case=case, name=name, data=world.payload_for(name)
        )
        tasks = list(active_tasks(case.pk))
        if case.state in owners:
            step, permission = owners[case.state]
            assert len(tasks) == 1, (name, case.state, tasks)
            assert tasks[0].flow_task.name == step
            assert tasks[0].owner_permission == permission
        else:
            assert tasks == [], (name, case.state)
    assert list(violations([case.pk])) == []


def test_each_completed_task_records_who_completed_it(world):
    from workflows.selectors import case_tasks

    case = world.case_in("reported", "proposal")
    done = [t for t in case_tasks(case) if t.finished]
    assert [t.owner.username for t in done] == ["bureau", "bureau", "committee"]


def test_check_workflows_command_passes_and_detects_a_violation(world):
    case = world.case_in("in_committee", "petition")
    call_command("check_workflows")
    # A second open task for the same case breaks the invariant.
    task = active_tasks(case.pk).get()
    task.pk = None
    task.save()
    with pytest.raises(CommandError, match="1 workflow invariant violation"):
        call_command("check_workflows")
