"""docs/domain.md §4 invariant: every open case has exactly one active human task, owned by the group (and
committee or service) that must act; a closed case has none."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from viewflow.workflow.models import Task

from cases import states as S
from cases.models import Case
from workflows.desk import ACTIVE, case_content_type
from workflows.flows import expected_step, owner_permission_for


@dataclass(frozen=True)
class Violation:
    reference: str
    message: str

    def __str__(self) -> str:
        return f"{self.reference}: {self.message}"


def violations(case_ids=None, batch: int = 1000) -> Iterator[Violation]:
    cases = Case.objects.order_by("id").only(
        "id", "reference", "kind", "state", "submitter_id", "committee_id", "service_id"
    )
    if case_ids is not None:
        cases = cases.filter(pk__in=case_ids)
    chunk: list[Case] = []
    for case in cases.iterator(chunk_size=batch):
        chunk.append(case)
        if len(chunk) >= batch:
            yield from _check(chunk)
            chunk = []
    if chunk:
        yield from _check(chunk)


def _check(chunk: list[Case]) -> Iterator[Violation]:
    by_case: dict[int, list[Task]] = defaultdict(list)
    tasks = Task.objects.filter(
        process__artifact_content_type=case_content_type(),
        process__artifact_object_id__in=[c.pk for c in chunk],
        flow_task_type="HUMAN",
        status__in=ACTIVE,
    ).select_related("process")
    for task in tasks:
        by_case[task.process.artifact_object_id].append(task)
    for case in chunk:
        active = by_case.get(case.pk, [])
        step = expected_step(case) if case.state not in S.CLOSED_STATES and case.state != S.DRAFT else None
        if step is None:
            if active:
                yield Violation(case.reference, f"{case.state} but has {len(active)} active task(s)")
            continue
        if len(active) != 1:
            yield Violation(
                case.reference, f"{case.state}: {len(active)} active tasks, expected exactly one ({step})"
            )
            continue
        task = active[0]
        name = task.flow_task.name if task.flow_task else "?"
        if name != step:
            yield Violation(case.reference, f"{case.state}: active task is {name}, expected {step}")
            continue
        expected_permission = owner_permission_for(step, case)
        if task.owner_permission != expected_permission:
            yield Violation(
                case.reference,
                f"task {name} is owned by {task.owner_permission}, expected {expected_permission}",
            )
        if step == "study" and case.committee_id is None:
            yield Violation(case.reference, "in committee without a committee")
        if step == "implement" and case.service_id is None:
            yield Violation(case.reference, "in implementation without a service")
        if step == "complete_file" and case.submitter_id and task.owner_id != case.submitter_id:
            yield Violation(case.reference, "completing the file is not assigned to the submitter")
