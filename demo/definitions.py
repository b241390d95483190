"""The shapes of the Demnate demo's data (docs/domain.md §11) and its fixed parameters.

The values themselves live in the JSON files of demo/data/, read by `demo.loader`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from cases.models import Case

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
