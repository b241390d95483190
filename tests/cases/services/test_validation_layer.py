"""One validation layer (issue 9): the limits every layer applies are the model columns', and the
shared steps of the services (case lookup, upload checks, history stamps) behave as one."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import lifecycle, services
from cases.forms import CaseFilingForm, CorrectionForm, MilestoneForm, TrackForm
from cases.models import Case, Milestone
from cases.serializers import CaseCreateSerializer
from cases.services.attachments import ATTACHMENT_MAX_BYTES, check_upload, upload_problems
from cases.services.create import LONG_TEXT_MAX as FILED_TEXT_MAX
from cases.services.create import text_limit
from core import errors
from petitions.forms import SignatoryFields
from petitions.models import Signature
from petitions.serializers import SignatureRowSerializer
from tests.factories import JUSTIFICATION

pytestmark = pytest.mark.django_db


def _column(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def test_title_limit_is_the_column_in_every_layer(world):
    limit = _column(Case, "title")
    assert limit == 250
    assert CaseFilingForm(user=world["citizen"]).fields["title"].max_length == limit
    assert CaseCreateSerializer().fields["title"].max_length == limit
    assert text_limit("title") == limit


def test_other_limits_are_the_columns(world):
    form = CaseFilingForm(user=world["intake"])
    for name in ("subject", "submitter_name", "submitter_contact"):
        assert form.fields[name].max_length == _column(Case, name) == text_limit(name)
    assert CaseCreateSerializer().fields["subject"].max_length == _column(Case, "subject")
    assert TrackForm().fields["reference"].max_length == _column(Case, "reference")
    assert MilestoneForm().fields["title"].max_length == _column(Milestone, "title")
    assert CorrectionForm().fields["deliberation_number"].max_length == _column(Case, "deliberation_number")
    for name in ("full_name", "address"):
        assert SignatoryFields().fields[name].max_length == _column(Signature, name)
        assert SignatureRowSerializer().fields[name].max_length == _column(Signature, name)
    # Texts without a column limit keep the service's own figure.
    assert text_limit("description") == FILED_TEXT_MAX == 20_000


def test_transition_fields_take_the_column_limit():
    fields = {f.name: f for spec in lifecycle.TRANSITIONS.values() for f in spec.fields}
    assert fields["deliberation_number"].max_length == _column(Case, "deliberation_number") == 50
    assert fields["budget_line"].max_length == _column(Case, "budget_line") == 100
    # A justification has no column of its own; a report is a TextField.
    assert fields["justification"].max_length == lifecycle.LONG_TEXT_MAX == 10_000
    assert fields["report"].max_length == lifecycle.LONG_TEXT_MAX


def test_case_create_reads_the_title_column_at_call_time(world, monkeypatch):
    monkeypatch.setattr(Case._meta.get_field("title"), "max_length", 10)
    with pytest.raises(errors.InvalidInput) as refused:
        services.case_create(
            actor=world["citizen"],
            kind="proposal",
            title="Street lights",
            description="Lights for the street.",
        )
    assert list(refused.value.field_errors) == ["title"]
    assert "10" in refused.value.field_errors["title"][0]
    assert not Case.objects.exists()


def test_transition_field_reads_the_column_at_call_time(monkeypatch):
    field = next(f for f in lifecycle.TRANSITIONS["adopt"].fields if f.name == "deliberation_number")
    monkeypatch.setattr(Case._meta.get_field("deliberation_number"), "max_length", 7)
    assert field.max_length == 7


def test_milestone_title_limit_is_the_column(world):
    case = world.case_in("in_implementation")
    limit = _column(Milestone, "title")
    with pytest.raises(errors.GuardFailed) as refused:
        services.case_milestone_add(
            actor=world["service"], case=case, title="a" * (limit + 1), planned_on="2099-01-31"
        )
    assert str(limit) in refused.value.field_errors["title"][0]
    services.case_milestone_add(actor=world["service"], case=case, title="a" * limit, planned_on="2099-01-31")
    assert Milestone.objects.filter(case=case).count() == 1


def test_correction_longer_than_the_column_is_refused(world):
    case = world.case_in("adopted")
    before = (case.audit_count, case.deliberation_number)
    too_long = "1" * (_column(Case, "deliberation_number") + 1)
    with pytest.raises(errors.GuardFailed) as refused:
        services.case_correct(
            actor=world["president"],
            case=case.reference,
            changes={"deliberation_number": too_long},
            justification=JUSTIFICATION,
        )
    assert list(refused.value.field_errors) == ["deliberation_number"]
    case.refresh_from_db()
    assert (case.audit_count, case.deliberation_number) == before


def test_upload_problems_name_every_problem():
    big_exe = SimpleUploadedFile("tool.exe", b"MZ")
    big_exe.size = ATTACHMENT_MAX_BYTES + 1
    assert len(upload_problems(big_exe)) == 2
    assert check_upload(big_exe) == {"attachment": upload_problems(big_exe)}
    assert upload_problems(SimpleUploadedFile("report.pdf", b"%PDF-1.4")) == []
    assert check_upload(SimpleUploadedFile("report.pdf", b"%PDF-1.4")) == {}
    assert len(upload_problems(object())) == 1


def test_attachment_add_reports_the_same_problems(world):
    case = world.case_in("draft")
    big_exe = SimpleUploadedFile("tool.exe", b"MZ")
    big_exe.size = ATTACHMENT_MAX_BYTES + 1
    with pytest.raises(errors.InvalidInput) as refused:
        services.case_attachment_add(actor=world["citizen"], case=case, purpose="other", file=big_exe)
    assert refused.value.field_errors == {"file": upload_problems(big_exe)}
    assert not case.attachments.exists()


def test_case_lookup_by_instance_key_or_reference(world):
    case = world.case_in("submitted")
    assert (
        services.case_id_for(case)
        == services.case_id_for(case.pk)
        == services.case_id_for(case.reference)
        == case.pk
    )
    for unknown in ("NOPE-2026-0001", case.reference + "\x00", None, 1.5):
        with pytest.raises(errors.NotFound):
            services.case_id_for(unknown)


def test_public_case_in_the_collectivity_only(world):
    filed = world.case_in("submitted")
    draft = world.case_in("draft")
    assert services.public_case_in(filed.collectivity, filed.reference) == filed
    assert services.public_case_in(filed.collectivity, filed) == filed
    assert services.public_case_in(draft.collectivity, draft.reference) is None
    assert services.public_case_in(filed.collectivity, 7) is None


def test_history_stamp_sets_only_what_is_given(world):
    case = Case.objects.get(pk=world.case_in("draft").pk)
    services.history_stamp(case, user=world["citizen"])
    assert case._history_user == world["citizen"]
    assert not hasattr(case, "_history_date") and not hasattr(case, "_change_reason")
    services.history_stamp(case, user=world["citizen"], at=case.created_at, reason="why")
    assert (case._history_date, case._change_reason) == (case.created_at, "why")
