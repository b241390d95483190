"""factory_boy factories and a walker that brings a case to any state through the services."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from cases import services as case_services
from core import roles
from organisation.models import Association, Collectivity, Committee, CouncilSession, Service

JUSTIFICATION = "The council explains this decision in plain words for every citizen to read."
CHILD_SUMMARY = "The council liked your idea and will build the playground next spring."


class CollectivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collectivity
        django_get_or_create = ("slug",)

    slug = "demnate"
    code = "DMN"
    name_ar = "جماعة دمنات"
    name_fr = "Commune de Demnate"
    type = Collectivity.Type.COMMUNE
    population_legal = 23459
    council_members = 29  # quorum 15 (OL 113-14 art. 42)


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    collectivity = factory.SubFactory(CollectivityFactory)
    name_ar = factory.Sequence(lambda n: f"لجنة {n}")
    name_fr = factory.Sequence(lambda n: f"Commission {n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    collectivity = factory.SubFactory(CollectivityFactory)
    name_ar = factory.Sequence(lambda n: f"مصلحة {n}")
    name_fr = factory.Sequence(lambda n: f"Service {n}")


class CouncilSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouncilSession

    collectivity = factory.SubFactory(CollectivityFactory)
    kind = CouncilSession.Kind.ORDINARY
    # Relative to today: scheduling refuses a session in the past (OL 113-14 art. 38).
    date = factory.Sequence(lambda n: timezone.localdate() + datetime.timedelta(days=62 + n))


class AssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Association

    collectivity = factory.SubFactory(CollectivityFactory)
    name_ar = factory.Sequence(lambda n: f"جمعية {n}")
    name_fr = factory.Sequence(lambda n: f"Association {n}")
    founded_on = datetime.date(2015, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("pw")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get(name=name))
            self.__dict__.pop("_group_names", None)


# Paths through the table from draft to each state, per kind family.
_ADMISSIBILITY_PATHS = {
    "draft": [],
    "submitted": ["submit"],
    "under_review": ["submit", "start_review"],
    "awaiting_information": ["submit", "start_review", "request_information"],
    "inadmissible": ["submit", "declare_inadmissible"],
    "in_committee": ["submit", "start_review", "refer_to_committee"],
    "reported": ["submit", "start_review", "refer_to_committee", "report"],
    "on_agenda": ["submit", "start_review", "refer_to_committee", "report", "schedule"],
    "adopted": ["submit", "start_review", "refer_to_committee", "report", "schedule", "adopt"],
    "rejected": ["submit", "start_review", "refer_to_committee", "report", "schedule", "reject"],
    "in_implementation": [
        "submit",
        "start_review",
        "refer_to_committee",
        "report",
        "schedule",
        "adopt",
        "plan_implementation",
    ],
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
    "not_implemented": [
        "submit",
        "start_review",
        "refer_to_committee",
        "report",
        "schedule",
        "adopt",
        "abandon",
    ],
    "withdrawn": ["withdraw"],
}
_OPINION_PATHS = {
    state: [t for t in path if t != "start_review"]
    for state, path in _ADMISSIBILITY_PATHS.items()
    if state not in ("under_review", "awaiting_information", "inadmissible")
}


def path_to(kind: str, state: str) -> list[str] | None:
    paths = (
        _OPINION_PATHS if kind in ("advisory_opinion", "children_recommendation") else _ADMISSIBILITY_PATHS
    )
    return paths.get(state)


def ensure_role_groups() -> None:
    """Transactional tests flush the tables the data migrations filled: fill them again, with the
    migrations' own code."""
    import importlib

    from django.apps import apps

    if (
        Group.objects.filter(name__in=roles.ROLE_GROUPS).count() == len(roles.ROLE_GROUPS)
        and Group.objects.get(name=roles.BUREAU).permissions.exists()
        and Group.objects.get(name=roles.CHILDREN_COUNCIL).permissions.exists()
    ):
        return
    importlib.import_module("accounts.migrations.0003_role_groups").create_groups(apps, None)
    importlib.import_module("workflows.migrations.0002_grant_desk_permissions").grant(apps, None)
    importlib.import_module("accounts.migrations.0004_body_permissions").grant(apps, None)


