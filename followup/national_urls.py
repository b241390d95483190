"""The national, regional and provincial pages (followup/views_national.py), mounted at the site's root
by config/urls.py: they are about several collectivities, never under one's prefix."""

from django.urls import path

from followup import views_national

app_name = "national"

urlpatterns = [
    path("national/", views_national.comparison_page, name="comparison"),
    path("national/register/", views_national.register_page, name="register"),
    path("national/<slug:slug>/", views_national.comparison_page, name="comparison_for"),
    path("national/<slug:slug>/register/", views_national.register_page, name="register_for"),
]
