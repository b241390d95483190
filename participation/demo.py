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
