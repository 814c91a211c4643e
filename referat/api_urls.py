"""The JSON API under /api/. Each feature module adds its routes here."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from meetings.api import ItemViewSet, MeetingViewSet
from meetings.pdf import api as pdf_api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("meetings", MeetingViewSet, basename="api-meeting")
router.register("items", ItemViewSet, basename="api-item")

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
    path("", include(router.urls)),
]
