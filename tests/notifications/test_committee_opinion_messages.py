"""docs/domain.md §3.6: the members of a committee asked for its opinion hear of it; the members of the
lead committee do not; the filers hear of the request and of the opinion."""

from cases import services
from notifications.models import Delivery

OPINION = "The finance committee sees no objection: the budget line exists."


def _keys(case, event):
    return set(
        Delivery.objects.filter(outbox_event__subject_id=case.pk, outbox_event__event=event).values_list(
            "recipient_key", flat=True
        )
    )


def test_the_asked_committee_hears_of_the_opinion_it_owes(
    world, settings, django_capture_on_commit_callbacks
):
    settings.MITHAQ_NOTIFY_NEW_TASKS = True
    case = world.case_in("in_committee")
    with django_capture_on_commit_callbacks(execute=True):
        services.case_request_committee_opinion(
            actor=world["bureau"], case=case.reference, committee=world.other_committee.pk
        )
    asked = _keys(case, "case.committee_opinion_request")
    assert f"user:{world.outsider_committee_member.pk}" in asked
    assert f"user:{world['committee'].pk}" not in asked  # the lead committee
    assert f"user:{world['citizen'].pk}" in asked  # the filer
    with django_capture_on_commit_callbacks(execute=True):
        services.case_file_committee_opinion(
            actor=world.outsider_committee_member,
            case=case.reference,
            committee=world.other_committee.pk,
            report=OPINION,
        )
    filed = _keys(case, "case.committee_opinion")
    assert f"user:{world['citizen'].pk}" in filed
    assert f"user:{world.outsider_committee_member.pk}" not in filed


def test_without_new_task_messages_the_committee_is_not_mailed(
    world, settings, django_capture_on_commit_callbacks
):
    settings.MITHAQ_NOTIFY_NEW_TASKS = False
    case = world.case_in("in_committee")
    with django_capture_on_commit_callbacks(execute=True):
        services.case_request_committee_opinion(
            actor=world["bureau"], case=case.reference, committee=world.other_committee.pk
        )
    assert f"user:{world.outsider_committee_member.pk}" not in _keys(case, "case.committee_opinion_request")
