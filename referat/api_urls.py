"""The JSON API under /api/. Each feature module adds its routes here."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from meetings.pdf import api as pdf_api

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("meetings/<int:pk>/pdf/", pdf_api.MeetingPdfView.as_view(), name="api-meeting-pdf"),
    path("jobs/<int:pk>/", pdf_api.PdfJobView.as_view(), name="api-pdf-job"),
    path(
        "jobs/<int:pk>/download/",
        pdf_api.PdfJobDownloadView.as_view(),
        name="api-pdf-job-download",
    ),
]
