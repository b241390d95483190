"""`seed_demo --collectivities N` (demo/territory.py): generated regions, provinces and communes in
Morocco's proportions, each with its kind's legal figures and its bodies; a second run adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from demo.territory import seed_collectivities, shares
from organisation.models import Collectivity, Committee, CouncilSession, Service


def test_shares_follow_moroccos_proportions():
    assert shares(1590) == (12, 75, 1503)
    assert shares(2) == (0, 0, 2)
    assert sum(shares(40)) == 40


@pytest.mark.django_db
def test_generated_collectivities_with_parents_bodies_and_legal_defaults():
    added = seed_collectivities(40)
    regions, provinces, communes = shares(40)
    assert added == {
        "collectivities": 40,
        "committees": 80,
        "services": 40,
        "sessions": 120,
    }
    generated = Collectivity.objects.filter(slug__startswith="gen-")
    assert generated.filter(type="region").count() == regions
    assert generated.filter(type="province", region__isnull=False).count() == provinces
    assert generated.filter(type="commune", province__isnull=False, region__isnull=False).count() == communes
    province = generated.filter(type="province").first()
    assert province.rejection_notice_months == 2 and province.ordinary_session_months == [1, 6, 9]
    region = generated.filter(type="region").first()
    assert region.provinces and region.ordinary_session_months == [3, 7, 10]
    assert len(set(generated.values_list("code", flat=True))) == 40
    for c in generated:
        c.full_clean()
    # Again: nothing added.
    before = (Committee.objects.count(), Service.objects.count(), CouncilSession.objects.count())
    assert seed_collectivities(40)["collectivities"] == 0
    assert (Committee.objects.count(), Service.objects.count(), CouncilSession.objects.count()) == before
    assert generated.count() == 40


@pytest.mark.django_db
def test_the_flag_refuses_a_negative_number():
    with pytest.raises(CommandError):
        call_command("seed_demo", "--collectivities", "-1")
