"""Server-rendered pages. Namespaces: `public` (the portal), `staff` (commune staff) and `cases`
(the transition POST that filers use from "My cases")."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from .views import files, petitions, public, staff

public_patterns = [
    path("", public.home, name="home"),
    path("register/", public.register, name="register"),
    path("register/<str:reference>/", public.case_detail, name="case"),
    path("track/", public.track, name="track"),
    path("file/", public.file_case, name="file"),
    path("file/done/", public.file_done, name="file_done"),
    path("my/", public.my_cases, name="my_cases"),
]

staff_patterns = [
    path("", staff.home, name="home"),
    path("cases/", staff.case_list, name="cases"),
    path("cases/<str:reference>/", staff.case_detail, name="case"),
    path("cases/<str:reference>/transition/<str:name>/", staff.transition, name="transition"),
    path("cases/<str:reference>/progress/", staff.progress, name="progress"),
    path("cases/<str:reference>/milestones/", staff.milestone, name="milestone"),
    path("cases/<str:reference>/milestones/<int:milestone_id>/reached/", staff.milestone_reach, name="milestone_reach"),
    path("cases/<str:reference>/correct/", staff.correct, name="correct"),
    path("cases/<str:reference>/link/", staff.link_opinion, name="link_opinion"),
    path("cases/<str:reference>/signatures/", petitions.staff_signatures, name="signatures"),
    path(
        "cases/<str:reference>/signatures/invalidate/",
        petitions.staff_signatures_invalidate,
        name="signatures_invalidate",
    ),
    path("cases/<str:reference>/signatures/add/", petitions.staff_signatures_add, name="signatures_add"),
    path("cases/<str:reference>/signatures/import/", petitions.staff_signatures_import, name="signatures_import"),
    path("cases/<str:reference>/admissibility/", petitions.staff_admissibility, name="admissibility"),
]

# Petitions (OL 113-14 art. 121-125): public signing and the agent's tools.
petition_patterns = [
    path("petitions/", petitions.petition_list, name="list"),
    path("petitions/<str:reference>/sign/", petitions.petition_sign, name="sign"),
    path("my/<str:reference>/signatures/", petitions.my_signatures, name="my_signatures"),
    path("my/<str:reference>/signing/", petitions.my_signing, name="my_signing"),
    path("my/<str:reference>/attachments/", petitions.my_attachment, name="my_attachment"),
]

case_patterns = [
    path("<str:reference>/transition/<str:name>/", staff.transition, name="transition"),
    path("<str:reference>/receipt/", petitions.case_receipt, name="receipt"),
]

# A case's documents, under the case page's rules (README: documents).
file_patterns = [
    path("<int:attachment_id>/", files.download, name="download"),
]

urlpatterns = [
    path("", include((public_patterns, "public"))),
    path("files/", include((file_patterns, "files"))),
    path("", include((petition_patterns, "petitions"))),
    path("staff/", include((staff_patterns, "staff"))),
    path("cases/", include((case_patterns, "cases"))),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]
