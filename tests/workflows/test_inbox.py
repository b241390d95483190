import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from core import errors
from tests.factories import UserFactory
from workflows import selectors
from workflows import services as desk_services
from workflows.desk import active_tasks


def _inbox_refs(user):
    return {row.case.reference for row in selectors.inbox_rows(selectors.inbox(user))}


def test_committee_member_sees_only_own_committee(world):
    mine = world.case_in("in_committee", "proposal")
    other = world.new_case("proposal")
    for name, data in [
        ("submit", {}),
        ("start_review", {}),
        ("refer_to_committee", {"committee": world.other_committee.pk}),
    ]:
        other = services.case_transition(actor=world.actor_for(name, other), case=other, name=name, data=data)
    assert mine.reference in _inbox_refs(world["committee"])
    assert other.reference not in _inbox_refs(world["committee"])
    assert other.reference in _inbox_refs(world.outsider_committee_member)
    # Neither take nor complete a task of another committee.
    task = active_tasks(other.pk).get()
    with pytest.raises(errors.NotFound):
        desk_services.task_take(user=world["committee"], task_id=task.pk)
    with pytest.raises(errors.TransitionNotAllowed):
        services.case_transition(
            actor=world["committee"], case=other, name="report", data=world.payload_for("report")
        )


def test_inbox_page_scoping_and_http_statuses(world, client):
    other = world.new_case("proposal")
    for name, data in [
        ("submit", {}),
        ("start_review", {}),
        ("refer_to_committee", {"committee": world.other_committee.pk}),
    ]:
        other = services.case_transition(actor=world.actor_for(name, other), case=other, name=name, data=data)
    task = active_tasks(other.pk).get()
    client.force_login(world["committee"])
    page = client.get(reverse("workflows:inbox"))
    assert page.status_code == 200
    assert other.reference not in page.content.decode()
    response = client.post(reverse("workflows:take", args=[task.pk]))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.owner_id is None
    # Completing it through the API: forbidden.
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world["committee"])
    r = api.post(
        f"/api/v1/cases/{other.reference}/transitions/report/", world.payload_for("report"), format="json"
    )
    assert r.status_code == 403


def test_service_sees_only_its_cases(world):
    case = world.case_in("in_implementation", "proposal")
    assert case.reference in _inbox_refs(world["service"])
    assert case.reference not in _inbox_refs(world.outsider_service_member)


def test_take_and_release(world):
    case = world.case_in("submitted", "proposal")
    task = active_tasks(case.pk).get()
    bureau2 = UserFactory(username="bureau2", groups=["bureau"])
    desk_services.task_take(user=world["bureau"], task_id=task.pk)
    task.refresh_from_db()
    assert task.owner == world["bureau"]
    with pytest.raises(errors.ConcurrentUpdate) as taken:
        desk_services.task_take(user=bureau2, task_id=task.pk)
    assert taken.value.code == "task_taken"
    # A colleague cannot act on the taken task through the services either.
    with pytest.raises(errors.ConcurrentUpdate):
        services.case_transition(actor=bureau2, case=case.reference, name="start_review")
    with pytest.raises(errors.TransitionNotAllowed):
        desk_services.task_release(user=bureau2, task_id=task.pk)
    desk_services.task_release(user=world["bureau"], task_id=task.pk)
    task.refresh_from_db()
    assert task.owner_id is None
    services.case_transition(actor=bureau2, case=case.reference, name="start_review")
    assert active_tasks(case.pk).get().flow_task.name == "review"


def test_submitter_can_withdraw_even_when_a_task_is_taken(world):
    case = world.case_in("submitted", "proposal")
    desk_services.task_take(user=world["bureau"], task_id=active_tasks(case.pk).get().pk)
    case = services.case_transition(actor=world["citizen"], case=case.reference, name="withdraw")
    assert case.state == "withdrawn"
    assert not active_tasks(case.pk).exists()


def test_archive_lists_completed_tasks(world, client):
    case = world.case_in("in_committee", "proposal")
    client.force_login(world["bureau"])
    page = client.get(reverse("workflows:archive"))
    assert page.status_code == 200
    assert case.reference in page.content.decode()


def test_citizen_inbox_has_the_file_to_complete(world):
    case = world.case_in("awaiting_information", "petition")
    assert case.reference in _inbox_refs(world["citizen"])
    assert case.reference not in _inbox_refs(world["bureau"])


