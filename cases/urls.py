"""Server-rendered case pages, as lists config/urls.py mounts: namespaces `public` (the portal), `staff`
(commune staff), `cases` (the transition POST that filers use from "My cases") and `files`."""

from django.urls import path

from cases.views import committees, files, public, staff

public_patterns = [
    path("", public.home, name="home"),
    path("register/", public.register, name="register"),
    path("register/<str:reference>/", public.case_detail, name="case"),
    path("track/", public.track, name="track"),
    path("rules/", public.rules, name="rules"),
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
    path(
        "cases/<str:reference>/milestones/<int:milestone_id>/reached/",
        staff.milestone_reach,
        name="milestone_reach",
    ),
    path("cases/<str:reference>/correct/", staff.correct, name="correct"),
    path("cases/<str:reference>/link/", staff.link_opinion, name="link_opinion"),
    path("cases/<str:reference>/committees/", committees.ask_opinion, name="committee_opinion_ask"),
    path(
        "cases/<str:reference>/committees/<int:committee_id>/opinion/",
        committees.file_opinion,
        name="committee_opinion_file",
    ),
]

case_patterns = [
    path("<str:reference>/transition/<str:name>/", staff.transition, name="transition"),
]

# A case's documents, under the case page's rules (README: documents).
file_patterns = [
    path("<int:attachment_id>/", files.download, name="download"),
]
