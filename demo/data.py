"""The Demnate demo (docs/domain.md §11): the commune, its organisation, one user per role group and
back-dated cases in every state.

Every case is created and moved through `cases.services` (`case_create(..., at=...)`,
`case_transition(..., at=...)`), never written directly, so the audit chains, the history, the
outbox and the desk are exactly what real use would have left. The whole history is planned first
from a fixed random seed (two databases seeded after HISTORY_END get the same demo, down to the
audit chain heads), then played in time order across cases. Seeding is idempotent: organisation rows and users are looked up by their
natural keys and a case already present (same collectivity, kind and title) is skipped.
"""

from __future__ import annotations

import contextlib
import datetime
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cases import services
from cases import states as S
from cases.models import Case
from core import roles
from core.errors import DomainError
from notifications import services as notification_services
from organisation.models import Association, Collectivity, Committee, CouncilSession, Service
from petitions import admissibility, signatures

SEED = 20250206  # the day the council adopted the charter (ordinary February session 2025)
DEFAULT_PASSWORD = "demo"  # noqa: S105 - the documented demo password (docs/domain.md §11)
EMAIL_DOMAIN = "demnate.example"

# Histories run from early 2025 (petitions predate the charter: OL 113-14 art. 121) to this
# moment, or to the real clock if that is earlier: the demo is the same whenever it is seeded
# and never lies in the future.
HISTORY_START = datetime.date(2025, 1, 6)
HISTORY_END = (2026, 11, 27, 17, 0)

PETITION = Case.Kind.PETITION.value
PROPOSAL = Case.Kind.PROPOSAL.value
OPINION = Case.Kind.ADVISORY_OPINION.value
CHILDREN = Case.Kind.CHILDREN_RECOMMENDATION.value
OPINION_KINDS = (OPINION, CHILDREN)
KIND_ORDER = (PETITION, PROPOSAL, OPINION, CHILDREN)


class SeedError(Exception):
    """The demo could not be seeded; the message names the case and the step."""


# ---------------------------------------------------------------------------------------------
# Organisation


COLLECTIVITY = {
    "slug": "demnate",
    "code": "DMN",
    "name_ar": "جماعة دمنات",
    "name_fr": "Commune de Demnate",
    "type": Collectivity.Type.COMMUNE,
    "has_arrondissements": False,
    # The 2004 census figure (RGPH 2004), the last one docs/legal.md could verify. Production
    # enters the official figure from the decree authenticating the legal population.
    "population_legal": 23459,
}

# OL 113-14 art. 25: a commune has 2 to 5 standing committees, the budget committee among them.
COMMITTEES = (
    (
        "budget",
        "لجنة الميزانية والشؤون المالية والبرمجة",
        "Commission du budget, des affaires financières et de la programmation",
    ),
    ("utilities", "لجنة المرافق العمومية والخدمات", "Commission des services et équipements publics"),
    (
        "social",
        "لجنة الشؤون الاجتماعية والثقافية والرياضية",
        "Commission des affaires sociales, culturelles et sportives",
    ),
    (
        "urban",
        "لجنة التعمير والبيئة وإعداد التراب",
        "Commission de l'urbanisme, de l'environnement et de l'aménagement du territoire",
    ),
)

SERVICES = (
    ("roads", "مصلحة الطرق والأشغال العمومية", "Service de la voirie et des travaux publics"),
    ("lighting", "مصلحة الإنارة العمومية والشبكات", "Service de l'éclairage public et des réseaux"),
    ("environment", "مصلحة البيئة وحفظ الصحة", "Service de l'environnement et de l'hygiène"),
    ("social", "مصلحة الشؤون الاجتماعية والثقافية", "Service des affaires sociales et culturelles"),
)


@dataclass(frozen=True)
class AssociationDef:
    key: str
    name_ar: str
    name_fr: str
    founded_on: datetime.date
    domain: str
    members_count: int
    charter_signed_on: datetime.date | None = None
    charter_promoter: bool = False
    seat: bool = True
    branch: bool = False


ASSOCIATIONS = (
    AssociationDef(
        "women",
        "جمعية نساء دمنات للتنمية والتضامن",
        "Association des femmes de Demnate pour le développement et la solidarité",
        datetime.date(2016, 3, 12),
        "تمكين النساء ودعم التعاونيات",
        84,
        datetime.date(2025, 3, 8),
        True,
    ),
    AssociationDef(
        "imi_nifri",
        "جمعية إيمي نيفري للسياحة والتنمية المستدامة",
        "Association Imi n'Ifri pour le tourisme et le développement durable",
        datetime.date(2011, 6, 20),
        "السياحة والتراث الطبيعي",
        46,
        datetime.date(2025, 4, 2),
        True,
    ),
    AssociationDef(
        "amal",
        "جمعية الأمل للأشخاص في وضعية إعاقة",
        "Association Al Amal des personnes en situation de handicap",
        datetime.date(2009, 11, 5),
        "الإعاقة والولوجيات",
        120,
        datetime.date(2025, 3, 8),
    ),
    AssociationDef(
        "youth",
        "جمعية شباب الملاح للثقافة والرياضة",
        "Association des jeunes du Mellah pour la culture et le sport",
        datetime.date(2024, 5, 18),  # younger than 3 years: files proposals, may not petition (art. 124)
        "الشباب والرياضة",
        37,
        datetime.date(2025, 10, 10),
    ),
    AssociationDef(
        "water",
        "جمعية دوار تاغزوت للماء الصالح للشرب",
        "Association du douar Taghzout pour l'eau potable",
        datetime.date(2007, 2, 14),
        "الماء الصالح للشرب",
        150,
    ),
    AssociationDef(
        "parents",
        "جمعية آباء وأمهات وأولياء تلاميذ مدرسة الفتح",
        "Association des parents d'élèves de l'école Al Fath",
        datetime.date(2024, 1, 15),  # younger than 3 years
        "التعليم والنقل المدرسي",
        60,
        datetime.date(2026, 2, 3),
    ),
    AssociationDef(
        "environment",
        "جمعية أصدقاء البيئة بدمنات",
        "Association des amis de l'environnement de Demnate",
        datetime.date(2019, 4, 22),
        "البيئة والنظافة",
        28,
    ),
    AssociationDef(
        "potters",
        "جمعية الصناع التقليديين للفخار بدمنات",
        "Association des artisans potiers de Demnate",
        datetime.date(2014, 1, 9),
        "الصناعة التقليدية",
        52,
        datetime.date(2025, 6, 12),
        True,
        seat=False,
        branch=True,
    ),
)


@dataclass(frozen=True)
class UserDef:
    username: str
    group: str
    first_name: str
    last_name: str
    committee: str = ""  # committee key: member (and chair when `chair`)
    service: str = ""  # service key: member (and head when `head`)
    association: str = ""  # association key: member (and representative when `representative`)
    chair: bool = False
    head: bool = False
    representative: bool = False
    also_committees: tuple[str, ...] = ()


# One user per role group, named after it (docs/domain.md §11), and a few more so scoping shows.
# `committee` must sit on the lowest-id committee and `service` work in the lowest-id service:
# the first of COMMITTEES and SERVICES (enforced again after creation, see _memberships).
USERS = (
    UserDef("citizen", roles.CITIZEN, "حسن", "أوعزيز"),
    UserDef(
        "association", roles.ASSOCIATION, "فاطمة الزهراء", "بلقاسم", association="women", representative=True
    ),
    UserDef("intake", roles.INTAKE, "رشيد", "المرابط"),
    UserDef("bureau", roles.BUREAU, "عبد الرحيم", "الإدريسي"),
    UserDef("committee", roles.COMMITTEE, "نادية", "أمزيان", committee="budget", chair=True),
    UserDef("secretariat", roles.SECRETARIAT, "يوسف", "بنعلي"),
    UserDef("president", roles.PRESIDENT, "محمد", "أيت الحاج"),
    UserDef("service", roles.SERVICE, "إبراهيم", "أقشار", service="roads", head=True),
    UserDef("equality_commission", roles.EQUALITY_COMMISSION, "خديجة", "أوحمو"),
    UserDef("children_council", roles.CHILDREN_COUNCIL, "سعاد", "الطاهري"),
    UserDef("followup", roles.FOLLOWUP, "عمر", "الفاسي"),
    UserDef("citizen_b", roles.CITIZEN, "مريم", "أيت بها"),
    UserDef("association_b", roles.ASSOCIATION, "أيوب", "الصبار", association="youth", representative=True),
    UserDef(
        "committee_b",
        roles.COMMITTEE,
        "لحسن",
        "أبركان",
        committee="utilities",
        chair=True,
        also_committees=("budget",),
    ),
    UserDef("committee_c", roles.COMMITTEE, "زينب", "العلوي", committee="social", chair=True),
    UserDef("committee_d", roles.COMMITTEE, "مصطفى", "أيت علي", committee="urban", chair=True),
    UserDef("service_b", roles.SERVICE, "عزيز", "أوبلا", service="lighting", head=True),
    UserDef("service_c", roles.SERVICE, "حفيظة", "ناصر", service="environment", head=True),
    UserDef("service_d", roles.SERVICE, "كريم", "بوزيد", service="social", head=True),
)
ROLE_USERNAMES = tuple(u.username for u in USERS if u.username == u.group)
# Who files the committee report and who plans the work, per committee and service key.
COMMITTEE_REPORTER = {u.committee: u.username for u in USERS if u.committee}
SERVICE_WORKER = {u.service: u.username for u in USERS if u.service}
# Staff act only on their collectivity's cases; the Commission and the Children's Council are
# bodies of the commune too, so their filings go to Demnate whatever the default collectivity.
COLLECTIVITY_GROUPS = roles.STAFF_GROUPS | {roles.EQUALITY_COMMISSION, roles.CHILDREN_COUNCIL}

# ---------------------------------------------------------------------------------------------
# Session calendar: OL 113-14 art. 33, ordinary sessions in the first week of February, May and
# October (the collectivity's `ordinary_session_months`), opening on the first Tuesday.

MONTHS_AR = {2: "فبراير", 5: "ماي", 10: "أكتوبر", 7: "يوليوز"}
MONTHS_FR = {2: "février", 5: "mai", 10: "octobre", 7: "juillet"}


@dataclass(frozen=True)
class SessionDef:
    kind: str
    date: datetime.date
    end_date: datetime.date
    title_ar: str
    title_fr: str

    @property
    def key(self) -> tuple[datetime.date, str]:
        return (self.date, self.kind)

    @property
    def month(self) -> str:
        return self.date.strftime("%Y-%m")


def _first_tuesday(year: int, month: int) -> datetime.date:
    day = datetime.date(year, month, 1)
    return day + datetime.timedelta(days=(1 - day.weekday()) % 7)


