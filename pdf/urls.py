"""The pages of PDF jobs: order, follow and download."""

from django.urls import path

from pdf import views

app_name = "pdf"

urlpatterns = [
    path("meetings/<int:pk>/pdf/", views.pdf_start, name="start"),
    path("pdf-jobs/<int:pk>/", views.pdf_job_status, name="job"),
    path("meetings/<int:pk>/<str:document>.pdf", views.pdf_public, name="public"),
]
