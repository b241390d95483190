"""Audit entries have no update or delete path (docs/domain.md §5): model, queryset, admin; and a case's
rows never change in bulk behind the state machine."""

from __future__ import annotations

import io

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.urls import reverse

from audit.models import AppendOnlyError, TransitionEntry
from cases.models import Case
from tests.factories import UserFactory


@pytest.fixture
def case(world):
    return world.case_in("implemented", "proposal")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def snapshot(case) -> list[tuple]:
    return list(
        TransitionEntry.objects.filter(case_id=case.pk)
        .order_by("seq")
        .values_list("id", "seq", "transition", "justification", "payload", "hash")
    )


def test_saving_an_existing_entry_is_refused(case):
    before = snapshot(case)
    entry = TransitionEntry.objects.filter(case_id=case.pk).order_by("seq").last()
    entry.justification = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.save(update_fields=["justification"])
    assert snapshot(case) == before


def test_deleting_an_entry_is_refused(case):
    before = snapshot(case)
    entry = TransitionEntry.objects.filter(case_id=case.pk).first()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert snapshot(case) == before


@pytest.mark.parametrize(
    "operation",
    [
        pytest.param(lambda qs: qs.update(justification="rewritten"), id="update"),
        pytest.param(lambda qs: qs.delete(), id="delete"),
        pytest.param(lambda qs: qs.bulk_update(list(qs), ["justification"]), id="bulk_update"),
        pytest.param(lambda qs: qs.first().case.audit_entries.update(role="x"), id="related-update"),
        pytest.param(lambda qs: qs.first().case.audit_entries.all().delete(), id="related-delete"),
    ],
)
def test_queryset_writes_are_refused(case, operation):
    before = snapshot(case)
    with pytest.raises(AppendOnlyError):
        operation(TransitionEntry.objects.filter(case_id=case.pk))
    assert snapshot(case) == before
    call_command("verify_audit", stdout=io.StringIO(), stderr=io.StringIO())


def test_append_only_error_is_a_type_error():
    # Callers that guard bulk writes with `except TypeError` (as Case does) catch it too.
    assert issubclass(AppendOnlyError, TypeError)


def test_admin_has_no_add_change_or_delete(case, superuser):
    model_admin = admin.site._registry[TransitionEntry]
    request = RequestFactory().get("/admin/audit/transitionentry/")
    request.user = superuser
    entry = TransitionEntry.objects.filter(case_id=case.pk).first()
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request) is False
    assert model_admin.has_change_permission(request, entry) is False
    assert model_admin.has_delete_permission(request) is False
    assert model_admin.has_delete_permission(request, entry) is False
    assert "delete_selected" not in model_admin.get_actions(request)
    # A superuser may read the chain, nothing more.
    assert model_admin.has_view_permission(request, entry) is True


def test_admin_pages_refuse_writes(case, superuser, client):
    client.force_login(superuser)
    entry = TransitionEntry.objects.filter(case_id=case.pk).first()
    before = snapshot(case)
    assert client.get(reverse("admin:audit_transitionentry_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_transitionentry_add")).status_code == 403
    change_url = reverse("admin:audit_transitionentry_change", args=[entry.pk])
    assert client.post(change_url, {"justification": "rewritten"}).status_code == 403
    delete_url = reverse("admin:audit_transitionentry_delete", args=[entry.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert snapshot(case) == before


def test_case_rows_never_change_in_bulk(case):
    with pytest.raises(TypeError):
        Case.objects.update(state="adopted")
    with pytest.raises(TypeError):
        Case.objects.filter(pk=case.pk).update(state="adopted")
    case.refresh_from_db()
    assert case.state == "implemented"


def _copy(entry: TransitionEntry, **changes) -> TransitionEntry:
    fields = {
        f.attname: getattr(entry, f.attname)
        for f in TransitionEntry._meta.concrete_fields
        if not f.primary_key
    }
    return TransitionEntry(**{**fields, **changes})


# Two ORM paths that could overwrite an entry are closed.
def test_a_new_instance_with_an_existing_pk_cannot_overwrite(case):
    entry = TransitionEntry.objects.filter(case_id=case.pk).order_by("seq").first()
    forged = _copy(entry, justification="rewritten through a new instance")
    forged.pk = entry.pk
    # The instance is new, so save() forces an INSERT (audit.models.TransitionEntry.save): the
    # primary key is taken and the database refuses it; it never becomes an UPDATE.
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()
    assert TransitionEntry.objects.get(pk=entry.pk).justification == entry.justification


def test_bulk_create_cannot_upsert_over_an_entry(case):
    entry = TransitionEntry.objects.filter(case_id=case.pk).order_by("seq").first()
    forged = _copy(entry, justification="rewritten through an upsert")
    # An upsert is refused before any SQL is sent (audit.models.AppendOnlyQuerySet.bulk_create).
    with pytest.raises(AppendOnlyError), transaction.atomic():
        TransitionEntry.objects.bulk_create(
            [forged], update_conflicts=True, unique_fields=["hash"], update_fields=["justification"]
        )
    assert TransitionEntry.objects.get(pk=entry.pk).justification == entry.justification