def session_calendar(months=(2, 5, 10), years=(2025, 2026, 2027)) -> list[SessionDef]:
    out = []
    for year in years:
        for month in months:
            start = _first_tuesday(year, month)
            out.append(
                SessionDef(
                    CouncilSession.Kind.ORDINARY,
                    start,
                    start + datetime.timedelta(days=2),
                    f"الدورة العادية لشهر {MONTHS_AR.get(month, month)} {year}",
                    f"Session ordinaire de {MONTHS_FR.get(month, month)} {year}",
                )
            )
    out.append(EXTRAORDINARY)
    return sorted(out, key=lambda s: s.date)


EXTRAORDINARY = SessionDef(
    CouncilSession.Kind.EXTRAORDINARY,
    datetime.date(2026, 7, 14),
    datetime.date(2026, 7, 14),
    "دورة استثنائية: الخصاص في الماء الصالح للشرب خلال صيف 2026",
    "Session extraordinaire : pénurie d'eau potable de l'été 2026",
)

# ---------------------------------------------------------------------------------------------
# Texts the transitions carry. Justifications are published with the decisions: plain language,
# well over the 30-letter minimum.

INFO_REQUESTS = (
    "المرجو الإدلاء بنسخ البطائق الوطنية للموقعين الذين لم ترفق نسخ بطائقهم، وتحديد موقع المشروع على تصميم.",
    "المرجو الإدلاء بالنظام الأساسي للجمعية ووصلها النهائي ومحضر تفويض الممثل القانوني.",
    "المرجو توضيح الحي أو الدوار المعني بدقة وعدد الأسر المستفيدة وإرفاق صور للموقع.",
)
INFO_PROVIDED = (
    "تم الإدلاء بالوثائق المطلوبة بمكتب الضبط مقابل وصل.",
    "أرفقنا النظام الأساسي والوصل النهائي ومحضر تفويض الممثل القانوني.",
    "أضفنا تصميما يحدد الموقع وصورا ولائحة بالأسر المعنية.",
)
INADMISSIBLE = {
    "association_conditions": (
        "قرر المكتب عدم قبول العريضة لأن نشاط الجمعية المحدد في نظامها الأساسي يهم البيئة والنظافة ولا "
        "علاقة له بموضوع العريضة، والمادة 124 من القانون التنظيمي 113.14 تشترط أن يكون نشاط الجمعية "
        "مرتبطا بموضوع العريضة."
    ),
    "competence": (
        "قرر المكتب عدم القبول لأن موضوع الطلب يدخل في اختصاص الدولة وليس في اختصاصات الجماعة المحددة "
        "في المواد 77 إلى 91 من القانون التنظيمي 113.14، وسيتم إخبار أصحابه بالجهة المختصة."
    ),
    "signatures": (
        "قرر المكتب عدم قبول العريضة لأن عدد التوقيعات الصحيحة وغير المكررة أقل من مائة توقيع، وهو "
        "الحد الأدنى المطلوب قانونا بالنسبة لجماعة يقل عدد سكانها عن خمسة وثلاثين ألف نسمة."
    ),
}
ADOPT = (
    "صادق المجلس على الطلب لأنه يستجيب لحاجة حقيقية عبرت عنها الساكنة، ويدخل في الاختصاصات الذاتية "
    "للجماعة، وقد رصدت له اعتمادات في ميزانية السنة الجارية.",
    "وافق المجلس بعد الاطلاع على تقرير اللجنة التي عاينت الموقع واستمعت إلى المعنيين، واعتبر أن "
    "المشروع قابل للإنجاز تقنيا وماليا وأن كلفته معقولة.",
    "قرر المجلس الموافقة لأن الطلب ينسجم مع برنامج عمل الجماعة ويعود بالنفع على فئات واسعة من "
    "الساكنة، خاصة النساء والأطفال وكبار السن.",
    "تمت الموافقة لأن الطلب مبرر بمعطيات دقيقة قدمها أصحابه، ولأن المصالح التقنية أكدت إمكانية "
    "إنجازه بوسائل الجماعة الذاتية وفي آجال معقولة.",
)
OPINION_ADOPT = (
    "أخذ المجلس بعين الاعتبار هذا الرأي لأن ملاحظاته دقيقة ومبنية على معطيات ميدانية، وسيتم إدماج "
    "توصياته في المشاريع المعنية وفي برنامج عمل الجماعة.",
    "قرر المجلس الأخذ بهذا الرأي لأنه يبرز أثر المشروع على النساء والفئات الهشة، ويقترح حلولا "
    "عملية يمكن تنفيذها بتكلفة محدودة.",
)
CHILDREN_ADOPT = (
    "شكرا لمجلس الأطفال: توصيتكم مفيدة لكل أطفال المدينة، ووافق المجلس عليها لأن إنجازها ممكن "
    "بميزانية الجماعة وبمساعدة الشركاء.",
    "وافق المجلس على توصيتكم لأنها تحمي سلامة الأطفال وصحتهم، وستنجزها مصالح الجماعة وسنخبركم بتقدم الأشغال.",
)
REJECT = {
    "budget": (
        "رفض المجلس الطلب لأن كلفته المقدرة تتجاوز الاعتمادات المتوفرة في ميزانية الجماعة لهذه السنة، "
        "مع إمكانية إعادة طرحه عند إعداد الميزانية المقبلة أو عند توفر شريك ممول."
    ),
    "outside_competences": (
        "لا يدخل هذا الطلب ضمن اختصاصات الجماعة، إذ تعود رخص سيارات الأجرة إلى سلطة العمالة، وقد قرر "
        "المجلس إحالة الرأي على الجهة المختصة مع إخبار الهيئة بذلك."
    ),
    "duplicate": (
        "سبق للمجلس أن برمج تعبيد هذه الزنقة ضمن برنامج عمل الجماعة، وستنطلق الأشغال في الأشهر المقبلة، "
        "لذلك لا داعي لبرمجة مشروع ثان لنفس الغرض."
    ),
    "technical_infeasibility": (
        "أكدت الدراسة التقنية أن المشروع غير قابل للإنجاز في الموقع المقترح بسبب طبيعة التضاريس وخطر "
        "الانجراف وكلفة الصيانة، لذلك قرر المجلس رفضه مع تشجيع بدائل أبسط."
    ),
    "other": (
        "رفض المجلس الطلب بعد دراسة اللجنة لأن نقل السوق يتطلب وعاء عقاريا غير متوفر حاليا، وقد يضر "
        "بالتجار الصغار وبسكان الدواوير الذين يقصدون السوق مشيا."
    ),
}
CHILDREN_REJECT = (
    "شكرا لكم على توصيتكم. المسبح المغطى مكلف جدا في بنائه وصيانته، وميزانية الجماعة لا تكفي لذلك "
    "هذه السنة، لكن المجلس سيبحث عن شريك لتمويله وسيخبركم بالجديد."
)
DEFER = (
    "قرر المجلس إرجاع الملف إلى اللجنة لاستكمال الدراسة التقنية وتقدير الكلفة بدقة، والاستماع إلى "
    "أصحاب الطلب قبل البت فيه في الدورة المقبلة."
)
ABANDON = (
    "تعذر إنجاز المشروع لأن الشريك الذي التزم بالتمويل انسحب، ولا تسمح ميزانية الجماعة بتغطية الكلفة "
    "كاملة؛ سيعاد طرحه عند توفر التمويل.",
    "توقف المشروع لأن الوعاء العقاري المخصص له موضوع نزاع قضائي، ولا يمكن الشروع في الأشغال قبل "
    "تسوية وضعيته القانونية.",
)
WITHDRAW = (
    "نسحب الطلب لأن المشكل حل بتدخل مباشر من المصالح المختصة.",
    "نسحب الطلب لإعادة صياغته مع جمعيات الحي وتقديمه من جديد.",
    "Nous retirons la demande : elle sera reprise dans une proposition commune avec d'autres associations.",
)
OUTCOME_DEFAULT = "أخذ المجلس بملاحظات الهيئة عند البت في الملف، وأدرجها في شروط الإنجاز وفي تتبع المشروع."
REPORT_CLOSING = {
    "adopt": "وتوصي المجلس بالموافقة عليه.",
    "amend": "وتوصي بالموافقة عليه مع تعديلات تخص الكلفة ومراحل الإنجاز.",
    "reject": "وتوصي بعدم الموافقة عليه لعدم توفر الشروط اللازمة حاليا.",
}
EVIDENCE = (
    "أنجزت الأشغال وتم التسلم المؤقت بتاريخ {date} بحضور ممثلي الساكنة؛ محضر التسلم والصور متوفرة لدى المصلحة.",
    "Travaux réceptionnés le {date} en présence des représentants des habitants ; procès-verbal et photos au service.",
)
BUDGET_LINES = (
    "فصل 20.30.10",
    "فصل 20.40.11",
    "فصل 30.20.12",
    "INDH {year}",
    "شراكة مع المجلس الإقليمي لأزيلال",
)


# ---------------------------------------------------------------------------------------------
# The cases


@dataclass(frozen=True)
class Spec:
    key: str
    kind: str
    state: str
    by: str  # the filer's username
    title: str
    description: str
    subject: str = ""
    reasons: str = ""
    objectives: str = ""
    committee: str = ""  # committee key, for cases referred to one
    service: str = ""  # service key: named at the decision (or the service that plans the work)
    via: str = ""  # withdrawn / inadmissible / not_implemented: the state the case left
    loop: bool = False  # the bureau first asked for more information
    defer: bool = False  # the council sent it back to the committee once
    president: bool = False  # a proposal on an executive matter ruled on by the president
    session: str = ""  # "YYYY-MM" of the session that decides it, or "extra"
    age: str = ""  # "recent": the last step is days old; "old": months old
    related: str = ""  # key of the case an opinion is about
    association: str = ""  # association key, for a desk filing in an association's name
    desk_name: str = ""  # a paper filing: the person's name (personal data, never public)
    service_at_plan: bool = False  # the decision names no service; any service plans it
    reason: tuple[str, ...] = ()  # inadmissibility grounds / rejection reason code
    decision: str = ""  # the decision's justification, when the pools do not fit
    last_on: datetime.date | None = None  # pins the last step's day (cases without a session)
    outcome: str = ""  # an opinion: why the decision on the case it is about followed it (or not)
    followed: bool = True


