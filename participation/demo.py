"""Demo meetings for `seed_demo`: past ones with attendance and evaluation counts, upcoming ones on
the calendar. Idempotent: a collectivity that has meetings gets none added."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.models import Case
from core import roles
from organisation.models import Collectivity, Committee, Service
from participation import services
from participation.models import Meeting

# (days from today, hour, kind, organiser, topic, place)
MEETINGS = (
    (-120, 17, "charter_information", "followup", "ميثاق المشاركة: ما الذي يتغير؟", "دار الشباب"),
    (-90, 10, "training", "followup", "صياغة العرائض والمقترحات", "قاعة الاجتماعات بالجماعة"),
    (
        -60,
        16,
        "action_programme",
        "bureau",
        "تتبع برنامج عمل الجماعة: الحصيلة نصف السنوية",
        "قاعة الاجتماعات بالجماعة",
    ),
    (
        -45,
        15,
        "equality_commission_meeting",
        "equality_commission",
        "مقاربة النوع في الميزانية",
        "مقر الجماعة",
    ),
    (-30, 11, "children_council_session", "children_council", "فضاءات اللعب في الأحياء", "مدرسة ابن خلدون"),
    (-14, 17, "public_consultation", "committee", "إنارة المدينة العتيقة", "ساحة السوق"),
    (-7, 10, "workshop", "service", "ورشة تشاركية حول تدبير النفايات", "المركب الثقافي"),
    (7, 17, "public_consultation", "bureau", "مشروع تهيئة الساحة العمومية", "ساحة السوق"),
    (21, 10, "training", "followup", "التكوين حول الآراء الاستشارية", "دار الشباب"),
    (
        35,
        16,
        "action_programme",
        "bureau",
        "تتبع برنامج عمل الجماعة: الربع الثالث",
        "قاعة الاجتماعات بالجماعة",
    ),
)

# Attendance of each past meeting, scaled by its index: (gender, age band, disability, type) -> count.
BASE_CELLS = {
    ("female", "15_34", "no", "resident"): 9,
    ("female", "35_59", "no", "association"): 5,
    ("female", "60_plus", "yes", "resident"): 1,
    ("male", "15_34", "no", "resident"): 8,
    ("male", "35_59", "no", "official"): 4,
    ("male", "60_plus", "no", "resident"): 3,
    ("male", "35_59", "yes", "association"): 1,
}
PAPER = {
    ("satisfaction", "5"): 6,
    ("satisfaction", "4"): 9,
    ("satisfaction", "3"): 4,
    ("satisfaction", "2"): 1,
    ("clarity", "5"): 5,
    ("clarity", "4"): 8,
    ("clarity", "3"): 6,
    ("clarity", "2"): 1,
    ("come_again", "yes"): 17,
    ("come_again", "no"): 3,
}


def seed_meetings(*, collectivity: Collectivity) -> int:
    """Add the demo meetings; returns how many were added."""
    if Meeting.objects.filter(collectivity=collectivity).exists():
        return 0
    actor = get_user_model().objects.filter(username=roles.FOLLOWUP, is_active=True).first()
    if actor is None:
        return 0
    tz = timezone.get_default_timezone()
    committee = Committee.objects.filter(collectivity=collectivity).order_by("id").first()
    service = Service.objects.filter(collectivity=collectivity).order_by("id").first()
    proposals = list(
        Case.objects.public().filter(collectivity=collectivity, kind="proposal").order_by("id")[:3]
    )
    today = timezone.localdate()
    added = 0
    for index, (days, hour, kind, organiser, topic, place) in enumerate(MEETINGS):
        if (organiser == "committee" and committee is None) or (organiser == "service" and service is None):
            organiser = "bureau"
        starts = timezone.make_aware(
            datetime.datetime.combine(today + datetime.timedelta(days=days), datetime.time(hour)), tz
        )
        meeting = services.meeting_create(
            actor=actor,
            collectivity=collectivity,
            data={
                "kind": kind,
                "topic": topic,
                "starts_at": starts,
                "ends_at": starts + datetime.timedelta(hours=2),
                "place": place,
                "organiser": organiser,
                "committee": committee if organiser == "committee" else None,
                "service": service if organiser == "service" else None,
                "public": True,
                "evaluation_open": days < 0,
            },
        )
        added += 1
        if days >= 0:
            continue
        scale = 1 + index % 3
        services.attendance_set(
            actor=actor, meeting=meeting, cells={k: v * scale for k, v in BASE_CELLS.items()}
        )
        services.evaluation_paper_set(actor=actor, meeting=meeting, counts=PAPER)
        if kind == "public_consultation":
            for case in proposals:
                services.meeting_case_link(actor=actor, meeting=meeting, reference=case.reference)
    return added


def seed_bodies(*, collectivity: Collectivity, data: dict) -> dict:
    """The charter's bodies for the demo (demo/data/bodies.json), through the services; idempotent:
    a collectivity with Commission members gets nothing added. Returns what was added."""
    from organisation import associations as registry
    from organisation.models import Association
    from participation import bodies
    from participation.models import CommissionMember

    if CommissionMember.objects.filter(collectivity=collectivity).exists():
        return {}
    users = {u.username: u for u in get_user_model().objects.filter(is_active=True)}
    bureau, facilitator = users.get(roles.BUREAU), users.get(roles.CHILDREN_COUNCIL)
    commission = users.get(roles.EQUALITY_COMMISSION)
    if not (bureau and facilitator and commission):
        return {}
    today = timezone.localdate()
    by_key = _associations_by_key(collectivity)
    added = {"commission_members": 0, "children": 0, "opinion_requests": 0, "partnerships": 0, "ratings": 0}
    # The secretary first, recorded by an administrator's hand: she then records the others.
    members = sorted(data["commission_members"], key=lambda m: m["role"] != "secretary")
    for index, row in enumerate(members):
        values = {
            "full_name": row["full_name"],
            "gender": row["gender"],
            "role": row["role"],
            "association": by_key.get(row.get("association")),
            "user": users.get(row.get("user")),
            "mandate_start": today - datetime.timedelta(days=30 * row["months_ago"]),
        }
        if index == 0:
            CommissionMember.objects.create(collectivity=collectivity, **values)
        else:
            bodies.commission_member_save(actor=commission, collectivity=collectivity, data=values)
        added["commission_members"] += 1
    for index, row in enumerate(data["children"]):
        bodies.child_member_save(
            actor=facilitator,
            collectivity=collectivity,
            data={
                **row,
                "guardian_consent_on": today - datetime.timedelta(days=200 + index),
                "joined_on": today - datetime.timedelta(days=190),
            },
        )
        added["children"] += 1
    committee = Committee.objects.filter(collectivity=collectivity).order_by("id").first()
    committee_member = users.get(roles.COMMITTEE)
    target = Case.objects.public().filter(collectivity=collectivity, kind="proposal").order_by("id").first()
    opinions = list(
        Case.objects.public().filter(collectivity=collectivity, kind="advisory_opinion").order_by("id")
    )
    for row in data["opinion_requests"]:
        requester = row["requester"]
        actor = {"bureau": bureau, "president": users.get(roles.PRESIDENT), "committee": committee_member}[
            requester
        ]
        due = today + datetime.timedelta(days=row["due_in_days"])
        asked = timezone.now() - datetime.timedelta(days=max(30, -row["due_in_days"] + 30))
        request = bodies.opinion_request_create(
            actor=actor,
            collectivity=collectivity,
            requester=requester,
            topic=row["topic"] if (row["topic"] != "case" or target) else "other",
            case=target if row["topic"] == "case" else None,
            committee=committee if requester == "committee" else None,
            title=row["title"],
            question=row["question"],
            due_on=max(due, timezone.localdate(asked)),
            at=asked,
        )
        if due < today:
            # Back-dated: the due date of a request asked weeks ago (services refuse a past date).
            type(request).objects.filter(pk=request.pk).update(due_on=due)
        if row.get("answered") and opinions:
            bodies.opinion_request_answer(
                actor=commission,
                request=request,
                opinion=opinions.pop(0),
                at=timezone.now() - datetime.timedelta(days=45),
            )
        added["opinion_requests"] += 1
    for key, values in data["associations"].items():
        if key in by_key:
            cleaned = {k: (_day(v) if k.endswith("_on") else v) for k, v in values.items()}
            registry.association_save(
                actor=bureau, collectivity=collectivity, association=by_key[key], data=cleaned
            )
    for row in data["partnerships"]:
        association = by_key.get(row["association"])
        if association is None:
            continue
        registry.partnership_add(
            actor=bureau,
            association=association,
            data={
                "title": row["title"],
                "starts_on": _day(row["starts_on"]),
                "ends_on": _day(row["ends_on"]),
                "amount": row["amount"],
            },
        )
        added["partnerships"] += 1
    # A second association account asks for a new registration ("association" stays with its own).
    association_user = users.get("association_b")
    pending = data.get("pending_registration")
    if pending and association_user and not Association.objects.filter(name_ar=pending["name_ar"]).exists():
        registry.association_register(
            actor=association_user,
            collectivity=collectivity,
            data={**pending, "founded_on": _day(pending["founded_on"])},
        )
    decided = (
        Case.objects.public()
        .filter(collectivity=collectivity, submitter__isnull=False, decided_at__isnull=False)
        .select_related("submitter")
    )
    scores = list(data["ratings"])
    for case in decided.order_by("id"):
        if not scores:
            break
        if bodies.may_rate(case.submitter, case):
            bodies.decision_rating_add(actor=case.submitter, case=case, score=scores.pop(0))
            added["ratings"] += 1
    return added


def _day(value):
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _associations_by_key(collectivity: Collectivity) -> dict:
    """The demo's association keys (demo/data/associations.json) by their French names' order."""
    from organisation.models import Association

    found = {}
    for association in Association.objects.filter(collectivity=collectivity).order_by("id"):
        if "femmes" in association.name_fr.lower():
            found["women"] = association
        elif "imi n" in association.name_fr.lower():
            found["imi_nifri"] = association
    return found
