"""The demo's people (docs/domain.md §11): one user per role group and a few more, their seats in
committees, services and associations, who acts at each step, and the fictitious signatories of
the citizens' petitions."""

from __future__ import annotations

import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from core import roles
from demo.definitions import EMAIL_DOMAIN, SEED, SeedError, Spec
from demo.loader import (
    ADDRESS,
    COMMITTEE_REPORTER,
    FAMILY_NAMES,
    FIRST_NAMES,
    QUARTERS,
    SERVICE_WORKER,
    USERS,
)
from organisation.models import Association, Collectivity, Committee, Service

# Staff act only on their collectivity's cases; the Commission and the Children's Council are
# bodies of the commune too, so their filings go to Demnate whatever the default collectivity.
COLLECTIVITY_GROUPS = roles.STAFF_GROUPS | {roles.EQUALITY_COMMISSION, roles.CHILDREN_COUNCIL}


def users(commune: Collectivity, password: str) -> dict[str, object]:
    """The demo users by username, created once; every run resets their password."""
    User = get_user_model()
    groups = {g.name: g for g in Group.objects.filter(name__in=roles.ROLE_GROUPS)}
    missing = set(roles.ROLE_GROUPS) - set(groups)
    if missing:
        raise SeedError(f"role groups missing (run migrate first): {', '.join(sorted(missing))}")
    hashed = make_password(password)  # hashed once: the demo users share the password anyway
    out = {}
    for u in USERS:
        user, made = User.objects.get_or_create(
            username=u.username,
            defaults={
                "email": f"{u.username}@{EMAIL_DOMAIN}",
                "first_name": u.first_name,
                "last_name": u.last_name,
                "language": "ar",
                "collectivity": commune if u.group in COLLECTIVITY_GROUPS else None,
            },
        )
        user.password = hashed
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        user.groups.add(groups[u.group])
        user.__dict__.pop("_group_names", None)
        user.__dict__.pop("_mithaq_membership", None)
        out[u.username] = user
    return out


def memberships(
    commune: Collectivity,
    people: dict[str, object],
    committees: dict[str, Committee],
    services: dict[str, Service],
    associations: dict[str, Association],
) -> None:
    for u in USERS:
        user = people[u.username]
        for key in (u.committee, *u.also_committees):
            if key:
                committees[key].members.add(user)
        if u.committee and u.chair and committees[u.committee].chair_id is None:
            committees[u.committee].chair = user
            committees[u.committee].save(update_fields=["chair"])
        if u.service:
            services[u.service].members.add(user)
            if u.head and services[u.service].head_id is None:
                services[u.service].head = user
                services[u.service].save(update_fields=["head"])
        if u.association:
            association = associations[u.association]
            association.members.add(user)
            if u.representative and association.representative_id is None:
                association.representative = user
                association.save(update_fields=["representative"])
    # docs/domain.md §11: `committee` sits on the lowest-id committee, `service` in the lowest-id service.
    lowest_committee = Committee.objects.filter(collectivity=commune).order_by("id").first()
    lowest_service = Service.objects.filter(collectivity=commune).order_by("id").first()
    lowest_committee.members.add(people["committee"])
    lowest_service.members.add(people["service"])
    for user in people.values():
        user.__dict__.pop("_mithaq_membership", None)


def actor(people: dict[str, object], spec: Spec, name: str):
    """Who takes the step `name` of the case `spec` (docs/domain.md §3.2: each transition's role)."""
    if name in ("submit", "provide_information", "withdraw"):
        return people[spec.by]
    if name in ("start_review", "declare_inadmissible", "request_information", "refer_to_committee"):
        return people["bureau"]
    if name == "report":
        return people[COMMITTEE_REPORTER[spec.committee]]
    if name in ("adopt", "reject") and spec.president:
        return people["president"]
    if name in ("schedule", "adopt", "reject", "defer"):
        return people["secretariat"]
    if name in ("plan_implementation", "complete"):
        return people[SERVICE_WORKER[spec.service]]
    if name == "abandon":
        return people["president"]
    raise SeedError(f"{spec.key}: no demo actor for {name}")


def signatories(key: str, count: int) -> list[dict]:
    """Fictitious signatories: ZZ-prefixed card numbers that no real CNIE uses."""
    rng = random.Random(f"{SEED}:{key}:signatures")
    numbers = rng.sample(range(100_000, 1_000_000), count)
    return [
        {
            "full_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(FAMILY_NAMES)}",
            "cnie": f"ZZ{number}",
            "address": ADDRESS.format(number=rng.randint(1, 160), quarter=rng.choice(QUARTERS)),
            "link": "resident" if rng.random() < 0.85 else "activity",
        }
        for number in numbers
    ]