# fmt: off
# (one case per block: key, kind, state and filer on the first line read as a table)
CASES: tuple[Spec, ...] = (
    # Petitions ------------------------------------------------------------------------------
    Spec(
        "P01", PETITION, S.DRAFT, "citizen",
        "عريضة من أجل تعميم الإنارة العمومية بدوار أيت بلال",
        "يعيش سكان دوار أيت بلال في ظلام تام بعد غروب الشمس، ويضطر التلاميذ والنساء إلى المرور عبر "
        "مسالك غير مضاءة.",
        "الإنارة العمومية",
        reasons="غياب الإنارة يعرض المارة للخطر ويحد من تنقل النساء والتلاميذ ليلا.",
        objectives="تركيب أعمدة للإنارة العمومية على طول المسلك الرئيسي للدوار.",
        age="recent",
    ),
    Spec(
        "P02", PETITION, S.DRAFT, "association",
        "عريضة من أجل إحداث مركز لتكوين النساء في الخياطة والطبخ بحي النهضة",
        "تطالب الجمعية بفضاء قريب لتكوين النساء وتمكينهن اقتصاديا، بدل التنقل إلى مراكز بعيدة.",
        "الشؤون الاجتماعية",
        reasons="ضعف فرص الشغل لدى النساء وبعد مراكز التكوين الحالية.",
        objectives="تخصيص قاعة مجهزة وتوفير مؤطرات بشراكة مع التعاون الوطني.",
        age="old",
    ),
    Spec(
        "P03", PETITION, S.SUBMITTED, "citizen",
        "عريضة من أجل إصلاح الطريق المؤدية إلى قنطرة إيمي نيفري",
        "الطريق المؤدية إلى القنطرة الطبيعية بإيمي نيفري مليئة بالحفر، مما يضر بالسياحة وبتنقل الساكنة.",
        "الطرق والسياحة",
        reasons="تدهور الطريق يقلص عدد الزوار ويضر بمداخيل المرشدين وأصحاب المقاهي.",
        objectives="إصلاح الحفر وتهيئة جنبات الطريق ووضع لوحات التشوير السياحي.",
        age="recent",
    ),
    Spec(
        "P04", PETITION, S.SUBMITTED, "intake",
        "عريضة ساكنة حي الملاح حول تصريف مياه الأمطار",
        "تتجمع مياه الأمطار في أزقة حي الملاح وتتسرب إلى المنازل القديمة عند كل عاصفة.",
        "التطهير",
        reasons="تضرر المنازل القديمة وصعوبة المرور خلال فصل الشتاء.",
        objectives="إحداث قنوات لتصريف مياه الأمطار وتنظيف البالوعات قبل موسم الأمطار.",
        desk_name="محمد أوبلا",
        age="old",
    ),
    Spec(
        "P05", PETITION, S.UNDER_REVIEW, "citizen_b",
        "عريضة من أجل تزويد دوار تاغزوت بالماء الصالح للشرب",
        "تقطع نساء وفتيات دوار تاغزوت مسافات طويلة يوميا لجلب الماء من العين، خاصة في فصل الصيف.",
        "الماء الصالح للشرب",
        reasons="غياب الربط بشبكة الماء وجفاف العين في فصل الصيف.",
        objectives="ربط الدوار بالشبكة أو إحداث سقايات عمومية كمرحلة أولى.",
        age="old",
    ),
    Spec(
        "P06", PETITION, S.UNDER_REVIEW, "association",
        "Pétition pour la couverture du souk hebdomadaire et l'aménagement d'allées pour les marchands",
        "Les marchandes et marchands du souk du dimanche travaillent en plein soleil l'été et dans la boue "
        "l'hiver ; les allées ne sont pas praticables pour les personnes âgées.",
        "Marchés",
        reasons="Conditions de travail difficiles et pertes de marchandises par temps de pluie.",
        objectives="Couvrir une partie du souk et aménager des allées stabilisées.",
        loop=True,
        age="recent",
    ),
    Spec(
        "P07", PETITION, S.AWAITING_INFORMATION, "intake",
        "عريضة بخصوص النقل المدرسي لتلاميذ دوار أيت عمر",
        "يقطع تلاميذ دوار أيت عمر أكثر من ستة كيلومترات للوصول إلى الإعدادية، وينقطع كثير من الفتيات عن الدراسة.",
        "النقل المدرسي",
        reasons="بعد المؤسسة التعليمية وانقطاع الفتيات عن الدراسة.",
        objectives="توفير حافلة للنقل المدرسي بشراكة مع جمعية الآباء.",
        desk_name="فاطمة أيت علي",
    ),
    Spec(
        "P08", PETITION, S.INADMISSIBLE, "intake",
        "عريضة من أجل إحداث قاعة مغطاة للرياضات بحي الملاح",
        "يفتقر شباب حي الملاح إلى قاعة لممارسة كرة السلة والكرة الطائرة والرياضات القتالية.",
        "الشباب والرياضة",
        reasons="غياب فضاءات رياضية مغطاة في المدينة.",
        objectives="بناء قاعة مغطاة متعددة الرياضات.",
        association="environment",
        desk_name="سعيد أوحساين، رئيس الجمعية",
        via=S.SUBMITTED,
        reason=("association_conditions",),
    ),
    Spec(
        "P09", PETITION, S.INADMISSIBLE, "citizen",
        "عريضة من أجل إحداث نواة جامعية بدمنات",
        "يضطر الطلبة إلى التنقل إلى بني ملال أو مراكش لمتابعة دراستهم الجامعية بتكاليف مرتفعة.",
        "التعليم العالي",
        reasons="ارتفاع تكاليف الدراسة خارج المدينة.",
        objectives="إحداث نواة جامعية بدمنات.",
        via=S.UNDER_REVIEW,
        reason=("competence",),
    ),
    Spec(
        "P10", PETITION, S.IN_COMMITTEE, "citizen",
        "عريضة من أجل إحداث ملعب للقرب بحي السلام",
        "يلعب أطفال وشباب حي السلام في الشارع بين السيارات لعدم وجود أي ملعب قريب.",
        "الشباب والرياضة",
        reasons="خطر حوادث السير وغياب فضاءات الترفيه.",
        objectives="تهيئة ملعب للقرب بالبقعة الأرضية غير المستغلة قرب المدرسة.",
        committee="social",
        age="recent",
    ),
    Spec(
        "P11", PETITION, S.REPORTED, "association",
        "عريضة لدعم التعاونيات النسائية في تسويق منتوجات الفخار وزيت الزيتون",
        "تنتج التعاونيات النسائية بدمنات الفخار وزيت الزيتون، لكنها تفتقر إلى نقطة بيع وإلى المشاركة في المعارض.",
        "الاقتصاد الاجتماعي",
        reasons="ضعف التسويق يحرم النساء من دخل قار.",
        objectives="إحداث رواق دائم للبيع ودعم المشاركة في المعارض الجهوية.",
        committee="budget",
        age="old",
    ),
    Spec(
        "P12", PETITION, S.ON_AGENDA, "citizen_b",
        "عريضة حول انتظام جمع النفايات المنزلية بحي القصبة",
        "لا تمر شاحنة جمع النفايات بحي القصبة إلا مرة أو مرتين في الأسبوع، فتتراكم الأزبال قرب المنازل.",
        "النظافة",
        reasons="انتشار الروائح والحشرات وتضرر صحة الأطفال.",
        objectives="جمع يومي للنفايات ووضع حاويات كافية.",
        committee="utilities",
        session="2026-10",
    ),
    Spec(
        "P13", PETITION, S.ADOPTED, "intake",
        "عريضة من أجل تهيئة ولوجيات الأشخاص في وضعية إعاقة بالمرافق العمومية",
        "لا تتوفر مقر الجماعة والمركز الصحي ودار الشباب على ممرات مائلة، مما يحرم الأشخاص في وضعية إعاقة من ولوجها.",
        "الولوجيات",
        reasons="حرمان الأشخاص في وضعية إعاقة وكبار السن من الخدمات العمومية.",
        objectives="تهيئة ممرات مائلة ومراحيض ملائمة في المرافق العمومية الرئيسية.",
        committee="urban",
        service="roads",
        association="amal",
        desk_name="عبد الله أمهروق، الممثل القانوني للجمعية",
        session="2026-05",
    ),
    Spec(
        "P14", PETITION, S.REJECTED, "citizen",
        "عريضة لنقل السوق الأسبوعي إلى خارج المدار الحضري",
        "يسبب السوق الأسبوعي يوم الأحد اكتظاظا كبيرا في وسط المدينة.",
        "الأسواق",
        reasons="الاكتظاظ وصعوبة مرور سيارات الإسعاف يوم السوق.",
        objectives="نقل السوق إلى موقع جديد خارج المدار الحضري.",
        committee="urban",
        reason=("other",),
        session="2025-10",
    ),
    Spec(
        "P15", PETITION, S.IN_IMPLEMENTATION, "citizen",
        "عريضة لتعميم الإنارة العمومية بأزقة حي النهضة",
        "نصف أزقة حي النهضة بدون إنارة، وقد تكررت حوادث السرقة والاعتداء ليلا.",
        "الإنارة العمومية",
        reasons="انعدام الأمن ليلا خاصة بالنسبة للنساء والتلاميذ.",
        objectives="تركيب مصابيح اقتصادية في جميع أزقة الحي.",
        committee="utilities",
        service="lighting",
        session="2026-02",
    ),
    Spec(
        "P16", PETITION, S.IMPLEMENTED, "association",
        "عريضة لتهيئة ممرات آمنة للراجلين أمام المدارس والإعدادية",
        "يعبر التلاميذ الطريق الرئيسية أمام المدرسة دون ممرات ولا علامات تشوير.",
        "السلامة الطرقية",
        reasons="وقوع حوادث سير خطيرة أمام المؤسسات التعليمية.",
        objectives="تهيئة ممرات للراجلين ووضع علامات التشوير.",
        committee="urban",
        service="roads",
        age="old",
    ),
    Spec(
        "P17", PETITION, S.NOT_IMPLEMENTED, "citizen",
        "عريضة من أجل إحداث مسبح جماعي بدمنات",
        "تعرف المدينة حرارة مرتفعة في الصيف ويسبح الأطفال في السواقي والوديان رغم خطر الغرق.",
        "الشباب والرياضة",
        reasons="حوادث غرق متكررة في الوديان.",
        objectives="بناء مسبح جماعي بثمن ولوج رمزي.",
        committee="budget",
        service="social",
        via=S.ADOPTED,
        session="2025-10",
    ),
    Spec(
        "P18", PETITION, S.WITHDRAWN, "citizen_b",
        "عريضة حول ضجيج الورشات الحرفية قرب الحي السكني",
        "تشتغل بعض الورشات الحرفية إلى وقت متأخر من الليل قرب المنازل.",
        "البيئة",
        reasons="الضجيج يحرم السكان من الراحة.",
        objectives="تنظيم أوقات اشتغال الورشات.",
        via=S.SUBMITTED,
    ),
    Spec(
        "P19", PETITION, S.IMPLEMENTED, "intake",
        "عريضة لإصلاح وصيانة السقايات العمومية بدوار تاغزوت",
        "تعطلت السقايات العمومية الثلاث بدوار تاغزوت منذ أشهر، وعادت النساء إلى جلب الماء من العين.",
        "الماء الصالح للشرب",
        reasons="تعطل السقايات وبعد العين.",
        objectives="إصلاح السقايات وتعيين مسؤول عن صيانتها.",
        committee="utilities",
        service="lighting",
        association="water",
        desk_name="الحسين أوعلي، رئيس الجمعية",
        age="old",
    ),
    Spec(
        "P20", PETITION, S.IN_IMPLEMENTATION, "citizen",
        "عريضة بشأن الانقطاعات المتكررة للماء الصالح للشرب بالأحياء العليا صيف 2026",
        "ينقطع الماء عن الأحياء العليا للمدينة لأيام متتالية منذ بداية الصيف.",
        "الماء الصالح للشرب",
        reasons="ضعف الضغط في الشبكة وتزايد الطلب في الصيف.",
        objectives="تركيب مضخة لتقوية الضغط وتوزيع الماء بالصهاريج خلال الانقطاعات.",
        committee="utilities",
        service="lighting",
        session="extra",
    ),
    Spec(
        "P21", PETITION, S.IN_IMPLEMENTATION, "citizen_b",
        "عريضة من أجل إحداث دار للشباب بحي النهضة",
        "لا تتوفر أحياء شرق المدينة على أي فضاء للأنشطة الثقافية والفنية للشباب.",
        "الشباب",
        reasons="فراغ الشباب وغياب فضاءات التأطير.",
        objectives="إحداث دار للشباب بقاعة للأنشطة ومكتبة وقاعة للمعلوميات.",
        committee="social",
        service="social",
        defer=True,
        age="old",
    ),
    Spec(
        "P22", PETITION, S.WITHDRAWN, "intake",
        "عريضة حول تسمية أزقة حي الفتح وترقيم المنازل",
        "أزقة حي الفتح بدون أسماء ولا أرقام، فيصعب وصول البريد وسيارات الإسعاف.",
        "التعمير",
        reasons="صعوبة الاهتداء إلى العناوين.",
        objectives="تسمية الأزقة وترقيم المنازل.",
        committee="urban",
        desk_name="حادة أوعبو",
        via=S.REPORTED,
    ),
    # Proposals ------------------------------------------------------------------------------
    Spec(
        "Q01", PROPOSAL, S.DRAFT, "citizen_b",
        "مقترح لإحداث مكتبة متنقلة لفائدة أطفال الدواوير",
        "حافلة صغيرة مجهزة بالكتب تزور الدواوير مرة في الأسبوع لتشجيع الأطفال على القراءة.",
        "الثقافة",
        age="recent",
    ),
    Spec(
        "Q02", PROPOSAL, S.SUBMITTED, "citizen",
        "Proposition : installer des bancs et des pergolas au jardin public de la Kasbah",
        "Le jardin de la Kasbah n'offre ni ombre ni bancs : les personnes âgées et les mères avec enfants "
        "ne peuvent pas s'y reposer.",
        "Espaces verts",
        age="recent",
    ),
    Spec(
        "Q03", PROPOSAL, S.SUBMITTED, "intake",
        "مقترح لتنظيم وقوف السيارات والشاحنات يوم السوق الأسبوعي",
        "يقترح تخصيص مرأب مؤقت للشاحنات والعربات يوم الأحد وتنظيم المرور بمساعدة أعوان السلطة.",
        "الأسواق",
        desk_name="لحسن أيت موسى",
        age="old",
    ),
    Spec(
        "Q04", PROPOSAL, S.UNDER_REVIEW, "association_b",
        "مقترح لتنظيم دوري رمضاني لكرة القدم بين الأحياء",
        "دوري للفرق الشابة بين أحياء المدينة في شهر رمضان، بدعم لوجستيكي من الجماعة.",
        "الشباب والرياضة",
    ),
    Spec(
        "Q05", PROPOSAL, S.AWAITING_INFORMATION, "citizen_b",
        "مقترح لإحداث مسار سياحي نحو آثار أقدام الديناصورات بإواريضن",
        "مسار مشير بلوحات بالعربية والأمازيغية والفرنسية يربط المدينة بموقع آثار الديناصورات.",
        "السياحة",
        age="old",
    ),
    Spec(
        "Q06", PROPOSAL, S.INADMISSIBLE, "citizen",
        "مقترح لإحداث خط للحافلات بين دمنات ومراكش تديره الجماعة",
        "خط يومي للحافلات بثمن مناسب بين دمنات ومراكش.",
        "النقل",
        via=S.UNDER_REVIEW,
        reason=("competence",),
    ),
    Spec(
        "Q07", PROPOSAL, S.IN_COMMITTEE, "association",
        "مقترح لتخصيص محلات بالسوق البلدي لتعاونيات النساء",
        "تخصيص أربعة محلات مغلقة بالسوق البلدي بسومة كرائية رمزية لتعاونيات النساء.",
        "الاقتصاد الاجتماعي",
        committee="budget",
        age="old",
    ),
    Spec(
        "Q08", PROPOSAL, S.IN_COMMITTEE, "association_b",
        "Proposition : un festival annuel de la poterie de Demnate",
        "Un festival de trois jours pour faire connaître la poterie de Demnate, avec ateliers pour les "
        "enfants et exposition-vente des artisans.",
        "Culture",
        committee="social",
        defer=True,
        session="2026-10",
    ),
    Spec(
        "Q09", PROPOSAL, S.REPORTED, "citizen",
        "مقترح لغرس أشجار الزيتون على جانبي الطريق الرئيسية",
        "غرس أشجار الزيتون على مدخل المدينة لتحسين المنظر وتوفير الظل.",
        "البيئة",
        committee="urban",
        age="old",
    ),
    Spec(
        "Q10", PROPOSAL, S.ON_AGENDA, "citizen_b",
        "مقترح لتمديد ساعات عمل الخزانة البلدية خلال فترة الامتحانات",
        "فتح الخزانة البلدية إلى العاشرة ليلا خلال فترة الامتحانات لفائدة التلاميذ والطلبة.",
        "الثقافة",
        committee="social",
        session="2027-02",
    ),
    Spec(
        "Q11", PROPOSAL, S.ADOPTED, "association_b",
        "مقترح لتخصيص حصص لفائدة الفتيات بملعب دار الشباب",
        "تخصيص حصتين في الأسبوع للفتيات بملعب دار الشباب مع تأطير من مدربات.",
        "الشباب والرياضة",
        committee="social",
        service="social",
        president=True,
        age="recent",
    ),
    Spec(
        "Q12", PROPOSAL, S.ADOPTED, "citizen",
        "مقترح لوضع حاويات لفرز النفايات قرب المؤسسات التعليمية",
        "وضع حاويات ملونة للفرز قرب المدارس مع حملات تحسيسية لفائدة التلاميذ.",
        "البيئة",
        committee="urban",
        service="environment",
        service_at_plan=True,
        session="2026-10",
    ),
    Spec(
        "Q13", PROPOSAL, S.REJECTED, "citizen",
        "مقترح لتعبيد زنقة الزيتون بحي السلام",
        "زنقة الزيتون غير معبدة وتتحول إلى أوحال في فصل الشتاء.",
        "الطرق",
        committee="budget",
        president=True,
        reason=("duplicate",),
    ),
    Spec(
        "Q14", PROPOSAL, S.REJECTED, "citizen",
        "Proposition : un téléphérique touristique jusqu'au pont naturel d'Imi n'Ifri",
        "Un téléphérique relierait la ville au pont naturel d'Imi n'Ifri et attirerait les touristes.",
        "Tourisme",
        committee="budget",
        reason=("technical_infeasibility",),
        session="2026-02",
    ),
    Spec(
        "Q15", PROPOSAL, S.IN_IMPLEMENTATION, "association",
        "مقترح لإحداث نقطة لتجميع الزيوت المستعملة وإعادة تدويرها",
        "نقطة لتجميع الزيوت المستعملة من المنازل والمقاهي بدل رميها في قنوات الصرف.",
        "البيئة",
        committee="urban",
        service="environment",
        age="recent",
    ),
    Spec(
        "Q16", PROPOSAL, S.IN_IMPLEMENTATION, "intake",
        "مقترح لإصلاح الإنارة بمحيط المقبرة والطريق المؤدية إليها",
        "الطريق المؤدية إلى المقبرة مظلمة، والأسر تتجنب الزيارة بعد العصر.",
        "الإنارة العمومية",
        committee="utilities",
        service="lighting",
        desk_name="الحاجة رقية بنعدي",
        session="2025-10",
    ),
    Spec(
        "Q17", PROPOSAL, S.IMPLEMENTED, "citizen",
        "مقترح لوضع علامات التشوير وممهلات السرعة قرب المدارس",
        "ممهلات للسرعة وعلامات تشوير واضحة أمام المدارس الابتدائية الثلاث.",
        "السلامة الطرقية",
        committee="urban",
        service="roads",
        age="old",
    ),
    Spec(
        "Q18", PROPOSAL, S.IMPLEMENTED, "citizen_b",
        "مقترح لتمديد توقيت جمع النفايات خلال فصل الصيف",
        "جولة ثانية لجمع النفايات في المساء خلال أشهر الصيف الحارة.",
        "النظافة",
        committee="utilities",
        service="environment",
        president=True,
    ),
    Spec(
        "Q19", PROPOSAL, S.NOT_IMPLEMENTED, "association",
        "مقترح لإحداث روض جماعي للأطفال بحي النهضة",
        "روض للأطفال بثمن رمزي لتمكين الأمهات العاملات من متابعة عملهن.",
        "الطفولة",
        committee="social",
        service="social",
        via=S.IN_IMPLEMENTATION,
        age="old",
    ),
    Spec(
        "Q20", PROPOSAL, S.WITHDRAWN, "citizen_b",
        "مقترح لتحويل ساحة القصبة إلى فضاء للراجلين",
        "منع مرور السيارات بساحة القصبة في المساء وتحويلها إلى فضاء عائلي.",
        "التعمير",
        committee="urban",
        via=S.IN_COMMITTEE,
    ),
    Spec(
        "Q21", PROPOSAL, S.WITHDRAWN, "citizen",
        "Proposition : une navette gratuite le jour du souk",
        "Une navette gratuite entre les douars et le souk le dimanche matin.",
        "Transport",
        via=S.DRAFT,
    ),
    Spec(
        "Q22", PROPOSAL, S.IMPLEMENTED, "citizen",
        "Proposition : cours d'alphabétisation du soir pour les femmes au centre socioculturel",
        "Des cours du soir, deux fois par semaine, pour les femmes qui travaillent la journée.",
        "Social",
        committee="social",
        service="social",
        age="old",
    ),
    Spec(
        "Q23", PROPOSAL, S.UNDER_REVIEW, "citizen",
        "مقترح لإحداث سوق نموذجي للباعة المتجولين",
        "تجميع الباعة المتجولين في سوق نموذجي مجهز لتحرير الأرصفة وتحسين دخلهم.",
        "الأسواق",
        loop=True,
        age="recent",
    ),
    # Advisory opinions of the Equality Commission --------------------------------------------
    Spec(
        "A01", OPINION, S.DRAFT, "equality_commission",
        "رأي استشاري حول إدماج مقاربة النوع في برنامج عمل الجماعة 2027-2028",
        "مسودة رأي الهيئة حول مؤشرات النوع الاجتماعي الواجب إدماجها في برنامج عمل الجماعة.",
        "المساواة",
        age="recent",
    ),
    Spec(
        "A02", OPINION, S.SUBMITTED, "equality_commission",
        "رأي استشاري حول أثر الخصاص في الماء على النساء والفتيات بدوار تاغزوت",
        "تلاحظ الهيئة أن جلب الماء يستهلك ساعات من يوم النساء والفتيات ويؤدي إلى الانقطاع عن الدراسة.",
        "المساواة",
        related="P05",
        age="recent",
    ),
    Spec(
        "A03", OPINION, S.IN_COMMITTEE, "equality_commission",
        "رأي استشاري حول ولوج النساء والفتيات إلى الفضاءات الرياضية",
        "توصي الهيئة بتخصيص أوقات وفضاءات آمنة للنساء والفتيات في المنشآت الرياضية للجماعة.",
        "المساواة",
        committee="social",
        age="old",
    ),
    Spec(
        "A04", OPINION, S.REPORTED, "equality_commission",
        "رأي استشاري حول دعم التعاونيات النسائية والاقتصاد الاجتماعي",
        "تدعم الهيئة عريضة التعاونيات النسائية وتقترح معايير شفافة لتوزيع المحلات والدعم.",
        "المساواة",
        committee="budget",
        related="P11",
    ),
    Spec(
        "A05", OPINION, S.ON_AGENDA, "equality_commission",
        "Avis consultatif sur l'éclairage public et la sécurité des femmes dans l'espace public",
        "La Commission recommande de prioriser les ruelles empruntées par les élèves et les travailleuses "
        "dans le programme d'éclairage.",
        "Égalité",
        committee="utilities",
        related="P15",
        session="2027-02",
    ),
    Spec(
        "A06", OPINION, S.ADOPTED, "equality_commission",
        "رأي استشاري حول الميزانية المستجيبة للنوع برسم سنة 2026",
        "تقترح الهيئة تقديم الميزانية مع مؤشرات توضح استفادة النساء والرجال والفتيات والفتيان من كل برنامج.",
        "المساواة",
        committee="budget",
        session="2025-10",
    ),
    Spec(
        "A07", OPINION, S.REJECTED, "equality_commission",
        "رأي استشاري حول تخصيص حصة للنساء في رخص سيارات الأجرة",
        "تقترح الهيئة تخصيص حصة من رخص سيارات الأجرة الصغيرة للنساء.",
        "المساواة",
        committee="budget",
        reason=("outside_competences",),
        session="2026-02",
    ),
    Spec(
        "A08", OPINION, S.IN_IMPLEMENTATION, "equality_commission",
        "رأي استشاري حول الولوجيات في الفضاءات والمرافق العمومية",
        "تدعم الهيئة عريضة جمعية الأمل وتقترح إشراك الأشخاص في وضعية إعاقة في تتبع الأشغال.",
        "المساواة",
        committee="urban",
        service="roads",
        related="P13",
        session="2026-10",
    ),
    Spec(
        "A09", OPINION, S.IMPLEMENTED, "equality_commission",
        "رأي استشاري حول إحداث مرافق صحية نظيفة ومنفصلة بالسوق الأسبوعي",
        "لا تتوفر بالسوق الأسبوعي مرافق صحية للنساء، مما يحد من مشاركة البائعات.",
        "المساواة",
        committee="utilities",
        service="environment",
    ),
    Spec(
        "A10", OPINION, S.NOT_IMPLEMENTED, "equality_commission",
        "رأي استشاري حول النقل المدرسي للفتيات في العالم القروي",
        "توصي الهيئة بإعطاء الأولوية للفتيات في النقل المدرسي لمحاربة الهدر المدرسي.",
        "المساواة",
        committee="social",
        service="social",
        via=S.IN_IMPLEMENTATION,
    ),
    Spec(
        "A13", OPINION, S.IN_COMMITTEE, "equality_commission",
        "رأي استشاري حول توزيع الماء بالصهاريج مع مراعاة حاجيات النساء وكبار السن",
        "توصي الهيئة بأن يعطي توزيع الماء بالصهاريج خلال الانقطاعات الأولوية للأسر التي تعيلها نساء "
        "ولكبار السن والأشخاص في وضعية إعاقة، مع إعلان مسبق لمواعيد المرور.",
        "المساواة",
        committee="utilities",
        related="P20",
        last_on=datetime.date(2026, 7, 6),
        outcome=(
            "أخذ المجلس بتوصية الهيئة: يعطي برنامج التوزيع بالصهاريج الأولوية للأسر التي تعيلها نساء "
            "ولكبار السن، وتعلن مواعيد المرور مسبقا في المساجد والمدارس."
        ),
    ),
    Spec(
        "A11", OPINION, S.WITHDRAWN, "equality_commission",
        "رأي استشاري حول إنارة الطريق المؤدية إلى الثانوية",
        "تقترح الهيئة إنارة الطريق التي تسلكها التلميذات إلى الثانوية.",
        "المساواة",
        via=S.SUBMITTED,
    ),
    Spec(
        "A12", OPINION, S.ADOPTED, "equality_commission",
        "رأي استشاري حول برامج محو الأمية الرقمية لفائدة النساء",
        "تقترح الهيئة دورات لتعليم النساء استعمال الخدمات الرقمية للجماعة والإدارة.",
        "المساواة",
        committee="social",
        service="social",
        session="2026-10",
    ),
    # Children's Council recommendations --------------------------------------------------------
    Spec(
        "E01", CHILDREN, S.DRAFT, "children_council",
        "توصية بتنظيم يوم للنظافة في المدارس والأحياء",
        "يقترح أطفال المجلس يوما شهريا للنظافة يشارك فيه التلاميذ والآباء.",
        "الطفولة",
    ),
    Spec(
        "E02", CHILDREN, S.SUBMITTED, "children_council",
        "توصية بإحداث ممر آمن للراجلين أمام مدرسة الفتح",
        "نعبر الطريق كل صباح بين السيارات والدراجات، ونريد ممرا آمنا وشرطيا للمرور.",
        "الطفولة",
        age="recent",
    ),
    Spec(
        "E03", CHILDREN, S.IN_COMMITTEE, "children_council",
        "توصية بإحداث ركن لقراءة الأطفال في دار الشباب",
        "نريد ركنا فيه قصص وكتب مصورة بالعربية والأمازيغية والفرنسية.",
        "الطفولة",
        committee="social",
    ),
    Spec(
        "E04", CHILDREN, S.REPORTED, "children_council",
        "توصية بتنظيم رحلات مدرسية لاكتشاف قنطرة إيمي نيفري وآثار الديناصورات",
        "كثير منا لم يزر قنطرة إيمي نيفري رغم قربها، ونريد رحلات لاكتشاف تراث منطقتنا.",
        "الطفولة",
        committee="social",
    ),
    Spec(
        "E05", CHILDREN, S.ON_AGENDA, "children_council",
        "توصية بتجهيز ملعب القرب بحي السلام بالإنارة",
        "الملعب مظلم بعد السادسة مساء في الشتاء، فلا نستطيع اللعب بعد المدرسة.",
        "الطفولة",
        committee="utilities",
        session="2026-10",
    ),
    Spec(
        "E06", CHILDREN, S.ADOPTED, "children_council",
        "توصية بغرس الأشجار في ساحات المدارس",
        "ساحات المدارس حارة جدا في ماي ويونيو، ونريد أشجارا للظل.",
        "الطفولة",
        committee="urban",
        session="2026-05",
    ),
    Spec(
        "E07", CHILDREN, S.REJECTED, "children_council",
        "توصية ببناء مسبح مغطى للأطفال",
        "نريد مسبحا لنتعلم السباحة بدل السباحة في الوادي.",
        "الطفولة",
        committee="budget",
        reason=("budget",),
        decision=CHILDREN_REJECT,
    ),
    Spec(
        "E08", CHILDREN, S.IN_IMPLEMENTATION, "children_council",
        "توصية بإحداث فضاء للألعاب بحي السلام",
        "لا يوجد في حي السلام أي فضاء للألعاب للأطفال الصغار.",
        "الطفولة",
        committee="social",
        service="social",
        age="recent",
    ),
    Spec(
        "E09", CHILDREN, S.IMPLEMENTED, "children_council",
        "توصية بوضع حاويات للنفايات قرب المدارس",
        "الأزبال تتراكم قرب باب المدرسة، ونريد حاويات وحملة تحسيسية.",
        "الطفولة",
        committee="urban",
        service="environment",
    ),
    Spec(
        "E10", CHILDREN, S.IMPLEMENTED, "children_council",
        "Recommandation : une aire de jeux accessible aux enfants en situation de handicap",
        "Nos camarades en fauteuil roulant ne peuvent pas jouer avec nous : nous demandons des jeux adaptés "
        "et des allées accessibles.",
        "Enfance",
        committee="social",
        service="roads",
    ),
    Spec(
        "E11", CHILDREN, S.NOT_IMPLEMENTED, "children_council",
        "توصية بتوفير حافلة للنقل المدرسي لأطفال الدواوير البعيدة",
        "أصدقاؤنا في الدواوير البعيدة يمشون ساعة كاملة للوصول إلى المدرسة.",
        "الطفولة",
        committee="social",
        service="social",
        via=S.ADOPTED,
    ),
    Spec(
        "E12", CHILDREN, S.WITHDRAWN, "children_council",
        "توصية بتنظيم مهرجان للطائرات الورقية",
        "مهرجان للطائرات الورقية في الربيع بساحة المدينة.",
        "الطفولة",
        via=S.DRAFT,
    ),
)
# fmt: on


