"""One viewflow Flow per case kind (docs/domain.md §4).

Each flow is a hub: after every transition the `route` gateway reads the case's FSM state and
opens the one human task of the role that must act next; a closed case reaches `end`.
Tasks are completed only by cases.services (through workflows.desk), whatever the entry point.
"""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from cases import states as S
from cases.models import Case
from workflows.models import CaseProcess

APP = "workflows"

# Task node -> (states it stands for, permission of the group that must act, scope, label).
STEPS = {
    "review": ((S.SUBMITTED, S.UNDER_REVIEW), "desk_bureau", None, _("Admissibility review")),
    "referral": ((S.SUBMITTED,), "desk_bureau", None, _("Referral to a committee")),
    "complete_file": ((S.AWAITING_INFORMATION,), None, "submitter", _("Complete the file")),
    "study": ((S.IN_COMMITTEE,), "desk_committee", "committee", _("Committee study and report")),
    "agenda": ((S.REPORTED,), "desk_secretariat", None, _("Put on a session's agenda")),
    "council": ((S.ON_AGENDA,), "desk_secretariat", None, _("Record the council's decision")),
    "plan": ((S.ADOPTED,), "desk_service", "service", _("Plan the implementation")),
    "implement": ((S.IN_IMPLEMENTATION,), "desk_service", "service", _("Carry out and report")),
}
ADMISSIBILITY_STEPS = ("review", "complete_file", "study", "agenda", "council", "plan", "implement")
OPINION_STEPS = ("referral", "study", "agenda", "council", "plan", "implement")


def case_state(activation) -> str:
    # Read afresh: the process may hold a cached artifact from before the transition.
    return (
        Case.objects.filter(pk=activation.process.artifact_object_id).values_list("state", flat=True).first()
    )


def _case(activation) -> Case:
    return Case.objects.get(pk=activation.process.artifact_object_id)


def owner_permission_for(step: str, case: Case) -> str | None:
    permission = STEPS[step][1]
    if STEPS[step][2] == "submitter":
        permission = "desk_submitter" if case.submitter_id else "desk_intake"
    return f"{APP}.{permission}"


def task_view(request, *args, **kwargs):
    """Viewflow's task URL leads to the staff case page, where the forms of the task live."""
    task = kwargs.get("task")
    if task is not None and task.process.artifact_object_id:
        case = Case.objects.filter(pk=task.process.artifact_object_id).first()
        if case:
            return HttpResponseRedirect(reverse("staff:case", args=[case.reference]))
    return HttpResponseRedirect(reverse("workflows:inbox"))


def _state_in(states):
    return lambda activation: case_state(activation) in states


def _build(name: str, steps: tuple[str, ...], doc: str):
    attrs = {
        "__module__": __name__,
        "__doc__": doc,
        "process_class": CaseProcess,
        "lock_impl": lock.select_for_update_lock,
    }
    attrs["start"] = flow.StartHandle(this.start_case).Next(this.route)
    route = flow.Switch()
    for step in steps:
        route = route.Case(getattr(this, step), _state_in(STEPS[step][0]))
    attrs["route"] = route.Default(this.end)
    for step in steps:
        node = flow.View(task_view).Next(this.route)
        node = node.Permission(lambda activation, _step=step: owner_permission_for(_step, _case(activation)))
        if STEPS[step][2] == "submitter":
            node = node.Assign(lambda activation: _case(activation).submitter)
        attrs[step] = node
    attrs["end"] = flow.End()

    def start_case(self, activation, case: Case):
        activation.process.artifact = case
        return activation.process

    attrs["start_case"] = start_case
    return type(name, (flow.Flow,), attrs)


PetitionFlow = _build(
    "PetitionFlow", ADMISSIBILITY_STEPS, "Petition\n\nA petition under OL 113-14 art. 121-125."
)
ProposalFlow = _build(
    "ProposalFlow", ADMISSIBILITY_STEPS, "Proposal\n\nA proposal of a citizen or an association."
)
AdvisoryOpinionFlow = _build(
    "AdvisoryOpinionFlow",
    OPINION_STEPS,
    "Advisory opinion\n\nAn opinion of the Equality Commission (OL 113-14 art. 120).",
)
ChildrenRecommendationFlow = _build(
    "ChildrenRecommendationFlow",
    OPINION_STEPS,
    "Children's Council recommendation\n\nA recommendation of the Children's Council.",
)

FLOWS = {
    Case.Kind.PETITION: PetitionFlow,
    Case.Kind.PROPOSAL: ProposalFlow,
    Case.Kind.ADVISORY_OPINION: AdvisoryOpinionFlow,
    Case.Kind.CHILDREN_RECOMMENDATION: ChildrenRecommendationFlow,
}


def flow_for(kind: str):
    return FLOWS[kind]


def expected_step(case: Case) -> str | None:
    """The task node that must be active for a case in its current state, or None if closed."""
    steps = OPINION_STEPS if case.is_opinion else ADMISSIBILITY_STEPS
    for step in steps:
        if case.state in STEPS[step][0]:
            return step
    return None
