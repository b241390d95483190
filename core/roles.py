"""The role groups of docs/domain.md §1. Group names are part of the contract."""

from django.utils.translation import gettext_lazy as _

CITIZEN = "citizen"
ASSOCIATION = "association"
INTAKE = "intake"
BUREAU = "bureau"
COMMITTEE = "committee"
SECRETARIAT = "secretariat"
PRESIDENT = "president"
SERVICE = "service"
EQUALITY_COMMISSION = "equality_commission"
CHILDREN_COUNCIL = "children_council"
FOLLOWUP = "followup"

ROLE_LABELS = {
    CITIZEN: _("Citizen"),
    ASSOCIATION: _("Association member"),
    INTAKE: _("Reception desk"),
    BUREAU: _("Council bureau"),
    COMMITTEE: _("Standing committee member"),
    SECRETARIAT: _("Council secretariat"),
    PRESIDENT: _("Council president"),
    SERVICE: _("Implementing service"),
    EQUALITY_COMMISSION: _("Equality Commission"),
    CHILDREN_COUNCIL: _("Children's Council facilitator"),
    FOLLOWUP: _("Charter follow-up team"),
}

ROLE_GROUPS = tuple(ROLE_LABELS)

# Groups whose members work inside the commune and may open the staff pages.
STAFF_GROUPS = frozenset({INTAKE, BUREAU, COMMITTEE, SECRETARIAT, PRESIDENT, SERVICE, FOLLOWUP})
# Groups that see every case of their collectivity (committees and services are scoped).
ALL_CASES_GROUPS = frozenset({INTAKE, BUREAU, SECRETARIAT, PRESIDENT, FOLLOWUP})
# Groups that may file a case (docs/domain.md §10, POST /api/v1/cases/).
FILING_GROUPS = frozenset({CITIZEN, ASSOCIATION, INTAKE, EQUALITY_COMMISSION, CHILDREN_COUNCIL})