# ---------------------------------------------------------------------------------------------
# Planning: every date and every text is drawn here, before anything is written.


@dataclass
class PlannedStep:
    name: str
    at: datetime.datetime
    data: dict = field(default_factory=dict)
    committee: str = ""  # committee key to resolve into data["committee"]
    session: tuple | None = None  # SessionDef key to resolve into data["session"]
    service: str = ""  # service key to resolve into data["service"]


@dataclass
class PlannedCase:
    spec: Spec
    created: datetime.datetime
    draft_first: bool  # created as a draft, then filed by a later `submit` step
    steps: list[PlannedStep]
    # Petitions: what the filing guard asks for (OL 113-14 art. 123-124), while still a draft.
    documents_at: datetime.datetime | None = None  # an association's receipt, statutes, mandate
    signatures_at: datetime.datetime | None = None  # a citizens' petition's signed lists
    signatures: int = 0
    checklist_at: datetime.datetime | None = None  # the bureau's admissibility checklist, all met

    @property
    def submitted_at(self) -> datetime.datetime | None:
        return next((s.at for s in self.steps if s.name == "submit"), None)


def build_path(spec: Spec) -> list[str]:
    """The transitions that bring `spec` from a draft to its state (docs/domain.md §3.2)."""
    opinion = spec.kind in OPINION_KINDS
    target = spec.state
    if target == S.WITHDRAWN:
        return build_path(replace(spec, state=spec.via or S.SUBMITTED, via="")) + ["withdraw"]
    if target == S.DRAFT:
        return []
    path = ["submit"]
    if target == S.SUBMITTED:
        return path
    if target == S.INADMISSIBLE and spec.via == S.SUBMITTED:
        return [*path, "declare_inadmissible"]
    if opinion and target in (S.UNDER_REVIEW, S.AWAITING_INFORMATION, S.INADMISSIBLE):
        raise SeedError(f"{spec.key}: an opinion skips the admissibility review")
    if not opinion:
        path.append("start_review")
        if spec.loop:
            path += ["request_information", "provide_information"]
        if target == S.AWAITING_INFORMATION:
            return [*path, "request_information"]
        if target == S.UNDER_REVIEW:
            return path
        if target == S.INADMISSIBLE:
            return [*path, "declare_inadmissible"]
    path.append("refer_to_committee")
    if spec.defer:
        path += ["report", "schedule", "defer"]
    if target == S.IN_COMMITTEE:
        return path
    path.append("report")
    if target == S.REPORTED:
        return path
    if not spec.president:
        path.append("schedule")
    if target == S.ON_AGENDA:
        return path
    path.append("reject" if target == S.REJECTED else "adopt")
    if target in (S.ADOPTED, S.REJECTED):
        return path
    if target == S.NOT_IMPLEMENTED:
        if spec.via == S.IN_IMPLEMENTATION:
            path.append("plan_implementation")
        return [*path, "abandon"]
    path.append("plan_implementation")
    if target == S.IN_IMPLEMENTATION:
        return path
    return [*path, "complete"]


