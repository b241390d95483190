"""Public pages of the national, regional and provincial level (followup/national.py): the comparison
table of collectivities with the aggregate figures, and the aggregate register."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from cases.models import Case
from followup import national
from followup.views import EXPLAIN
from organisation import selectors as org_selectors

REGISTER_PAGE_SIZE = 50


def _installation_site_only(request) -> None:
    """The national level belongs to the installation's own site: under a collectivity's prefix or
    host name it is not found, so a collectivity's site never shows another's figures
    (docs/architecture.md, "Several collectivities")."""
    if org_selectors.routed_collectivity_id(request) is not None:
        raise Http404


def _parent(slug: str | None):
    if slug is None:
        return None
    parent = national.parent_get(slug)
    if parent is None:
        raise Http404
    return parent


def _query(request, parent, allowed):
    try:
        return national.parse(request.GET, parent=parent, allowed=allowed - {"parent"}), None
    except national.BadNationalQuery as exc:
        return national.parse({}, parent=parent), str(exc)


def comparison_page(request, slug: str | None = None):
    _installation_site_only(request)
    parent = _parent(slug)
    q, error = _query(request, parent, national.ALLOWED - {"page"})
    figures = national.comparison(q.scope, q.date_from, q.date_to, sort=q.sort)
    # Each heading is a plain link sorting by its column; a second click reverses the order.
    columns = []
    for key in national.COLUMNS:
        current = q.sort.lstrip("-") == key
        descending = q.sort.startswith("-")
        aria = ("descending" if descending else "ascending") if current else ""
        following = key if (not current or descending) else f"-{key}"
        if not current and key != "name":
            following = f"-{key}"  # figures: the largest first
        columns.append({"key": key, "label": _label(key), "sort": following, "aria": aria})
    return render(
        request,
        "followup/national.html",
        {
            "parent": parent,
            "figures": figures,
            "total": figures["total"],
            "rows": figures["collectivities"],
            "columns": columns,
            "sort": q.sort,
            "explain": EXPLAIN,
            "selected": {"from": q.date_from.isoformat(), "to": q.date_to.isoformat()},
            "error": error,
        },
        status=400 if error else 200,
    )


def register_page(request, slug: str | None = None):
    _installation_site_only(request)
    parent = _parent(slug)
    scope = national.Scope(parent)
    page = Paginator(national.register(scope), REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "followup/national_register.html",
        {"parent": parent, "page": page, "kinds": dict(Case.Kind.choices)},
    )


def _label(key: str) -> str:
    from django.utils.translation import gettext as _

    return {
        "name": _("Collectivity"),
        "cases_filed": _("Cases filed"),
        "decided": _("Decided"),
        "explained_rate": _("Decisions explained"),
        "adopted": _("Adopted"),
        "implementation_rate": _("Implementation rate"),
        "on_time_rate": _("Within deadline"),
        "overdue_petitions": _("Overdue petitions"),
    }[key]