def _count_inbox_queries(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("workflows:inbox"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_inbox_query_count_does_not_grow(world, client):
    for _ in range(10):
        world.case_in("submitted", "proposal")
    few = _count_inbox_queries(client, world["bureau"])
    for _ in range(190):
        world.case_in("submitted", "petition")
    many = _count_inbox_queries(client, world["bureau"])
    assert few == many


def test_staff_case_page_shows_the_desk_and_take(world, client):
    case = world.case_in("submitted", "proposal")
    client.force_login(world["bureau"])
    page = client.get(reverse("staff:case", args=[case.reference]))
    body = page.content.decode()
    assert page.status_code == 200
    task = active_tasks(case.pk).get()
    assert reverse("workflows:take", args=[task.pk]) in body
    client.post(
        reverse("workflows:take", args=[task.pk]), {"next": reverse("staff:case", args=[case.reference])}
    )
    task.refresh_from_db()
    assert task.owner == world["bureau"]
    body = client.get(reverse("staff:case", args=[case.reference])).content.decode()
    assert reverse("workflows:release", args=[task.pk]) in body


def test_report_with_its_document(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from audit.models import TransitionEntry
    from cases.models import CaseAttachment

    case = world.case_in("in_committee", "proposal")
    client.force_login(world["committee"])
    url = reverse("staff:transition", args=[case.reference, "report"])
    data = {"expected_state": "in_committee", "report": "Study done.", "recommendation": "adopt"}
    bad = client.post(url, {**data, "attachment": SimpleUploadedFile("virus.exe", b"MZ")})
    assert bad.status_code == 400
    assert not CaseAttachment.objects.filter(case=case).exists()
    ok = client.post(url, {**data, "attachment": SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 report")})
    assert ok.status_code == 302
    attachment = CaseAttachment.objects.get(case=case)
    assert attachment.purpose == "report" and attachment.public
    entry = TransitionEntry.objects.filter(case=case).last()
    assert entry.payload["public"]["attachment"]["name"] == "rapport.pdf"


def _bulk_waiting_tasks(world, n: int) -> None:
    """n more submitted proposals waiting for the bureau, copied in bulk from one filed through the
    services (filing a thousand through them would take minutes)."""
    import copy

    from cases.models import Case

    template = world.case_in("submitted", "proposal")
    task = active_tasks(template.pk).get()
    cases = []
    for i in range(n):
        case = copy.copy(template)
        case.pk = case.id = None
        case._state.adding = True
        case.reference = f"BULK-{i}"
        case.sequence = 100000 + i
        cases.append(case)
    cases = Case.objects.bulk_create(cases)
    processes = []
    for case in cases:
        process = copy.copy(task.process)
        process.pk = process.id = None
        process._state.adding = True
        process.artifact_object_id = case.pk
        processes.append(process)
    processes = type(task.process).objects.bulk_create(processes)
    tasks = []
    for process in processes:
        clone = copy.copy(task)
        clone.pk = clone.id = None
        clone._state.adding = True
        clone.process = process
        tasks.append(clone)
    type(task).objects.bulk_create(tasks)


def _inbox_sql(client, user) -> list[str]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("workflows:inbox"))
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_inbox_query_count_same_for_10_and_1000_tasks(world, client):
    for _ in range(10):
        world.case_in("submitted", "proposal")
    few = _inbox_sql(client, world["bureau"])
    _bulk_waiting_tasks(world, 990)
    assert selectors.inbox_counts(world["bureau"])["total"] >= 1000
    many = _inbox_sql(client, world["bureau"])
    assert len(few) == len(many)


def test_inbox_sql_has_no_per_case_clause(world, client):
    """The statements do not grow with the rows: no `IN (id, id, ...)` list of cases or tasks, and
    each statement is as long at 1,000 tasks as at 10 (only the figures in it differ)."""
    import re

    for _ in range(10):
        world.case_in("submitted", "proposal")
    few = _inbox_sql(client, world["bureau"])
    _bulk_waiting_tasks(world, 990)
    many = _inbox_sql(client, world["bureau"])
    id_list = re.compile(r"IN \(\s*(?:%s|'?\d+'?)(?:\s*,\s*(?:%s|'?\d+'?)){2,}\s*\)", re.IGNORECASE)
    for sql in many:
        assert not id_list.search(sql), sql[:300]
    for small, large in zip(few, many, strict=True):
        assert abs(len(large) - len(small)) < 40, (small[:200], large[:200])


def test_inbox_lists_overdue_petitions_first(world, client):
    import datetime

    from django.utils import timezone

    recent = world.case_in("submitted", "proposal")
    late = world.case_in("submitted", "petition")
    # Filed long ago: past the legal notice deadline of OL 113-14 art. 125.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_case SET submitted_at = %s WHERE id = %s",
            [timezone.now() - datetime.timedelta(days=200), late.pk],
        )
    rows = selectors.inbox_rows(selectors.inbox(world["bureau"]))
    assert [r.case.reference for r in rows][:2] == [late.reference, recent.reference]
    assert rows[0].overdue and not rows[1].overdue
    assert rows[0].due is not None


def test_inbox_counts_and_filtered_page_count_agree(world, client):
    for _ in range(2):
        world.case_in("submitted", "proposal")
    world.case_in("submitted", "petition")
    world.case_in("under_review", "proposal")
    client.force_login(world["bureau"])
    counts = selectors.inbox_counts(world["bureau"])
    assert counts["total"] == 4
    assert counts["kind"] == {"proposal": 3, "petition": 1}
    assert sum(counts["step"].values()) == 4
    for query, expected in (("", 4), ("?kind=petition", 1), ("?kind=proposal", 3)):
        response = client.get(reverse("workflows:inbox") + query)
        assert response.context["page"].paginator.count == expected
        assert len(response.context["rows"]) == expected
