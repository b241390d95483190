"""Error pages: JSON under /api/, translated HTML elsewhere."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _wants_json(request) -> bool:
    # path_info: under a collectivity's prefix /c/<slug>/ the path itself starts with the prefix
    # (organisation.tenancy); an unknown prefix keeps it in path_info.
    path = request.path_info
    if path.startswith("/c/"):
        path = "/" + path.split("/", 3)[-1]
    return path.startswith("/api/")


def not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"error": "not_found", "detail": _("Not found.")}, status=404)
    return render(request, "errors/error.html", {"title": _("Page not found"), "status": 404}, status=404)


def forbidden(request, exception=None):
    if _wants_json(request):
        return JsonResponse(
            {"error": "forbidden", "detail": _("You are not allowed to do this.")}, status=403
        )
    return render(request, "errors/error.html", {"title": _("Access refused"), "status": 403}, status=403)


def bad_request(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"error": "bad_request", "detail": _("The request is not valid.")}, status=400)
    return render(request, "errors/error.html", {"title": _("Bad request"), "status": 400}, status=400)


def server_error(request):
    if _wants_json(request):
        return JsonResponse(
            {"error": "server_error", "detail": _("An unexpected error occurred.")}, status=500
        )
    return render(
        request, "errors/error.html", {"title": _("An unexpected error occurred"), "status": 500}, status=500
    )
