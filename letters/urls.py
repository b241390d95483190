"""/cases/<reference>/letters/<kind>.pdf?lang=ar|fr (README: letters)."""

from django.urls import path

from letters import views

app_name = "letters"

urlpatterns = [
    path("cases/<str:reference>/letters/<str:kind>.pdf", views.letter_pdf, name="pdf"),
]