class World:
    """A collectivity with one committee, service and session, and one user per role group."""

    def __init__(self, *, collectivity: Collectivity | None = None, prefix: str = ""):
        """`collectivity` and `prefix` make a further world beside the default one: its collectivity,
        bodies and users (named `prefix` + role, each bound to that collectivity; tests of
        several collectivities, tests/cases/test_tenancy_isolation.py)."""
        # A transactional test's flush recreates the content types with new ids: never trust ids
        # cached in this process from before it (viewflow stores the case's content type).
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()
        ensure_role_groups()
        self.collectivity = collectivity or CollectivityFactory()
        bound = {"collectivity": self.collectivity} if collectivity is not None else {}
        self.committee = CommitteeFactory(collectivity=self.collectivity)
        self.other_committee = CommitteeFactory(collectivity=self.collectivity)
        self.service = ServiceFactory(collectivity=self.collectivity)
        self.other_service = ServiceFactory(collectivity=self.collectivity)
        self.session = CouncilSessionFactory(collectivity=self.collectivity)
        self.association = AssociationFactory(collectivity=self.collectivity)
        self.users = {
            name: UserFactory(username=prefix + name, groups=[name], **bound) for name in roles.ROLE_GROUPS
        }
        self.committee.members.add(self.users[roles.COMMITTEE])
        self.service.members.add(self.users[roles.SERVICE])
        self.association.members.add(self.users[roles.ASSOCIATION])
        self.outsider_committee_member = UserFactory(
            username=prefix + "committee_b", groups=[roles.COMMITTEE], **bound
        )
        self.other_committee.members.add(self.outsider_committee_member)
        self.outsider_service_member = UserFactory(
            username=prefix + "service_b", groups=[roles.SERVICE], **bound
        )
        self.other_service.members.add(self.outsider_service_member)

    def __getitem__(self, role: str):
        return self.users[role]

    def filer_for(self, kind: str):
        return {
            "petition": self.users[roles.CITIZEN],
            "proposal": self.users[roles.CITIZEN],
            "advisory_opinion": self.users[roles.EQUALITY_COMMISSION],
            "children_recommendation": self.users[roles.CHILDREN_COUNCIL],
        }[kind]

    def actor_for(self, name: str, case):
        """A user allowed to take transition `name` on `case`."""
        if name in ("submit", "provide_information", "withdraw"):
            return case.submitter or self.users[roles.INTAKE]
        return {
            "start_review": self.users[roles.BUREAU],
            "declare_inadmissible": self.users[roles.BUREAU],
            "request_information": self.users[roles.BUREAU],
            "refer_to_committee": self.users[roles.BUREAU],
            "report": self.users[roles.COMMITTEE],
            "schedule": self.users[roles.SECRETARIAT],
            "adopt": self.users[roles.SECRETARIAT],
            "reject": self.users[roles.SECRETARIAT],
            "defer": self.users[roles.SECRETARIAT],
            "plan_implementation": self.users[roles.SERVICE],
            "complete": self.users[roles.SERVICE],
            "abandon": self.users[roles.PRESIDENT],
        }[name]

    def payload_for(self, name: str) -> dict:
        votes = {
            "deliberation_number": "17/2027",
            "votes_for": 15,
            "votes_against": 3,
            "votes_abstain": 1,
            "members_present": 22,
        }
        return {
            "declare_inadmissible": {"reason_code": "competence", "justification": JUSTIFICATION},
            "request_information": {"justification": "Please add the statutes of the association."},
            "provide_information": {"justification": "The statutes are now attached to the file."},
            "refer_to_committee": {"committee": self.committee.pk},
            "report": {
                "report": "The committee studied the file and recommends it.",
                "recommendation": "adopt",
            },
            "schedule": {"session": self.session.pk},
            "adopt": {
                **votes,
                "justification": JUSTIFICATION,
                "service": self.service.pk,
                "child_summary": CHILD_SUMMARY,
            },
            "reject": {
                **votes,
                "votes_for": 3,
                "votes_against": 15,
                "reason_code": "budget",
                "justification": JUSTIFICATION,
                "child_summary": CHILD_SUMMARY,
            },
            "defer": {"justification": JUSTIFICATION},
            "plan_implementation": {"planned_end": "2099-12-31", "budget_line": "B-12"},
            "complete": {"evidence": "The street lights were installed; see the photos."},
            "abandon": {"justification": JUSTIFICATION},
            "withdraw": {"justification": "We no longer need it."},
        }.get(name, {})

    def new_case(self, kind: str = "proposal", **kwargs):
        filer = kwargs.pop("actor", None) or self.filer_for(kind)
        defaults = {
            "title": "Street lighting in Derb Jdid",
            "description": "The street has no lights and residents feel unsafe at night.",
        }
        if kind == "petition":
            defaults.update(
                reasons="Residents feel unsafe at night.", objectives="Install ten street lights."
            )
        defaults.update(kwargs)
        case, code = case_services.case_create(actor=filer, kind=kind, draft=True, **defaults)
        case.tracking_code = code
        return case

    def sign(self, case, n: int, *, start: int = 0, actor=None):
        """Add n valid, distinct paper signatures to a draft petition, through the service."""
        from petitions.signatures import signatures_import

        rows = [
            {
                "full_name": f"Signataire {i}",
                "cnie": f"JK{100000 + i}",
                "address": f"Derb {i}, Demnate",
                "link": "resident",
            }
            for i in range(start, start + n)
        ]
        return signatures_import(
            actor=actor or case.submitter or self.users[roles.INTAKE], case=case, rows=rows
        )

    def check_admissible(self, case):
        """The bureau's checklist with every applicable condition met: a petition is referred only
        then (OL 113-14 art. 125 §2-3). Set-up rows, written directly so that a walk's audit chain
        holds its transitions only; tests of the checklist itself go through
        petitions.admissibility.admissibility_record."""
        from petitions import admissibility
        from petitions.models import AdmissibilityCheck

        for code in admissibility.applicable_conditions(case):
            AdmissibilityCheck.objects.update_or_create(
                case_id=case.pk,
                condition=code,
                defaults={"met": True, "note": "", "checked_by": self.users[roles.BUREAU]},
            )

    def case_in(self, state: str, kind: str = "proposal", **kwargs):
        """A case brought to `state` through the services, so its audit chain is valid."""
        path = path_to(kind, state)
        if path is None:
            raise ValueError(f"{kind} cannot reach {state}")
        case = self.new_case(kind, **kwargs)
        code = case.tracking_code
        if kind == "petition" and "submit" in path and case.association_id is None:
            self.sign(case, case.collectivity.petition_min_signatures)
            case.refresh_from_db()
        for name in path:
            if name == "refer_to_committee" and kind == "petition":
                self.check_admissible(case)
            case = case_services.case_transition(
                actor=self.actor_for(name, case), case=case, name=name, data=self.payload_for(name)
            )
        case.tracking_code = code
        return case


# A second collectivity for the tests of several collectivities on one installation (its prefix
# /c/azilal/ and its own host name); tests/conftest.py's `azilal_host` lets the test client use it.
AZILAL_HOST = "azilal.example.org"


def azilal_collectivity(*, hostname: str = AZILAL_HOST):
    return CollectivityFactory(
        slug="azilal", code="AZL", name_ar="جماعة أزيلال", name_fr="Commune d'Azilal", hostname=hostname
    )