# Days between a step and the one before it.
GAPS = {
    "submit": (1, 1),
    "start_review": (1, 8),
    "request_information": (3, 12),
    "provide_information": (5, 25),
    "declare_inadmissible": (15, 70),
    "refer_to_committee": (4, 25),
    "report": (15, 50),
    "adopt": (7, 40),  # the president's ruling after the report
    "reject": (7, 40),
    "plan_implementation": (10, 45),
    "complete": (30, 180),
    "abandon": (60, 200),
    "withdraw": (3, 40),
}
SCHEDULE_BEFORE_SESSION = (12, 25)  # the agenda goes to the governor 20 days before (art. 38)
DWELL = {"recent": (1, 14), "old": (110, 300), "": (15, 100)}
MAX_SCHEDULE_AHEAD = 120  # days: a case is put on the agenda of the next session, not a later one


def _gap_range(prev: str | None, name: str) -> tuple[int, int]:
    if name in ("adopt", "reject", "defer") and prev == "schedule":
        return (0, 2)  # during the session (it sits three days)
    if name == "schedule":
        return SCHEDULE_BEFORE_SESSION
    if name == "declare_inadmissible" and prev == "submit":
        return (5, 30)
    if name == "report" and prev == "defer":
        return (14, 40)
    return GAPS[name]


