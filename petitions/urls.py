"""Petition pages (OL 113-14 art. 121-125): public signing, the agent's tools, the bureau's
signatures and checklist. config/urls.py mounts these lists beside the cases' ones."""

from django.urls import path

from petitions import api, views

# Under the `petitions` namespace, at the site root.
petition_patterns = [
    path("petitions/", views.petition_list, name="list"),
    path("petitions/<str:reference>/sign/", views.petition_sign, name="sign"),
    path("my/<str:reference>/signatures/", views.my_signatures, name="my_signatures"),
    path("my/<str:reference>/signing/", views.my_signing, name="my_signing"),
    path("my/<str:reference>/attachments/", views.my_attachment, name="my_attachment"),
]

# Joined to the `staff` namespace under /staff/.
staff_patterns = [
    path("cases/<str:reference>/signatures/", views.staff_signatures, name="signatures"),
    path(
        "cases/<str:reference>/signatures/invalidate/",
        views.staff_signatures_invalidate,
        name="signatures_invalidate",
    ),
    path("cases/<str:reference>/signatures/add/", views.staff_signatures_add, name="signatures_add"),
    path("cases/<str:reference>/signatures/import/", views.staff_signatures_import, name="signatures_import"),
    path("cases/<str:reference>/admissibility/", views.staff_admissibility, name="admissibility"),
]

# Joined to the `cases` namespace under /cases/.
case_patterns = [
    path("<str:reference>/receipt/", views.case_receipt, name="receipt"),
]

# Joined to the `api` namespace under /api/v1/.
api_patterns = [
    path("cases/<str:reference>/signatures/", api.CaseSignaturesView.as_view(), name="case-signatures"),
    path(
        "cases/<str:reference>/admissibility/",
        api.CaseAdmissibilityView.as_view(),
        name="case-admissibility",
    ),
]