def _weekday_back(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def _weekday_fwd(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


class Planner:
    def __init__(self, *, end: datetime.datetime, sessions: list[SessionDef], seed: int = SEED):
        self.rng = random.Random(seed)
        self.tz = timezone.get_current_timezone()
        self.end = end
        self.end_day = timezone.localtime(end).date()
        self.sessions = sessions
        self.ordinary = [s for s in sessions if s.kind == CouncilSession.Kind.ORDINARY]

    def _at(self, day: datetime.date, hour: int, minute: int) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)

    def plan(self, specs: tuple[Spec, ...] | None = None) -> list[PlannedCase]:
        specs = CASES if specs is None else specs
        planned = {spec.key: self._plan_case(spec) for spec in specs}
        self._number_deliberations(planned.values())
        self._check(planned)
        return sorted(planned.values(), key=lambda p: (p.created, p.spec.key))

    # Dates -------------------------------------------------------------------------------

    def _plan_case(self, spec: Spec) -> PlannedCase:
        rng = self.rng
        path = build_path(spec)
        gaps = [rng.randint(*_gap_range(path[i - 1] if i else None, name)) for i, name in enumerate(path)]
        times = [(rng.randint(8, 15), rng.randint(0, 59)) for _ in path]
        # Petitions collect signatures (or gather the association's documents) as drafts before
        # filing; the desk types in paper lists brought already signed within a few days.
        if spec.kind == PETITION:
            draft_days = rng.randint(1, 4) if spec.by == "intake" else rng.randint(7, 35)
        else:
            draft_days = rng.randint(1, 6) if rng.random() < 0.3 else 0
        if not path or path[0] != "submit":
            draft_days = max(draft_days, rng.randint(3, 30))
        created_time = (rng.randint(8, 20), rng.randint(0, 59))
        dwell = rng.randint(*DWELL[spec.age])
        if spec.last_on is not None:
            dwell = max(1, (self.end_day - spec.last_on).days)
        if "schedule" in path:
            days, sessions = self._session_dates(spec, path, gaps, dwell, draft_days)
        else:
            days, sessions = self._plain_dates(spec, path, gaps, dwell, draft_days)
        if days:
            created_day = days[0] - datetime.timedelta(days=draft_days)
        else:
            created_day = self.end_day - datetime.timedelta(days=dwell)
        steps = []
        for i, (name, day) in enumerate(zip(path, days, strict=True)):
            hour, minute = times[i]
            if i and path[i - 1] == "schedule" and name in ("adopt", "reject", "defer"):
                hour = 10 + hour % 7  # during the sitting
            steps.append(PlannedStep(name, self._at(day, hour, minute), session=sessions.get(i)))
        created = self._at(created_day, *created_time)
        draft_first = draft_days > 0
        if not draft_first:
            created = steps[0].at
        for i, step in enumerate(steps):
            self._fill(spec, step, prev=steps[i - 1] if i else None)
        plan = PlannedCase(spec=spec, created=created, draft_first=draft_first, steps=steps)
        if spec.kind == PETITION:
            self._petition_extras(plan)
        return plan

    def _petition_extras(self, plan: PlannedCase) -> None:
        spec, rng = plan.spec, self.rng
        filed = plan.submitted_at
        # Between the draft's creation and the filing (or, for a draft, a few hours after creation).
        window_end = filed or plan.created + datetime.timedelta(hours=3)
        midway = plan.created + (window_end - plan.created) * 0.6
        if spec.association or spec.by in ("association", "association_b"):
            plan.documents_at = midway
        else:
            plan.signatures_at = midway
            # Still collecting: short of the minimum; filed: above it (100 below 35,000 inhabitants).
            plan.signatures = rng.randint(104, 160) if filed else rng.randint(20, 80)
        refer = next((s for s in plan.steps if s.name == "refer_to_committee"), None)
        if refer is not None:
            plan.checklist_at = refer.at - datetime.timedelta(hours=2)

    def _plain_dates(self, spec, path, gaps, dwell, draft_days) -> tuple[list[datetime.date], dict]:
        """No session on the way: the last step is `dwell` days before the end, the rest before it."""
        for _attempt in range(12):
            days = self._backward(
                path, gaps, len(path) - 1, _weekday_back(self.end_day - datetime.timedelta(days=dwell))
            )
            first = days[0] if days else self.end_day - datetime.timedelta(days=dwell)
            if first - datetime.timedelta(days=draft_days) >= HISTORY_START:
                return days, {}
            dwell = max(1, dwell // 2)
        raise SeedError(f"{spec.key}: its history does not fit between {HISTORY_START} and {self.end_day}")

    def _backward(self, path, gaps, anchor_index, anchor_day) -> list[datetime.date]:
        days: list[datetime.date | None] = [None] * len(path)
        if not path:
            return []
        days[anchor_index] = anchor_day
        for i in range(anchor_index - 1, -1, -1):
            days[i] = _weekday_back(days[i + 1] - datetime.timedelta(days=gaps[i + 1]))
        return days

    def _session_dates(self, spec, path, gaps, dwell, draft_days) -> tuple[list[datetime.date], dict]:
        """Anchored on the session of the first `schedule`: steps before it run backward from the
        agenda date, steps after it forward from the sitting."""
        if spec.session == "extra":
            candidates = [s for s in self.sessions if s.kind == CouncilSession.Kind.EXTRAORDINARY]
        elif spec.session:
            candidates = [s for s in self.ordinary if s.month == spec.session]
        else:
            candidates = self.ordinary
        limit = self.end_day + datetime.timedelta(days=MAX_SCHEDULE_AHEAD)
        feasible = []
        for session in candidates:
            if session.date > limit:
                continue
            result = self._session_timeline(spec, path, gaps, session, dwell, draft_days)
            if result is not None:
                feasible.append(result)
        if not feasible:
            raise SeedError(f"{spec.key}: no council session fits its history")
        if spec.session or spec.age == "recent":
            return feasible[-1]
        if spec.age == "old":
            return feasible[0]
        return self.rng.choice(feasible)

    def _session_timeline(self, spec, path, gaps, session, dwell, draft_days):
        first = path.index("schedule")
        last_day = self.end_day - datetime.timedelta(days=1)
        agenda_day = session.date - datetime.timedelta(days=gaps[first])
        if spec.state == S.ON_AGENDA and first == len(path) - 1:
            # Put on the agenda of the coming session days ago (or of a past one, never decided).
            agenda_day = min(agenda_day, self.end_day - datetime.timedelta(days=min(dwell, 20)))
        days = self._backward(path, gaps, first, _weekday_back(agenda_day))
        sessions = {first: session.key}
        current = session
        for i in range(first + 1, len(path)):
            name, prev = path[i], path[i - 1]
            if prev == "schedule" and name in ("adopt", "reject", "defer"):
                days[i] = _weekday_fwd(current.date + datetime.timedelta(days=gaps[i]))
            elif name == "schedule":
                later = [
                    s
                    for s in self.ordinary
                    if s.date > current.date and s.date - datetime.timedelta(days=gaps[i] + 3) > days[i - 1]
                ]
                if not later:
                    return None
                current = later[0]
                sessions[i] = current.key
                days[i] = _weekday_back(current.date - datetime.timedelta(days=gaps[i]))
            else:
                days[i] = _weekday_fwd(days[i - 1] + datetime.timedelta(days=gaps[i]))
        if days[0] - datetime.timedelta(days=draft_days) < HISTORY_START or days[-1] > last_day:
            return None
        return days, sessions

    # What each step carries ---------------------------------------------------------------

    def _fill(self, spec: Spec, step: PlannedStep, *, prev: PlannedStep | None) -> None:
        rng = self.rng
        name = step.name
        day = timezone.localtime(step.at).date()
        if name == "request_information":
            step.data = {"justification": rng.choice(INFO_REQUESTS)}
        elif name == "provide_information":
            step.data = {"justification": rng.choice(INFO_PROVIDED)}
        elif name == "declare_inadmissible":
            grounds = list(spec.reason or ("signatures",))
            step.data = {"reason_code": grounds, "justification": spec.decision or INADMISSIBLE[grounds[0]]}
        elif name == "refer_to_committee":
            step.committee = spec.committee or "budget"
        elif name == "report":
            recommendation = self._recommendation(spec)
            step.data = {
                "report": (
                    f"درست اللجنة الملف في اجتماعها المنعقد بتاريخ {day:%d/%m/%Y}، واطلعت على الوثائق "
                    f"المرفقة ورأي المصالح التقنية، {REPORT_CLOSING[recommendation]}"
                ),
                "recommendation": recommendation,
            }
        elif name in ("adopt", "reject"):
            data: dict = {"justification": spec.decision or self._decision_text(spec, name)}
            if prev is not None and prev.name == "schedule":
                if name == "adopt":
                    votes = (rng.randint(17, 25), rng.randint(0, 3), rng.randint(0, 3))
                else:
                    votes = (rng.randint(2, 7), rng.randint(13, 20), rng.randint(0, 4))
                data.update(votes_for=votes[0], votes_against=votes[1], votes_abstain=votes[2])
            if name == "reject":
                data["reason_code"] = (spec.reason or ("other",))[0]
            elif spec.service and not spec.service_at_plan:
                step.service = spec.service
            step.data = data
        elif name == "defer":
            step.data = {"justification": DEFER}
        elif name == "plan_implementation":
            step.data = {
                "planned_end": (day + datetime.timedelta(days=rng.randint(60, 240))).isoformat(),
                "budget_line": rng.choice(BUDGET_LINES).format(year=day.year),
            }
        elif name == "complete":
            step.data = {"evidence": rng.choice(EVIDENCE).format(date=f"{day:%d/%m/%Y}")}
        elif name == "abandon":
            step.data = {"justification": spec.decision or rng.choice(ABANDON)}
        elif name == "withdraw":
            step.data = {"justification": rng.choice(WITHDRAW)}

    def _recommendation(self, spec: Spec) -> str:
        if spec.state == S.REJECTED:
            return "reject"
        if spec.state in (S.ADOPTED, S.IN_IMPLEMENTATION, S.IMPLEMENTED, S.NOT_IMPLEMENTED):
            return self.rng.choice(("adopt", "adopt", "amend"))
        return self.rng.choice(("adopt", "amend", "reject"))

    def _decision_text(self, spec: Spec, name: str) -> str:
        if name == "reject":
            return REJECT[(spec.reason or ("other",))[0]]
        pool = {OPINION: OPINION_ADOPT, CHILDREN: CHILDREN_ADOPT}.get(spec.kind, ADOPT)
        return self.rng.choice(pool)

    def _number_deliberations(self, planned) -> None:
        """Council deliberations are numbered per year in the order they were taken."""
        sittings = [
            (step.at, plan.spec.key, step, plan.steps[i - 1].session)
            for plan in planned
            for i, step in enumerate(plan.steps)
            if step.name in ("adopt", "reject") and i and plan.steps[i - 1].name == "schedule"
        ]
        counters: Counter = Counter()
        sitting = None
        for at, _key, step, session in sorted(sittings, key=lambda t: (t[0], t[1])):
            year = timezone.localtime(at).year
            if sitting != session:
                sitting = session
                counters[year] += self.rng.randint(4, 12)  # the session's other business comes first
            counters[year] += self.rng.randint(1, 3)
            step.data["deliberation_number"] = f"{counters[year]}/{year}"

    def _check(self, planned: dict[str, PlannedCase]) -> None:
        for plan in planned.values():
            extras = [t for t in (plan.documents_at, plan.signatures_at) if t is not None]
            submit = plan.submitted_at
            if submit is not None and any(not plan.created < t < submit for t in extras):
                raise SeedError(f"{plan.spec.key}: its petition documents come after the filing")
            stamps = [plan.created] + [s.at for s in plan.steps][1 if not plan.draft_first else 0 :]
            if any(b <= a for a, b in zip(stamps, stamps[1:], strict=False)):
                raise SeedError(f"{plan.spec.key}: its history is not in increasing order")
            if stamps[-1] >= self.end or plan.created.date() < HISTORY_START:
                raise SeedError(f"{plan.spec.key}: its history leaves {HISTORY_START}..{self.end_day}")
            if plan.spec.related:
                other = planned[plan.spec.related]
                if other.submitted_at is None or other.submitted_at >= plan.created:
                    raise SeedError(f"{plan.spec.key}: filed before the case it is about")


def history_end(now: datetime.datetime | None = None) -> datetime.datetime:
    now = now or timezone.now()
    fixed = datetime.datetime(*HISTORY_END, tzinfo=timezone.get_current_timezone())
    return min(fixed, now - datetime.timedelta(minutes=5))


# ---------------------------------------------------------------------------------------------
# Writing


@dataclass
class SeedReport:
    collectivity: Collectivity
    created_cases: int
    already_seeded: bool
    users: list[str]
    password: str
    counts: dict[str, Counter]
    seconds: float
    example: tuple[str, str] | None = None  # a reference and its tracking code, for the tracking page


@dataclass
class _Context:
    collectivity: Collectivity
    committees: dict[str, Committee]
    services: dict[str, Service]
    sessions: dict[tuple, CouncilSession]
    associations: dict[str, Association]
    users: dict[str, object]
    plans: list[PlannedCase] = field(default_factory=list)
    cases: dict[str, Case] = field(default_factory=dict)


def seed_demo(*, password: str = DEFAULT_PASSWORD, log: Callable[[str], None] | None = None) -> SeedReport:
    """Seed the Demnate demo; running it again adds nothing and resets the demo passwords."""
    log = log or (lambda _msg: None)
    started = time.monotonic()
    sessions_def = session_calendar()
    plans = Planner(end=history_end(), sessions=sessions_def).plan()
    # The demo's notifications are written (the outbox is part of each transition) but not
    # delivered now: they are months old and addressed to demo accounts.
    paused = getattr(notification_services, "dispatch_paused", contextlib.nullcontext)
    with transaction.atomic(), paused():
        collectivity, created_org = Collectivity.objects.get_or_create(
            slug=COLLECTIVITY["slug"], defaults={k: v for k, v in COLLECTIVITY.items() if k != "slug"}
        )
        ctx = _Context(
            collectivity=collectivity,
            committees=_committees(collectivity),
            services=_services(collectivity),
            sessions=_sessions(collectivity, sessions_def),
            associations=_associations(collectivity),
            users={},
            plans=plans,
        )
        ctx.users = _users(ctx, password)
        _memberships(ctx)

        existing = {(c.kind, c.title): c for c in Case.objects.filter(collectivity=collectivity)}
        todo = []
        for plan in plans:
            found = existing.get((plan.spec.kind, plan.spec.title))
            if found is not None:
                ctx.cases[plan.spec.key] = found
            else:
                todo.append(plan)
        if todo:
            log(f"Playing the histories of {len(todo)} demo case(s)...")
        codes = _play(ctx, todo)
    example = next(
        (
            (ctx.cases[p.spec.key].reference, codes[p.spec.key])
            for p in todo
            if p.spec.state == S.IN_COMMITTEE
        ),
        None,
    )
    counts: dict[str, Counter] = {kind: Counter() for kind in KIND_ORDER}
    for kind, state in Case.objects.filter(collectivity=collectivity).values_list("kind", "state"):
        counts.setdefault(kind, Counter())[state] += 1
    return SeedReport(
        collectivity=collectivity,
        created_cases=len(todo),
        already_seeded=not todo and not created_org,
        users=[u.username for u in USERS],
        password=password,
        counts=counts,
        seconds=time.monotonic() - started,
        example=example,
    )


def _committees(collectivity) -> dict[str, Committee]:
    out = {}
    for key, name_ar, name_fr in COMMITTEES:
        out[key], _made = Committee.objects.get_or_create(
            collectivity=collectivity, name_fr=name_fr, defaults={"name_ar": name_ar}
        )
    return out


def _services(collectivity) -> dict[str, Service]:
    out = {}
    for key, name_ar, name_fr in SERVICES:
        out[key], _made = Service.objects.get_or_create(
            collectivity=collectivity, name_fr=name_fr, defaults={"name_ar": name_ar}
        )
    return out


def _sessions(collectivity, sessions_def) -> dict[tuple, CouncilSession]:
    """The calendar; an ordinary session already recorded for the month (`generate_sessions`, or
    the secretariat) is reused rather than doubled."""
    out = {}
    for s in sessions_def:
        found = None
        if s.kind == CouncilSession.Kind.ORDINARY:
            found = (
                CouncilSession.objects.filter(
                    collectivity=collectivity, kind=s.kind, date__year=s.date.year, date__month=s.date.month
                )
                .order_by("date", "id")
                .first()
            )
        if found is None:
            found, _made = CouncilSession.objects.get_or_create(
                collectivity=collectivity,
                date=s.date,
                kind=s.kind,
                defaults={"end_date": s.end_date, "title_ar": s.title_ar, "title_fr": s.title_fr},
            )
        out[s.key] = found
    return out


def _associations(collectivity) -> dict[str, Association]:
    out = {}
    for a in ASSOCIATIONS:
        out[a.key], _made = Association.objects.get_or_create(
            collectivity=collectivity,
            name_ar=a.name_ar,
            defaults={
                "name_fr": a.name_fr,
                "founded_on": a.founded_on,
                "seat_in_collectivity": a.seat,
                "branch_in_collectivity": a.branch,
                "domain": a.domain,
                "members_count": a.members_count,
                "charter_signed_on": a.charter_signed_on,
                "charter_promoter": a.charter_promoter,
            },
        )
    return out


def _users(ctx: _Context, password: str) -> dict[str, object]:
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
                "collectivity": ctx.collectivity if u.group in COLLECTIVITY_GROUPS else None,
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


def _memberships(ctx: _Context) -> None:
    for u in USERS:
        user = ctx.users[u.username]
        for key in (u.committee, *u.also_committees):
            if key:
                ctx.committees[key].members.add(user)
        if u.committee and u.chair and ctx.committees[u.committee].chair_id is None:
            ctx.committees[u.committee].chair = user
            ctx.committees[u.committee].save(update_fields=["chair"])
        if u.service:
            ctx.services[u.service].members.add(user)
            if u.head and ctx.services[u.service].head_id is None:
                ctx.services[u.service].head = user
                ctx.services[u.service].save(update_fields=["head"])
        if u.association:
            association = ctx.associations[u.association]
            association.members.add(user)
            if u.representative and association.representative_id is None:
                association.representative = user
                association.save(update_fields=["representative"])
    # docs/domain.md §11: `committee` sits on the lowest-id committee, `service` in the lowest-id service.
    lowest_committee = Committee.objects.filter(collectivity=ctx.collectivity).order_by("id").first()
    lowest_service = Service.objects.filter(collectivity=ctx.collectivity).order_by("id").first()
    lowest_committee.members.add(ctx.users["committee"])
    lowest_service.members.add(ctx.users["service"])
    for user in ctx.users.values():
        user.__dict__.pop("_mithaq_membership", None)


def _actor(ctx: _Context, plan: PlannedCase, name: str):
    spec = plan.spec
    if name in ("submit", "provide_information", "withdraw"):
        return ctx.users[spec.by]
    if name in ("start_review", "declare_inadmissible", "request_information", "refer_to_committee"):
        return ctx.users["bureau"]
    if name == "report":
        return ctx.users[COMMITTEE_REPORTER[spec.committee]]
    if name in ("adopt", "reject") and spec.president:
        return ctx.users["president"]
    if name in ("schedule", "adopt", "reject", "defer"):
        return ctx.users["secretariat"]
    if name in ("plan_implementation", "complete"):
        return ctx.users[SERVICE_WORKER[spec.service]]
    if name == "abandon":
        return ctx.users["president"]
    raise SeedError(f"{spec.key}: no demo actor for {name}")


def _play(ctx: _Context, plans: list[PlannedCase]) -> dict[str, str]:
    """Play every planned step of every case in time order, so references, entry ids and linked
    opinions follow the calendar. Returns the tracking codes (shown once) by case key."""
    events = []
    for plan in plans:
        mine = [(plan.created, "create", None)]
        if plan.documents_at:
            mine.append((plan.documents_at, "documents", None))
        if plan.signatures_at:
            mine.append((plan.signatures_at, "signatures", None))
        if plan.checklist_at:
            mine.append((plan.checklist_at, "checklist", None))
        steps = plan.steps if plan.draft_first else plan.steps[1:]
        mine += [(step.at, step.name, step) for step in steps]
        events += [
            (at, plan.spec.key, n, name, plan, step)
            for n, (at, name, step) in enumerate(sorted(mine, key=lambda e: e[0]))
        ]
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    numbers = {plan.spec.key: n for n, plan in enumerate(plans, start=1)}
    codes: dict[str, str] = {}
    for at, key, _n, name, plan, step in events:
        try:
            if name == "create":
                ctx.cases[key], codes[key] = _create(ctx, plan)
            elif step is None:
                _petition_extra(ctx, plan, name, at)
            else:
                ctx.cases[key] = services.case_transition(
                    actor=_actor(ctx, plan, step.name),
                    case=ctx.cases[key],
                    name=step.name,
                    data=_resolve(ctx, plan, step),
                    at=at,
                )
        except (DomainError, SeedError, KeyError, ValueError, TypeError) as exc:
            raise _failure(plan, name, at, exc, numbers[key], len(plans)) from exc
    for plan in plans:
        case = ctx.cases[plan.spec.key]
        if case.state != plan.spec.state:
            raise SeedError(f"demo case [{plan.spec.key}] ended in {case.state}, expected {plan.spec.state}")
    return codes


FIRST_NAMES = (
    "محمد",
    "فاطمة",
    "أحمد",
    "خديجة",
    "الحسين",
    "عائشة",
    "إبراهيم",
    "مليكة",
    "عبد الله",
    "زهرة",
    "يوسف",
    "نعيمة",
    "لحسن",
    "رقية",
    "مصطفى",
    "حادة",
    "سعيد",
    "إيطو",
    "عمر",
    "كلثوم",
)
FAMILY_NAMES = (
    "أيت علي",
    "أوبلا",
    "أمزيان",
    "بنعدي",
    "أوحمو",
    "الإدريسي",
    "أيت موسى",
    "أقشار",
    "بوزيد",
    "أوعزيز",
    "الطاهري",
    "أبركان",
    "أيت الحاج",
    "ناصر",
    "العلوي",
    "أوعبو",
    "أمهروق",
    "أيت بها",
    "الصبار",
    "بلقاسم",
)
QUARTERS = (
    "حي الملاح",
    "حي القصبة",
    "حي النهضة",
    "حي السلام",
    "حي الفتح",
    "دوار تاغزوت",
    "دوار أيت بلال",
    "دوار أيت عمر",
)


def _signatories(key: str, count: int) -> list[dict]:
    """Fictitious signatories: ZZ-prefixed card numbers that no real CNIE uses."""
    rng = random.Random(f"{SEED}:{key}:signatures")
    numbers = rng.sample(range(100_000, 1_000_000), count)
    return [
        {
            "full_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(FAMILY_NAMES)}",
            "cnie": f"ZZ{number}",
            "address": f"رقم {rng.randint(1, 160)}، {rng.choice(QUARTERS)}، دمنات",
            "link": "resident" if rng.random() < 0.85 else "activity",
        }
        for number in numbers
    ]


def _petition_extra(ctx: _Context, plan: PlannedCase, name: str, at: datetime.datetime) -> None:
    pass  # import removed

    case = ctx.cases[plan.spec.key]
    filer = ctx.users[plan.spec.by]
    if name == "signatures":
        channel = "paper" if plan.spec.by == "intake" else "online"
        result = signatures.signatures_import(
            actor=filer, case=case, rows=_signatories(plan.spec.key, plan.signatures), channel=channel, at=at
        )
        if result.rejected:
            raise SeedError(f"signatures rejected: {result.as_dict()['rejected'][:3]}")
    elif name == "documents":
        _attach_association_documents(case, filer, at)
    elif name == "checklist":
        locked = Case.objects.get(pk=case.pk)
        results = {condition: {"met": True} for condition in admissibility.applicable_conditions(locked)}
        admissibility.admissibility_record(actor=ctx.users["bureau"], case=locked, results=results, at=at)


ASSOCIATION_DOCUMENTS = (
    ("final_receipt", "الوصل النهائي للجمعية"),
    ("statutes", "النظام الأساسي للجمعية"),
    ("mandate", "محضر تفويض الممثل القانوني"),
)


def _attach_association_documents(case: Case, actor, at: datetime.datetime) -> None:
    """Decree 2.16.403 art. 4: final receipt, statutes and the representative's mandate, uploaded
    by the association's member through the attachment service (audited like any upload)."""
    for purpose, title in ASSOCIATION_DOCUMENTS:
        content = (
            f"{title}\n{case.association.name_ar if case.association else ''}\n{case.reference}\n".encode()
        )
        services.case_attachment_add(
            actor=actor,
            case=case.pk,
            purpose=purpose,
            file=ContentFile(content, name=f"{case.reference}-{purpose}.txt"),
            name=f"{title}.txt",
            at=at,
        )


def _create(ctx: _Context, plan: PlannedCase) -> tuple[Case, str]:
    spec = plan.spec
    kwargs = {
        "actor": ctx.users[spec.by],
        "kind": spec.kind,
        "title": spec.title,
        "description": spec.description,
        "subject": spec.subject,
        "reasons": spec.reasons,
        "objectives": spec.objectives,
        "collectivity": ctx.collectivity,
        "draft": plan.draft_first,
        "at": plan.created,
    }
    if spec.association:
        kwargs["association"] = ctx.associations[spec.association]
    if spec.desk_name:
        kwargs["submitter_name"] = spec.desk_name
        kwargs["submitter_contact"] = "دمنات، إقليم أزيلال"
    if spec.related:
        kwargs["related_case"] = ctx.cases[spec.related].reference
    return services.case_create(**kwargs)


def _resolve(ctx: _Context, plan: PlannedCase, step: PlannedStep) -> dict:
    data = dict(step.data)
    if step.committee:
        data["committee"] = ctx.committees[step.committee].pk
    if step.session:
        data["session"] = ctx.sessions[step.session].pk
    if step.service:
        data["service"] = ctx.services[step.service].pk
    if step.name in ("adopt", "reject"):
        # docs/domain.md §3.2: the decision answers every opinion linked to the case.
        case = ctx.cases[plan.spec.key]
        linked = (
            Case.objects.filter(related_case_id=case.pk, kind__in=OPINION_KINDS)
            .exclude(state__in=[S.DRAFT, S.WITHDRAWN])
            .order_by("id")
        )
        by_pk = {c.pk: key for key, c in ctx.cases.items()}
        specs = {p.spec.key: p.spec for p in ctx.plans}
        answers = []
        for opinion in linked:
            spec = specs.get(by_pk.get(opinion.pk, ""))
            answers.append(
                {
                    "reference": opinion.reference,
                    "followed": spec.followed if spec else True,
                    "reason": (spec.outcome if spec and spec.outcome else OUTCOME_DEFAULT),
                }
            )
        if answers:
            data["opinions"] = answers
    return data


def _failure(plan: PlannedCase, name: str, at, exc: Exception, number: int, total: int) -> SeedError:
    spec = plan.spec
    detail = getattr(exc, "detail", None) or str(exc)
    fields = getattr(exc, "field_errors", None)
    if fields:
        detail += " " + "; ".join(f"{k}: {', '.join(str(m) for m in v)}" for k, v in fields.items())
    return SeedError(
        f"demo case {number}/{total} [{spec.key}] {spec.kind} “{spec.title}” failed at {name} "
        f"({timezone.localtime(at):%Y-%m-%d %H:%M}): {type(exc).__name__}: {detail}"
    )
